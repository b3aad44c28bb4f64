import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCall, type CallOptions } from '../../src/commands/call.js';
import { ExitCode, exitCodeFor } from '../../src/errors.js';
import {
  ACCESS_KEY, API_KEY, SECRET_KEY, SESSION_TOKEN, setupContext, startFixture, stubCredentials, type Fixture, type Reply,
} from '../http/fixture-server.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const base = (o: Partial<CallOptions> = {}): CallOptions => ({ header: [], query: [], ...o });

async function run(target: string, opts: Partial<CallOptions>, handler: (n: number) => Reply, setup: Parameters<typeof setupContext>[1] = {}, creds = stubCredentials()) {
  fx = await startFixture((_r, n) => handler(n));
  const s = setupContext(`${fx.url}/prod`, setup);
  let code: number = ExitCode.OK;
  let error: Error | undefined;
  try {
    await runCall(s.ctx, base(opts), target, { getCredentials: creds, random: () => 0.5 });
  } catch (err) {
    error = err as Error;
    code = exitCodeFor(err);
  }
  return { ...s, code, error, requests: fx.requests, creds };
}

describe('call: signing and sending', () => {
  it('GETs a route with the API key and a valid SigV4 signature (session token signed), body to stdout', async () => {
    const r = await run('require-auth', {}, () => ({ body: '{"message":"You\'re past the velvet rope!"}' }));
    expect(r.code).toBe(0);
    expect(r.io.stdoutText()).toBe('{"message":"You\'re past the velvet rope!"}');
    const req = r.requests[0]!;
    expect(req.url).toBe('/prod/require-auth');
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.headers['x-amz-security-token']).toBe(SESSION_TOKEN);
    expect(req.signature).toMatchObject({ valid: true, accessKeyId: ACCESS_KEY });
    expect(String(req.headers.authorization)).toMatch(/\/us-east-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token;x-api-key,/);
  });

  it.each([
    ['/items/a b/caf\u00e9', [], '/prod/items/a%20b/caf%C3%A9'],
    ['/p/100%/x+y=z,w:v@u*', [], '/prod/p/100%25/x%2By%3Dz%2Cw%3Av%40u%2A'],
    ['/already%20encoded', [], '/prod/already%20encoded'],
    ['/s?q=a+b&r=%2B&k=2&k=1&flag&e=', [], '/prod/s?e=&flag&k=2&k=1&q=a%20b&r=%2B'],
    ['/s', ['q=a+b', 'p=100%', 'u=\u00fc ber', 'k=1', 'k=1', 'empty='], '/prod/s?empty=&k=1&k=1&p=100%25&q=a%2Bb&u=%C3%BC%20ber'],
    ['/s?%E2%9C%93=%F0%9F%98%80', ['z=*', 'a=~'], '/prod/s?%E2%9C%93=%F0%9F%98%80&a=~&z=%2A'],
  ])('signs odd targets correctly: %s %j', async (target, query, wire) => {
    const r = await run(target, { query }, () => ({ body: 'ok' }));
    expect(r.code).toBe(0);
    const req = r.requests[0]!;
    expect(req.signature?.valid, JSON.stringify(req.signature)).toBe(true);
    // Same parameters as expected, whatever the grouping order of the keys.
    const sortQ = (u: string) => u.split('?')[0] + '?' + (u.split('?')[1] ?? '').split('&').sort().join('&');
    expect(sortQ(req.url)).toBe(sortQ(wire));
  });

  it('sends a body from a string, @file and @- (binary-safe), POST by default, and signs it', async () => {
    const bin = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13, 0x80]);
    const r1 = await run('/echo', { data: '{"a":1}', header: ['Content-Type: application/json'] }, () => ({ body: 'x' }));
    expect(r1.requests[0]).toMatchObject({ method: 'POST', body: Buffer.from('{"a":1}') });
    expect(r1.requests[0]!.headers['content-type']).toBe('application/json');
    expect(r1.requests[0]!.signature?.valid).toBe(true);
    await fx!.close();

    const r2 = await run('/echo', { data: '@-', request: 'put' }, () => ({ body: 'x' }), { input: bin });
    expect(r2.requests[0]!.method).toBe('PUT');
    expect(r2.requests[0]!.body.equals(bin)).toBe(true);
    expect(r2.requests[0]!.signature?.valid).toBe(true);
    expect(r2.io.stderrText()).toBe(''); // piped: not a word about the terminal
    await fx!.close();
    const typed = await run('/echo', { data: '@-' }, () => ({ body: 'x' }), { input: 'typed', tty: true });
    expect(typed.requests[0]!.body.toString()).toBe('typed');
    expect(typed.io.stderrText()).toBe('authapi: reading the request body from the terminal; end with Ctrl-D\n');
    const file = join(r2.dir, 'body.bin');
    writeFileSync(file, bin);
    await fx!.close();

    const r3 = await run('/echo', { data: `@${file}` }, () => ({ body: 'x' }));
    expect(r3.requests[0]!.body.equals(bin)).toBe(true);
    await fx!.close();
    const r4 = await run('/echo', { data: '@/nonexistent/file' }, () => ({ body: 'x' }));
    expect(r4.code).toBe(2);
    expect(r4.requests).toHaveLength(0);
  });

  it('writes binary answers byte for byte, with no newline added on a pipe, and -o FILE', async () => {
    const bin = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0a, 0x00]);
    const r = await run('/bin', {}, () => ({ body: bin, headers: { 'content-type': 'application/octet-stream' } }));
    expect(r.io.stdoutBytes().equals(bin)).toBe(true);
    await fx!.close();
    const r2 = await run('/text', {}, () => ({ body: 'no newline' }));
    expect(r2.io.stdoutText()).toBe('no newline');
    await fx!.close();
    const r3 = await run('/text', {}, () => ({ body: 'no newline' }), { tty: true });
    expect(r3.io.stdoutText()).toBe('no newline\n');
    await fx!.close();
    const out = join(r3.dir, 'out.bin');
    const r4 = await run('/bin', { output: out }, () => ({ body: bin }));
    expect(readFileSync(out).equals(bin)).toBe(true);
    expect(r4.io.stdoutText()).toBe('');
    await fx!.close();
    const r5 = await run('/bin', { output: join(r3.dir, 'no-such-dir', 'x.bin') }, () => ({ body: bin }));
    expect(r5.code).toBe(2);
    expect(r5.error?.message).toMatch(/the directory .*no-such-dir does not exist/);
    expect(r5.requests).toHaveLength(0);
  });

  it('-i prints the status line and headers to stderr, stdout stays the body', async () => {
    const r = await run('no-auth', { include: true }, () => ({ body: '{}', headers: { 'x-amzn-RequestId': 'req-1' } }));
    expect(r.io.stderrText()).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(r.io.stderrText()).toContain('x-amzn-RequestId: req-1');
    expect(r.io.stdoutText()).toBe('{}');
  });

  it('--dry-run prints the signed request with secrets masked and sends nothing', async () => {
    const r = await run('require-auth', { dryRun: true, query: ['a=1'] }, () => ({ body: 'x' }));
    expect(r.requests).toHaveLength(0);
    const out = r.io.stdoutText();
    expect(out).toMatch(/^GET \/prod\/require-auth\?a=1 HTTP\/1\.1\n/);
    expect(out).toContain('x-api-key: ***');
    expect(out).toContain('x-amz-security-token: ***');
    expect(out).toMatch(/authorization: AWS4-HMAC-SHA256 Credential=ASIATESTACCESSKEY123\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=[a-z;-]+, Signature=\*\*\*/);
    for (const secret of [API_KEY, SECRET_KEY, SESSION_TOKEN]) expect(out).not.toContain(secret);
  });

  it('rejects bad input before any request', async () => {
    for (const opts of [{ header: ['no colon'] }, { request: 'GE T' }, { timeout: 'soon' }, { retries: '-1' }, { query: ['=x'] }] as Partial<CallOptions>[]) {
      const r = await run('no-auth', opts, () => ({ body: 'x' }));
      expect(r.code, JSON.stringify(opts)).toBe(2);
      expect(r.requests).toHaveLength(0);
      expect(r.creds.calls).toHaveLength(0);
      await fx!.close();
    }
    const r = await run('https://elsewhere.example.com/prod/x', {}, () => ({ body: 'x' }));
    expect(r.code).toBe(2);
    expect(r.creds.calls).toHaveLength(0);
  });
});

