// `call` per route: what it sends for each auth the profile records (SigV4 for
// execute-api or lambda, the ID or access token raw or as Bearer, nothing), the API
// key only where the API takes one, x-apigw-api-id, the 401 → refresh once → exit 3
// path, 403 → exit 4, and the explanation on --dry-run / -v. Two fixture servers
// stand in for a REST API and an HTTP API; real API Gateway behaviour is covered
// through the binary against the emulator (test/e2e/call-routes.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCall, type CallOptions } from '../../src/commands/call.js';
import { runBatch } from '../../src/commands/batch.js';
import { AuthError, ExitCode, exitCodeFor } from '../../src/errors.js';
import type { GetToken } from '../../src/http/token-source.js';
import { API_KEY, setupContext, startFixture, stubCredentials, type Fixture, type Reply } from '../http/fixture-server.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

/** A JWT-shaped token (header.payload.signature) valid for `ttlS` seconds from `now`. */
function jwt(name: string, nowMs: number, ttlS = 3600): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'RS256' })}.${b({ sub: name, exp: Math.floor(nowMs / 1000) + ttlS })}.sig-${name}`;
}

interface TokenStub extends GetToken {
  calls: Array<{ kind: string; force: boolean }>;
}

/** getToken as the session layer behaves: a token per kind, a new one on forceRefresh; not logged in → exit 3. */
function stubTokens(now: number, opts: { loggedIn?: boolean; refreshFails?: boolean } = {}): TokenStub {
  let generation = 1;
  const calls: TokenStub['calls'] = [];
  const fn = (async (_ctx, kind, o) => {
    calls.push({ kind, force: Boolean(o?.forceRefresh) });
    if (opts.loggedIn === false) throw new AuthError('not logged in (profile default)', 'run `authapi login`');
    if (o?.forceRefresh) {
      if (opts.refreshFails) throw new AuthError('session expired (profile default): the refresh token was refused', 'run `authapi login`');
      generation += 1;
    }
    const t = jwt(`${kind}${generation}`, now);
    _ctx.io.redactor.add(t);
    return t;
  }) as TokenStub;
  fn.calls = calls;
  return fn;
}

async function setup(handlers: { rest?: (n: number) => Reply; http?: (n: number) => Reply }, verbose = false, input?: string) {
  const rest = await startFixture((_r, n) => (handlers.rest ?? (() => ({ body: 'rest' })))(n));
  const http = await startFixture((_r, n) => (handlers.http ?? (() => ({ body: 'http' })))(n));
  fixtures.push(rest, http);
  const s = setupContext(`${rest.url}/prod`, { verbose, input });
  const file = join(s.dir, 'config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8'));
  cfg.profiles.default.apiId = 'a1b2c3d4e5';
  cfg.profiles.default.apis = {
    rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /no-auth': 'none', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token' } },
    http: { url: http.url, type: 'http', auth: 'access-token', routes: { 'GET /me': 'access-token', 'GET /iam': 'iam' } },
    fn: { url: `${http.url}/`, type: 'function-url', auth: 'iam' },
  };
  writeFileSync(file, JSON.stringify(cfg));
  const tokens = stubTokens(s.clock.now());
  const creds = stubCredentials();
  const call = async (target: string, opts: Partial<CallOptions> = {}, deps: { tokens?: TokenStub } = {}) => {
    try {
      await runCall(s.ctx, { header: [], query: [], ...opts }, target, { getCredentials: creds, getToken: deps.tokens ?? tokens, random: () => 0.5 });
      return { code: 0 as number, error: undefined as Error | undefined };
    } catch (err) {
      return { code: exitCodeFor(err) as number, error: err as Error };
    }
  };
  return { ...s, rest, http, tokens, creds, call };
}

describe('call: the auth each route takes', () => {
  it('REST Cognito authorizer: the raw ID token in Authorization, with the API key and x-apigw-api-id; no AWS credentials fetched', async () => {
    const s = await setup({});
    expect(await s.call('require-token')).toMatchObject({ code: 0 });
    const req = s.rest.requests[0]!;
    expect(req.url).toBe('/prod/require-token');
    expect(req.headers.authorization).toBe(jwt('id1', s.clock.now()));
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.headers['x-apigw-api-id']).toBe('a1b2c3d4e5');
    expect(req.headers['x-amz-date']).toBeUndefined();
    expect(s.creds.calls).toEqual([]);
    expect(s.tokens.calls).toEqual([{ kind: 'id', force: false }]);
    expect(s.io.stdoutText()).toBe('rest');
  });

  it('REST authorizer with scopes: the raw access token', async () => {
    const s = await setup({});
    await s.call('require-scope');
    expect(s.rest.requests[0]!.headers.authorization).toBe(jwt('access1', s.clock.now()));
  });

  it('HTTP API JWT authorizer: Bearer <access token>, and neither the API key nor the REST API id', async () => {
    const s = await setup({});
    expect(await s.call('me')).toMatchObject({ code: 0 });
    const req = s.http.requests[0]!;
    expect(req.url).toBe('/me');
    expect(req.headers.authorization).toBe(`Bearer ${jwt('access1', s.clock.now())}`);
    expect(req.headers['x-api-key']).toBeUndefined();
    expect(req.headers['x-apigw-api-id']).toBeUndefined();
    expect(s.rest.requests).toEqual([]);
  });

  it('HTTP API with AWS_IAM: SigV4 for execute-api; a function URL: SigV4 for lambda; no API key to either', async () => {
    const s = await setup({});
    await s.call('iam');
    const iam = s.http.requests[0]!;
    expect(iam.signature).toMatchObject({ valid: true });
    expect(String(iam.headers.authorization)).toMatch(/\/us-east-1\/execute-api\/aws4_request/);
    expect(iam.headers['x-api-key']).toBeUndefined();
    await s.call('/anything', { api: 'fn' });
    const fn = s.http.requests[1]!;
    expect(fn.url).toBe('/anything');
    expect(fn.signature).toMatchObject({ valid: true });
    expect(String(fn.headers.authorization)).toMatch(/\/us-east-1\/lambda\/aws4_request/);
    expect(fn.headers['x-api-key']).toBeUndefined();
  });

  it('a route without auth goes unsigned (no login needed), with the API key', async () => {
    const s = await setup({});
    await s.call('no-auth');
    const req = s.rest.requests[0]!;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(s.creds.calls).toEqual([]);
  });

  it('--auth overrides the route; --unsigned is --auth none; they may not disagree', async () => {
    const s = await setup({});
    await s.call('me', { auth: 'iam' });
    expect(s.http.requests[0]!.signature).toMatchObject({ valid: true });
    await s.call('require-token', { auth: 'access-token' });
    expect(s.rest.requests[0]!.headers.authorization).toBe(jwt('access1', s.clock.now()));
    await s.call('me', { unsigned: true, header: ['Authorization: Bearer mine'] });
    expect(s.http.requests[1]!.headers.authorization).toBe('Bearer mine');
    const bad = await s.call('me', { unsigned: true, auth: 'iam' });
    expect(bad.code).toBe(ExitCode.USAGE);
    expect(bad.error!.message).toBe('--unsigned and --auth iam disagree');
    const unknown = await s.call('me', { auth: 'jwt' });
    expect(unknown).toMatchObject({ code: ExitCode.USAGE, error: { message: '--auth "jwt": not an auth mode' } });
    expect(s.http.requests).toHaveLength(2);
  });

  it('refuses a token route as a guest, and the user\'s own Authorization on it, before sending', async () => {
    const s = await setup({});
    const guest = await s.call('me', { guest: true });
    expect(guest.code).toBe(ExitCode.USAGE);
    expect(guest.error!.message).toBe("--guest: this route takes the user's access token, and guests have none");
    const own = await s.call('require-token', { header: ['Authorization: x'] });
    expect(own.code).toBe(ExitCode.USAGE);
    expect(own.error!.message).toMatch(/^-H Authorization refused: this route gets the user's id-token in Authorization/);
    expect(s.http.requests).toEqual([]);
    expect(s.rest.requests).toEqual([]);
  });

  it('nobody logged in: a token route exits 3 with the login hint, sending nothing (no guest fallback)', async () => {
    const s = await setup({});
    const r = await s.call('me', {}, { tokens: stubTokens(s.clock.now(), { loggedIn: false }) });
    expect(r.code).toBe(ExitCode.AUTH);
    expect(r.error).toMatchObject({ message: 'not logged in (profile default)', hint: 'run `authapi login`' });
    expect(s.http.requests).toEqual([]);
    expect(s.creds.calls).toEqual([]);
  });

  it('401: the token is refreshed once and the request sent again', async () => {
    const s = await setup({ http: (n) => (n === 1 ? { status: 401, body: '{"message":"Unauthorized"}', headers: { 'www-authenticate': 'Bearer' } } : { body: 'ok' }) });
    const r = await s.call('me');
    expect(r.code).toBe(0);
    expect(s.tokens.calls).toEqual([{ kind: 'access', force: false }, { kind: 'access', force: true }]);
    expect(s.http.requests.map((q) => q.headers.authorization)).toEqual([`Bearer ${jwt('access1', s.clock.now())}`, `Bearer ${jwt('access2', s.clock.now())}`]);
    expect(s.io.stdoutText()).toBe('ok');
  });

  it('401 again after the refresh: exit 3, "run `authapi login`"; a refresh that fails says why', async () => {
    const s = await setup({ rest: () => ({ status: 401, body: '{"message":"The incoming token has expired"}' }) });
    const r = await s.call('require-token');
    expect(r.code).toBe(ExitCode.AUTH);
    expect(r.error!.message).toBe('HTTP 401 Unauthorized: the API refused the ID token (The incoming token has expired) again after a refresh');
    expect((r.error as AuthError).hint).toBe('run `authapi login`');
    expect(s.rest.requests).toHaveLength(2);

    const failing = await s.call('require-token', {}, { tokens: stubTokens(s.clock.now(), { refreshFails: true }) });
    expect(failing.code).toBe(ExitCode.AUTH);
    expect(failing.error!.message).toMatch(/refused the ID token \(The incoming token has expired\); a new one could not be had: session expired/);
    expect(s.rest.requests).toHaveLength(3);
  });

  it('403 (a scope the token lacks): exit 4, no refresh', async () => {
    const s = await setup({ http: () => ({ status: 403, body: '{"message":"Forbidden"}' }) });
    const r = await s.call('me');
    expect(r.code).toBe(ExitCode.HTTP_CLIENT);
    expect(s.tokens.calls).toEqual([{ kind: 'access', force: false }]);
    expect(s.http.requests).toHaveLength(1);
  });

  it('--dry-run says which auth and why, and masks the token; -v says it too', async () => {
    const s = await setup({});
    await s.call('me', { dryRun: true });
    expect(s.io.stderrText()).toBe('auth: access-token (Bearer in Authorization), route GET /me of api http: JWT authorizer\n');
    const out = s.io.stdoutText();
    expect(out).toMatch(/^GET \/me HTTP\/1\.1\n/);
    expect(out).toContain('authorization: Bearer ***\n');
    expect(out).not.toContain(jwt('access1', s.clock.now()).split('.')[1]!);
    expect(s.http.requests).toEqual([]);

    const v = await setup({}, true);
    await v.call('require-token');
    const err = v.io.stderrText();
    expect(err).toContain('auth: id-token (raw token in Authorization), route GET /require-token of api rest: Cognito user pool authorizer');
    expect(err).toContain('authorization: ***\n');
    expect(err).not.toContain(jwt('id1', v.clock.now()).split('.')[1]!);
    expect(err).not.toContain(API_KEY);
  });
});

describe('batch: the auth each line takes', () => {
  it('lines go to the API of their route with its auth, or the line\'s "auth"/"api"; a token refused once is refreshed once for all', async () => {
    let refused = false;
    const lines = [
      { id: 'token', path: 'require-token' },
      { id: 'me', path: 'me' },
      { id: 'iam', path: 'iam' },
      { id: 'none', path: 'no-auth' },
      { id: 'override', path: '/x', auth: 'access-token', api: 'http' },
      { id: 'fn', path: '/f', api: 'fn' },
      { id: 'bad', path: 'me', auth: 'jwt' },
      { id: 'guest', path: 'me', guest: true },
    ].map((l) => JSON.stringify(l)).join('\n') + '\n';
    const s = await setup({
      http: () => {
        if (!refused) {
          refused = true;
          return { status: 401, body: '{"message":"Unauthorized"}' };
        }
        return { body: 'http' };
      },
    }, false, lines);
    let code = 0;
    try {
      await runBatch(s.ctx, { concurrency: '1', ordered: true }, { getCredentials: s.creds, getToken: s.tokens, random: () => 0.5 });
    } catch (err) {
      code = exitCodeFor(err);
    }
    const results = s.io.stdoutText().trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.id, r.status ?? r.exitCode])).toEqual([
      ['token', 200], ['me', 200], ['iam', 200], ['none', 200], ['override', 200], ['fn', 200], ['bad', 2], ['guest', 2],
    ]);
    expect(results[6].error).toBe('line 7: "auth" "jwt": not an auth mode');
    expect(results[7].error).toBe('line 8: "guest": this route takes the user\'s access-token, and guests have none');
    expect(code).toBe(ExitCode.USAGE);
    const byPath = (f: Fixture, p: string) => f.requests.filter((q) => q.url === p);
    expect(byPath(s.rest, '/prod/require-token')[0]!.headers.authorization).toBe(jwt('id1', s.clock.now()));
    expect(byPath(s.rest, '/prod/require-token')[0]!.headers['x-apigw-api-id']).toBe('a1b2c3d4e5');
    const me = byPath(s.http, '/me');
    expect(me.map((q) => q.headers.authorization)).toEqual([`Bearer ${jwt('access1', s.clock.now())}`, `Bearer ${jwt('access2', s.clock.now())}`]);
    expect(byPath(s.http, '/x')[0]!.headers.authorization).toBe(`Bearer ${jwt('access2', s.clock.now())}`);
    expect(byPath(s.http, '/iam')[0]!.signature).toMatchObject({ valid: true });
    expect(String(byPath(s.http, '/f')[0]!.headers.authorization)).toMatch(/\/lambda\/aws4_request/);
    expect(byPath(s.rest, '/prod/no-auth')[0]!.headers.authorization).toBeUndefined();
    for (const q of s.http.requests) expect(q.headers['x-api-key']).toBeUndefined();
    expect(s.tokens.calls.filter((c) => c.force)).toHaveLength(1);
  });
});
