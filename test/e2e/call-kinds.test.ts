// Every kind of secured route of infra/template.yaml called through the real binary
// against the emulator, the way users run it: `authapi call <route>` with the profile
// the emulator's resources give (every API, each route's auth). Logged in, as a guest,
// with no session, with a token the API finds expired (the emulator's clock moved on:
// one refresh, one resend), with the CLI's clock past the token's expiry (refreshed
// before sending), with a token of another user pool, and with a scope the token lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { profileFor, startLocal } from './call-stack.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { binaryEnv, type BinaryEnv } from './helpers/binary.js';
import type { LocalStack } from '../../src/local/index.js';
import type { Profile } from '../../src/config/profile.js';

/** The emulator's clock: the real one, moved on by `offsetMs` when a test says so. */
const serverClock = { offsetMs: 0, now: () => Date.now() + serverClock.offsetMs };
let stack: LocalStack;
/** A second emulator: another user pool (and app client) altogether. */
let other: LocalStack;
let b: BinaryEnv;
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}/;

/** Moves the binary's Date.now() by AUTHAPI_TEST_CLOCK_OFFSET_MS. */
const PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'helpers', 'shift-clock.mjs')).href;
// The file store (no keychain here) announces itself on every run; that line is not ours.
const PLAINTEXT_NOTE = /^warning: secrets are kept in plaintext files.*\n/gm;
const run = async (args: string[], opts: { input?: string; profile?: string; offsetMs?: number } = {}) => {
  const r = await runBinary([...args, '--profile', opts.profile ?? 'local'], {
    env: { ...b.env, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(opts.offsetMs ?? 0) },
    input: opts.input,
    execArgv: ['--import', PRELOAD],
  });
  return { ...r, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
};
const login = async (profile = 'local') => {
  const r = await run(['login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n', profile });
  expect(r.code, r.stderr).toBe(0);
};
const message = (stdout: string) => (JSON.parse(stdout) as { message: string }).message;

beforeAll(async () => {
  const limits = { ThrottleRateLimit: '10000', ThrottleBurstLimit: '10000' };
  stack = await startLocal({ port: 0, clock: serverClock, parameterOverrides: limits });
  other = await startLocal({ port: 0, parameterOverrides: limits });
  const dir = tempDir();
  const local = profileFor(stack);
  const foreign = profileFor(other);
  // The other pool's session, sent to this stack's APIs.
  const otherPool: Profile = { ...foreign, apiUrl: local.apiUrl, apiKey: local.apiKey, apis: local.apis };
  writeProfiles(dir, { local, nobody: local, otherPool });
  b = await binaryEnv(dir);
  b.env = { ...b.env, AUTHAPI_AGENT: '0', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
});
afterAll(async () => {
  await stack?.close();
  await other?.close();
});

describe('each kind of route (binary, emulator)', () => {
  it('the profile knows every API and each route\'s auth', () => {
    const apis = profileFor(stack).apis!;
    expect(apis.rest).toMatchObject({ type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /no-auth': 'none', 'GET /require-auth': 'iam', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token' } });
    expect(apis.http).toMatchObject({ type: 'http', auth: 'access-token', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), routes: { 'GET /me': 'access-token', 'GET /admin': 'access-token', 'GET /iam': 'iam' } });
    expect(apis['function-url']).toMatchObject({ type: 'function-url', auth: 'iam', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  });

  it('no session: token routes exit 3 with the login hint and send nothing; an IAM route as a guest is refused with it too', async () => {
    for (const route of ['require-token', 'require-scope', 'me']) {
      const r = await run(['call', route], { profile: 'nobody' });
      expect(r.code, `${route}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/run `authapi login --profile nobody`/);
      expect(r.stdout).toBe('');
    }
    for (const args of [['iam'], ['/', '--api', 'function-url']]) {
      const r = await run(['call', ...args], { profile: 'nobody' });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/guests may not call this route — run `authapi login --profile nobody`/);
    }
  });

  describe('logged in', () => {
    beforeAll(async () => login());

    it.each([
      ['require-token', [], 'Your ID token checks out.', 'id-token (raw token in Authorization), route GET /require-token of api rest: Cognito user pool authorizer'],
      ['require-scope', [], 'Your access token has the scope.', 'access-token (raw token in Authorization), route GET /require-scope of api rest: Cognito user pool authorizer with scopes'],
      ['me', [], 'Hello from the HTTP API.', 'access-token (Bearer in Authorization), route GET /me of api http: JWT authorizer'],
      ['iam', [], 'Signed and let in by the HTTP API.', 'iam (SigV4, service execute-api), route GET /iam of api http: AWS_IAM'],
      ['/', ['--api', 'function-url'], 'Hello from the function URL.', "iam (SigV4, service lambda), api function-url's default for routes it does not list: function URL with AuthType AWS_IAM"],
    ])('%s %j: 200 from its own handler, authenticated as the route wants', async (target, flags, expected, why) => {
      const r = await run(['call', target, ...flags, '-v']);
      expect(r.code, r.stderr).toBe(0);
      expect(message(r.stdout)).toBe(expected);
      expect(r.stderr).toContain(`auth: ${why}`);
      expect(r.stderr).not.toMatch(JWT);
      expect(r.stderr).not.toContain(stack.info.apiKey);
    });

    it('a scope the token lacks: 403, exit 4, no refresh', async () => {
      const r = await run(['call', 'admin', '-v']);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('{"message":"Forbidden"}');
      expect(r.stderr).toMatch(/< 403/);
      expect(r.stderr).not.toMatch(/refresh/i);
      expect(r.stderr).not.toMatch(JWT);
    });

    it('--guest: token routes refuse before sending (exit 2); the guest role may call neither the HTTP API\'s IAM route nor the function URL (exit 4)', async () => {
      const token = await run(['call', 'me', '--guest']);
      expect(token.code).toBe(2);
      expect(token.stderr).toMatch(/guests have none/);
      for (const args of [['iam'], ['/', '--api', 'function-url']]) {
        const r = await run(['call', ...args, '--guest']);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(4);
      }
    });

    // Each from a fresh login: a refresh by an earlier test would leave tokens the next one finds good.
    it.each(['require-token', 'me'])('%s: the CLI\'s clock past the token\'s expiry: the token is refreshed before sending, and the call succeeds', async (route) => {
      await login();
      const r = await run(['call', route, '-v'], { offsetMs: 2 * 3600_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/refreshing the tokens of demouser \(profile local\)/);
      expect(r.stderr).not.toMatch(/< 401/);
    });

    it.each(['require-token', 'me'])('%s: the API finds the token expired (its clock moved on): one refresh, one resend, 200', async (route) => {
      await login();
      serverClock.offsetMs = 2 * 3600_000;
      try {
        const r = await run(['call', route, '-v']);
        expect(r.code, r.stderr).toBe(0);
        // Sent with the token the CLI held (valid by its clock), refused, refreshed, sent again.
        expect(r.stderr).not.toMatch(/refreshing the tokens[^\n]*\n[^]*< 401/);
        expect(r.stderr).toMatch(/< 401/);
        expect(r.stderr).toMatch(/the token was refused \(.*\); getting a fresh one once/);
        expect(r.stderr).toMatch(/< 200/);
      } finally {
        serverClock.offsetMs = 0;
      }
    });

    it('batch: lines of every kind in one run', async () => {
      const input = ['require-token', 'require-scope', 'me', 'admin', 'iam'].map((path) => JSON.stringify({ id: path, path }))
        .concat(JSON.stringify({ id: 'fn', path: '/', api: 'function-url' })).join('\n') + '\n';
      const r = await run(['batch', '--ordered'], { input });
      const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: number });
      expect(results.map((x) => [x.id, x.status])).toEqual([['require-token', 200], ['require-scope', 200], ['me', 200], ['admin', 403], ['iam', 200], ['fn', 200]]);
      expect(r.code).toBe(4);
    });
  });

  it('a token of another user pool: refused (401), refreshed once, refused again: exit 3, run `authapi login`', async () => {
    await login('otherPool');
    for (const route of ['require-token', 'me']) {
      const r = await run(['call', route], { profile: 'otherPool' });
      expect(r.code, `${route}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/HTTP 401 Unauthorized: the API refused the (ID|access) token \(.*\) again after a refresh — run `authapi login --profile otherPool`/);
    }
  });
});