describe('call: answers and exit codes', () => {
  it('non-2xx prints the body and exits 4 or 5', async () => {
    const r = await run('/missing', {}, () => ({ status: 404, body: '{"message":"Missing Authentication Token"}' }));
    expect(r.code).toBe(4);
    expect(r.io.stdoutText()).toBe('{"message":"Missing Authentication Token"}');
    expect(r.error?.message).toBe('HTTP 404 Not Found');
    expect((r.error as { hint?: string }).hint).toBeUndefined();
    await fx!.close();
    const mat = await run('/nope', {}, () => ({ status: 403, headers: { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' }, body: '{"message":"Missing Authentication Token"}' }));
    expect(mat.code).toBe(4);
    expect((mat.error as { hint?: string }).hint).toMatch(/path or method the API does not have/);
    await fx!.close();
    const key = await run('no-auth', {}, () => ({ status: 403, headers: { 'x-amzn-ErrorType': 'ForbiddenException' }, body: '{"message":"Forbidden"}' }));
    expect((key.error as { hint?: string }).hint).toMatch(/API key was refused/);
    await fx!.close();
    const r5 = await run('/boom', { request: 'POST' }, () => ({ status: 500, body: '{"message": "Internal server error"}' }));
    expect(r5.code).toBe(5);
    expect(r5.requests).toHaveLength(1);
  });

  it('uses guest credentials when not logged in; an IAM AccessDenied then exits 3 with the login hint', async () => {
    const creds = stubCredentials({ loggedIn: false });
    const ok = await run('no-auth', {}, () => ({ body: '{"message":"Open for All!"}' }), {}, creds);
    expect(ok.code).toBe(0);
    expect(ok.requests[0]!.signature).toMatchObject({ valid: true, accessKeyId: 'ASIAGUESTACCESSKEY99' });
    await fx!.close();
    const denied = await run('require-auth', {}, () => ({
      status: 403,
      headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
      body: '{"Message":"User: arn:aws:sts::123456789012:assumed-role/Unauth/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/require-auth because no identity-based policy allows the execute-api:Invoke action"}',
    }), {}, stubCredentials({ loggedIn: false }));
    expect(denied.code).toBe(3);
    expect(denied.error?.message).toMatch(/not logged in/);
    expect((denied.error as { hint?: string }).hint).toMatch(/authapi login/);
  });

  it('a logged-in user refused by IAM gets exit 4 (it is a real 403), and --guest forces guest credentials', async () => {
    const r = await run('require-auth', {}, () => ({ status: 403, headers: { 'x-amzn-ErrorType': 'AccessDeniedException' }, body: '{"Message":"User: x is not authorized to perform: execute-api:Invoke"}' }));
    expect(r.code).toBe(4);
    await fx!.close();
    const g = await run('no-auth', { guest: true }, () => ({ body: 'ok' }));
    expect(g.creds.calls).toEqual([{ guest: true }]);
    expect(g.requests[0]!.signature?.accessKeyId).toBe('ASIAGUESTACCESSKEY99');
  });

  it('not logged in and no guest access either: exit 3, nothing sent', async () => {
    const r = await run('require-auth', {}, () => ({ body: 'x' }), {}, stubCredentials({ loggedIn: false, guestFails: true }));
    expect(r.code).toBe(3);
    expect(r.requests).toHaveLength(0);
  });

  it('network failure exits 6; a timeout exits 6', async () => {
    const s = setupContext('http://127.0.0.1:9/prod');
    const err = await runCall(s.ctx, base({ retries: '0' }), 'no-auth', { getCredentials: stubCredentials() }).catch((e) => e);
    expect(exitCodeFor(err)).toBe(6);
    expect(err.message).toMatch(/cannot reach 127\.0\.0\.1:9: connection refused/);
    const t = await run('no-auth', { timeout: '0.2', retries: '0' }, () => ({ hang: true }));
    expect(t.code).toBe(6);
    expect(t.error?.message).toMatch(/timeout/);
  });
});

describe('call: retries', () => {
  const throttled: Reply = { status: 429, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' }, body: '{"message":"Too Many Requests"}' };
  const quota: Reply = { status: 429, headers: { 'x-amzn-ErrorType': 'LimitExceededException' }, body: '{"message":"Limit Exceeded"}' };

  it('retries 429 Too Many Requests with backoff through the clock, then succeeds', async () => {
    const r = await run('no-auth', {}, (n) => (n < 3 ? throttled : { body: 'ok' }), { verbose: true });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(3);
    expect(r.clock.sleeps).toEqual([250, 500]); // random 0.5 × 500 ms · 2^(n-1)
    expect(r.io.stdoutText()).toBe('ok');
    expect(r.io.stderrText()).toMatch(/retry 1\/2 in 250 ms: 429 Too Many Requests/);
    // Each attempt is signed afresh, with the (advanced) clock.
    expect(r.requests.every((q) => q.signature?.valid)).toBe(true);
  });

  it('exits 7 after the last throttled attempt, and --retries 0 disables retrying', async () => {
    const r = await run('no-auth', {}, () => throttled);
    expect(r.code).toBe(7);
    expect(r.requests).toHaveLength(3);
    expect(r.io.stdoutText()).toBe('{"message":"Too Many Requests"}'.repeat(1));
    await fx!.close();
    const r0 = await run('no-auth', { retries: '0' }, () => throttled);
    expect(r0.code).toBe(7);
    expect(r0.requests).toHaveLength(1);
    expect(r0.clock.sleeps).toEqual([]);
  });

  it('never retries 429 Limit Exceeded (quota): exit 7 at once', async () => {
    const r = await run('no-auth', {}, () => quota);
    expect(r.code).toBe(7);
    expect(r.requests).toHaveLength(1);
    expect(r.error?.message).toMatch(/quota/);
  });

  it('retries 502/503/504 for GET but not for POST; honours Retry-After', async () => {
    const r = await run('no-auth', {}, (n) => (n === 1 ? { status: 503, headers: { 'retry-after': '3' }, body: '' } : n === 2 ? { status: 502, body: '' } : { body: 'ok' }));
    expect(r.code).toBe(0);
    expect(r.clock.sleeps).toEqual([3000, 100]);
    await fx!.close();
    const p = await run('/x', { request: 'POST', data: 'a' }, () => ({ status: 503, body: 'busy' }));
    expect(p.code).toBe(5);
    expect(p.requests).toHaveLength(1);
  });

  it('AWS_MAX_ATTEMPTS / AUTHAPI_MAX_ATTEMPTS set the attempts; --retries wins', async () => {
    fx = await startFixture(() => throttled);
    const s = setupContext(`${fx.url}/prod`);
    s.ctx.env.AWS_MAX_ATTEMPTS = '5';
    const five = await runCall(s.ctx, base(), 'no-auth', { getCredentials: stubCredentials(), random: () => 0 }).catch((e: unknown) => e);
    expect(exitCodeFor(five)).toBe(7); // throttled after the last try
    expect(fx.requests).toHaveLength(5);
    const two = await runCall(s.ctx, base({ retries: '1' }), 'no-auth', { getCredentials: stubCredentials(), random: () => 0 }).catch((e: unknown) => e);
    expect(exitCodeFor(two)).toBe(7);
    expect(fx.requests).toHaveLength(7);
  });

  it('retries a reset connection for GET', async () => {
    const r = await run('no-auth', {}, (n) => (n === 1 ? { reset: true } : { body: 'ok' }));
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(2);
  });
});

describe('call: expired session token', () => {
  it('fetches fresh credentials once (forceRefresh) and re-sends', async () => {
    let n = 0;
    const creds = (async (_ctx: unknown, o?: { forceRefresh?: boolean }) => {
      n += 1;
      return { ...(await stubCredentials()(_ctx as never)), accessKeyId: o?.forceRefresh ? 'ASIAFRESHKEY00000000' : 'ASIASTALEKEY00000000' };
    }) as never;
    const r = await run('require-auth', {}, (k) => (k === 1 ? { status: 403, body: '{"message":"The security token included in the request is expired"}' } : { body: 'ok' }), {}, creds);
    expect(r.code).toBe(0);
    expect(n).toBe(2);
    expect(r.requests.map((q) => q.signature?.accessKeyId)).toEqual(['ASIASTALEKEY00000000', 'ASIAFRESHKEY00000000']);
  });
});

describe('call: clock skew', () => {
  it('corrects a skewed local clock from the Date header, re-signs once and remembers the offset', async () => {
    const serverNow = Date.now();
    const skewedLocal = serverNow - 3 * 3600_000; // our clock is 3 h behind
    const handler = (n: number): Reply => {
      const req = fx!.requests[n - 1]!;
      const d = req.headers['x-amz-date'] as string;
      const t = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
      if (Math.abs(t - serverNow) > 300_000) {
        return { status: 403, headers: { date: new Date(serverNow).toUTCString(), 'x-amzn-ErrorType': 'InvalidSignatureException' }, body: `{"message":"Signature expired: ${d} is now earlier than X (Y - 5 min.)"}` };
      }
      return { body: 'ok', headers: { date: new Date(serverNow).toUTCString() } };
    };
    const r = await run('require-auth', {}, handler, { now: skewedLocal, verbose: true });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(2);
    expect(r.io.stderrText()).toMatch(/clock skew: the server's clock is (10799|10800) s ahead of ours/);
    const saved = JSON.parse(readFileSync(join(r.dir, 'clock-skew.json'), 'utf8'));
    expect(Math.abs(saved.default.offsetMs - 3 * 3600_000)).toBeLessThan(2000);

    // The next run starts with the offset: one request.
    fx!.requests.length = 0;
    await runCall(r.ctx, base(), 'require-auth', { getCredentials: stubCredentials() });
    expect(fx!.requests).toHaveLength(1);
  });

  it('re-signs only once: a server that keeps refusing gets the 403 back (exit 4)', async () => {
    const r = await run('require-auth', {}, () => ({ status: 403, headers: { date: new Date(Date.now() + 3600_000).toUTCString() }, body: '{"message":"Signature not yet current: a is still later than b (c + 5 min.)"}' }));
    expect(r.code).toBe(4);
    expect(r.requests).toHaveLength(2);
    expect(existsSync(join(r.dir, 'clock-skew.json'))).toBe(true);
  });
});

describe('call: --verbose redaction', () => {
  it('traces method, URL, status, timing and retries without any secret', async () => {
    const r = await run('require-auth', { include: true, query: ['a=1'] }, (n) => (n === 1 ? { status: 429, body: '{"message":"Too Many Requests"}' } : { body: '{"ok":true}' }), { verbose: true });
    expect(r.code).toBe(0);
    const all = r.io.stdoutText() + r.io.stderrText();
    expect(all).toMatch(/debug: > GET http:\/\/127\.0\.0\.1:\d+\/prod\/require-auth\?a=1/);
    expect(all).toMatch(/debug: < 200 OK \(\d+ ms\)/);
    expect(all).toMatch(/retry 1\/2 in \d+ ms/);
    const sigs = r.requests.map((q) => q.signature!.got);
    for (const secret of [API_KEY, SECRET_KEY, SESSION_TOKEN, ...sigs]) expect(all).not.toContain(secret);
  });
});
