// The fault matrix: the real binary against the local stack behind a fault server
// (test/helpers/fault-server.ts) that breaks chosen requests — refused, reset
// mid-body, 5xx bursts, silence, truncated or invalid JSON, HTML error pages, a wrong
// Content-Type, a huge body. Each gets its documented exit code and one line; retries
// happen only where the policy says (the fault server counts the attempts); a failed
// refresh keeps the session, and the next run refreshes with it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { closedPort } from '../helpers/proxies.js';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';

const MIN = 60_000;
const PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'helpers', 'shift-clock.mjs')).href;
let stack: LocalStack;
let faults: FaultServer;
let dir: string;
const serverOffset = { ms: 0 };

const INITIATE = /InitiateAuth$/;
const CHALLENGE = /RespondToAuthChallenge$/;
const GET_CREDS = /GetCredentialsForIdentity$/;
const NO_AUTH = /^GET \/prod\/no-auth /;

beforeAll(async () => {
  stack = await startLocal({ port: 0, clock: { now: () => Date.now() + serverOffset.ms } });
  // The service endpoints and, under /prod, the API (which listens apart).
  faults = await startFaultServer(stack.url, { origin: new URL(stack.info.apiUrl).origin, stagePrefix: new URL(stack.info.apiUrl).pathname });
  dir = tempDir('authapi-faults-');
  const base = profileFromLocalInfo(stack.info);
  const p = { ...base, apiUrl: `${faults.url}/prod`, endpoints: { cognitoIdp: faults.url, cognitoIdentity: faults.url, sts: faults.url } };
  const names = ['call', 'login', 'idp', 'refresh', 'refresh2', 'huge'];
  writeProfiles(dir, { ...Object.fromEntries(names.map((n) => [n, p])), down: { ...p, apiUrl: `http://127.0.0.1:${await closedPort()}/prod` } });
  const r = await authapi(['--profile', 'call', 'login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterEach(() => {
  // Every fault a test queued was used: nothing leaks into the next test.
  expect(faults.pending()).toBe(0);
});

afterAll(async () => {
  await faults?.close();
  await stack?.close();
});

async function authapi(args: string[], opts: { input?: string; offsetMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  const r = await runBinary(args, {
    env: { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', HOME: dir, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(opts.offsetMs ?? 0), ...opts.env },
    input: opts.input,
    execArgv: ['--import', PRELOAD],
  });
  // The file store announces itself on every run (by design); the rest of stderr is what we check.
  const stderr = r.stderr.replace(/^warning: secrets are kept in plaintext files.*\n/, '');
  return { ...r, stderr, lines: stderr.split('\n').filter(Boolean) };
}

/** Bytes that differ from their neighbours, so a chunk out of place or overwritten shows. */
function patterned(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 16)) & 0xff;
  return b;
}

/** One line on stderr, no stack trace. */
function oneLine(r: { stderr: string; lines: string[] }): string {
  expect(r.lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.lines[0]!;
}

describe('call: faults from the API', () => {
  it('connection refused: exit 6, retried (GET), one line', async () => {
    const r = await authapi(['--profile', 'down', 'call', 'no-auth', '-v']);
    expect(r.code).toBe(6);
    expect(r.stderr.match(/\(attempt \d\)/g)).toEqual(['(attempt 2)', '(attempt 3)']);
    expect(r.lines.filter((l) => l.startsWith('authapi:'))).toEqual([expect.stringMatching(/^authapi: cannot reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/)]);
  });

  it('reset mid-body: retried; three in a row is exit 6', async () => {
    faults.inject(NO_AUTH, 'reset-mid-body');
    const once = await authapi(['--profile', 'call', 'call', 'no-auth']);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toContain('message');
    const before = faults.hits(NO_AUTH);
    faults.inject(NO_AUTH, 'reset-mid-body', 'reset-mid-body', 'reset-mid-body');
    const r = await authapi(['--profile', 'call', 'call', 'no-auth']);
    expect(r.code).toBe(6);
    expect(faults.hits(NO_AUTH) - before).toBe(3);
    expect(oneLine(r)).toMatch(/^authapi: (unreadable answer from|cannot reach) 127\.0\.0\.1:\d+: .*(closed before the response body was complete|connection reset)/);
    expect(r.stdout).toBe('');
  });

  it('a 503 burst then success: retried, exit 0; 502/503/504 to the end: exit 5 with the last body', async () => {
    faults.inject(NO_AUTH, { status: 503, body: '{"message":"busy"}' }, { status: 504, body: '{"message":"slow"}' });
    const ok = await authapi(['--profile', 'call', 'call', 'no-auth']);
    expect(ok.code, ok.stderr).toBe(0);
    const before = faults.hits(NO_AUTH);
    faults.inject(NO_AUTH, { status: 502 }, { status: 503 }, { html: 502 });
    const r = await authapi(['--profile', 'call', 'call', 'no-auth']);
    expect(r.code).toBe(5);
    expect(faults.hits(NO_AUTH) - before).toBe(3);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>/); // the API's body is still printed
    expect(oneLine(r)).toMatch(/^authapi: HTTP 502/);
  });

  it('500 is not retried (exit 5); a POST is not retried on 503 (exit 5)', async () => {
    let before = faults.hits(NO_AUTH);
    faults.inject(NO_AUTH, { status: 500, body: '{"message":"Internal server error"}' });
    const r = await authapi(['--profile', 'call', 'call', 'no-auth']);
    expect(r.code).toBe(5);
    expect(faults.hits(NO_AUTH) - before).toBe(1);
    expect(r.stdout).toBe('{"message":"Internal server error"}');
    const post = /^POST \/prod\/echo /;
    before = faults.hits(post);
    faults.inject(post, { status: 503 });
    const p = await authapi(['--profile', 'call', 'call', '/echo', '-d', '{}']);
    expect(p.code).toBe(5);
    expect(faults.hits(post) - before).toBe(1);
  });

  it('a server that never answers: timeout per attempt, retried, exit 6', async () => {
    const before = faults.hits(NO_AUTH);
    faults.inject(NO_AUTH, 'hang', 'hang');
    const r = await authapi(['--profile', 'call', 'call', 'no-auth', '--timeout', '0.3', '--retries', '1']);
    expect(r.code).toBe(6);
    expect(faults.hits(NO_AUTH) - before).toBe(2);
    expect(oneLine(r)).toMatch(/^authapi: no answer from 127\.0\.0\.1:\d+ within 0\.3 s \(timeout\) — raise --timeout/);
  });

  it('a wrong Content-Type changes nothing: the body goes out byte for byte', async () => {
    faults.inject(NO_AUTH, { contentType: 'text/html' });
    const r = await authapi(['--profile', 'call', 'call', 'no-auth', '-i']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/content-type: text\/html/i);
    expect(JSON.parse(r.stdout)).toHaveProperty('message');
  });

  it('-o: a large body is streamed to the file and appears whole; one that breaks off leaves the old file untouched (exit 6, not retried)', async () => {
    const out = join(tempDir(), 'body.bin');
    const big = patterned(8 << 20);
    faults.inject(NO_AUTH, { status: 200, body: big, contentType: 'application/octet-stream' });
    const ok = await authapi(['--profile', 'huge', 'call', 'no-auth', '--guest', '-o', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out).equals(big)).toBe(true);
    const before = faults.hits(NO_AUTH);
    faults.inject(NO_AUTH, { resetAfterBytes: 4 << 20 });
    const broken = await authapi(['--profile', 'huge', 'call', 'no-auth', '--guest', '-o', out]);
    expect(broken.code).toBe(6);
    expect(oneLine(broken)).toMatch(/^authapi: the answer from 127\.0\.0\.1:\d+ broke off after \d+ bytes of its body had been written: .* — the output is incomplete; run the call again$/);
    expect(faults.hits(NO_AUTH) - before).toBe(1);
    expect(readFileSync(out).equals(big)).toBe(true);
    expect(readdirSync(dirname(out))).toEqual(['body.bin']); // no temp file left behind
  });

  it('a huge body (64 MiB) arrives whole', async () => {
    const big = patterned(64 << 20);
    faults.inject(NO_AUTH, { status: 200, body: big, contentType: 'application/octet-stream' });
    const r = await authapi(['--profile', 'huge', 'call', 'no-auth', '--guest']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdoutBytes.length).toBe(big.length);
    expect(r.stdoutBytes.equals(big)).toBe(true); // every byte in place: no read buffer reused too early
  });
});

describe('login: faults from the User Pool and the Identity Pool', () => {
  const login = (profile: string, env?: NodeJS.ProcessEnv) => authapi(['--profile', profile, 'login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n', env });

  it('a dropped connection and a throttle are retried (the SDK standard policy), and the login succeeds', async () => {
    const before = faults.hits(INITIATE);
    faults.inject(INITIATE, 'close', { status: 400, body: '{"__type":"TooManyRequestsException","message":"Rate exceeded"}', contentType: 'application/x-amz-json-1.1' });
    const r = await login('login');
    expect(r.code, r.stderr).toBe(0);
    expect(faults.hits(INITIATE) - before).toBe(3);
  });

  it('throttled to the end: exit 7; 500s to the end: exit 6 — after 3 attempts each', async () => {
    let before = faults.hits(INITIATE);
    const throttle = { status: 400, body: '{"__type":"TooManyRequestsException","message":"Rate exceeded"}', contentType: 'application/x-amz-json-1.1' };
    faults.inject(INITIATE, throttle, throttle, throttle);
    const t = await login('login');
    expect(t.code).toBe(7);
    expect(oneLine(t)).toMatch(/^authapi: Rate exceeded/);
    expect(faults.hits(INITIATE) - before).toBe(3);
    before = faults.hits(INITIATE);
    const ise = { status: 500, body: '{"__type":"InternalErrorException","message":"Internal error"}', contentType: 'application/x-amz-json-1.1' };
    faults.inject(INITIATE, ise, ise, ise);
    const f = await login('login');
    expect(f.code).toBe(6);
    expect(oneLine(f)).toMatch(/^authapi: the User Pool failed \(InternalErrorException: Internal error\)/);
    expect(faults.hits(INITIATE) - before).toBe(3);
  });

  it('a refusal is never retried (wrong password: exit 3 after one attempt)', async () => {
    const before = faults.hits(INITIATE) + faults.hits(CHALLENGE);
    const r = await authapi(['--profile', 'login', 'login', '-u', 'demouser', '--password-stdin'], { input: 'wrongPASS123\n' });
    expect(r.code).toBe(3);
    expect(faults.hits(INITIATE) + faults.hits(CHALLENGE) - before).toBe(2); // InitiateAuth, then the one RespondToAuthChallenge
  });

  it('truncated JSON, not JSON, an HTML page: exit 6 with one line saying what came, not retried', async () => {
    for (const [fault, said] of [
      ['truncated-json', /not JSON \(truncated or invalid JSON, application\/x-amz-json-1\.1, \d+ bytes\)/],
      ['invalid-json', /not JSON \(not JSON, application\/x-amz-json-1\.1, 15 bytes\)/],
      [{ status: 200, body: '<html><body>Sign in to the Wi-Fi</body></html>', contentType: 'text/html' }, /not JSON \(an HTML page, text\/html, \d+ bytes\)/],
    ] as const) {
      const before = faults.hits(INITIATE);
      faults.inject(INITIATE, fault);
      const r = await login('login');
      expect(r.code, String(fault)).toBe(6);
      expect(oneLine(r)).toMatch(said);
      expect(faults.hits(INITIATE) - before).toBe(1);
    }
  });

  it('an HTML error page (502) to the end: retried, then exit 6 naming what came', async () => {
    const before = faults.hits(INITIATE);
    faults.inject(INITIATE, { html: 502 }, { html: 502 }, { html: 502 });
    const r = await login('login');
    expect(r.code).toBe(6);
    expect(oneLine(r)).toMatch(/^authapi: the User Pool failed \(UnknownError: HTTP 502, an HTML page, text\/html, \d+ bytes\)/);
    expect(faults.hits(INITIATE) - before).toBe(3);
  });

  it('a User Pool that never answers: AUTHAPI_TIMEOUT per attempt, exit 6', async () => {
    const before = faults.hits(INITIATE);
    faults.inject(INITIATE, 'hang', 'hang');
    const r = await login('login', { AUTHAPI_TIMEOUT: '0.3', AUTHAPI_MAX_ATTEMPTS: '2' });
    expect(r.code).toBe(6);
    expect(oneLine(r)).toMatch(/^authapi: no answer from 127\.0\.0\.1:\d+ within 0\.3 s \(timeout\)/);
    expect(faults.hits(INITIATE) - before).toBe(2);
  });

  it('Identity Pool: a 503 burst is retried by the SDK; truncated JSON and HTML pages are exit 6, one line', async () => {
    let before = faults.hits(GET_CREDS);
    faults.inject(GET_CREDS, { status: 503, body: '{"__type":"ServiceUnavailable","message":"busy"}', contentType: 'application/x-amz-json-1.1' }, { html: 502 });
    const ok = await login('idp');
    expect(ok.code, ok.stderr).toBe(0);
    expect(faults.hits(GET_CREDS) - before).toBe(3);

    before = faults.hits(GET_CREDS);
    faults.inject(GET_CREDS, 'truncated-json');
    const t = await login('idp');
    expect(t.code).toBe(6);
    expect(oneLine(t)).toMatch(/^authapi: the Identity Pool answered with something that is not JSON \(HTTP 200, application\/x-amz-json-1\.1\)/);
    expect(faults.hits(GET_CREDS) - before).toBe(1); // a body that cannot be read is not retried

    before = faults.hits(GET_CREDS);
    faults.inject(GET_CREDS, { html: 502 }, { html: 502 }, { html: 502 });
    const h = await login('idp');
    expect(h.code).toBe(6);
    expect(oneLine(h)).toMatch(/^authapi: the Identity Pool failed \(HTTP 502, text\/html\)/);
    expect(faults.hits(GET_CREDS) - before).toBe(3);

    faults.inject(GET_CREDS, { contentType: 'text/html' });
    const ct = await login('idp');
    expect(ct.code, ct.stderr).toBe(0);
  });
});

describe('refresh: a failure keeps the session', () => {
  it('refresh fails (500s, truncated JSON, silence, Identity Pool down) → exit 6 each time; afterwards the same session refreshes', async () => {
    const r0 = await authapi(['--profile', 'refresh', 'login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(r0.code, r0.stderr).toBe(0);
    serverOffset.ms = 61 * MIN;
    try {
      const later = { offsetMs: 61 * MIN, env: { AUTHAPI_TIMEOUT: '0.3' } };
      const ise = { status: 500, body: '{"__type":"InternalErrorException","message":"Internal error"}', contentType: 'application/x-amz-json-1.1' };
      faults.inject(INITIATE, ise, ise, ise);
      const a = await authapi(['--profile', 'refresh', 'call', 'require-auth'], later);
      expect(a.code).toBe(6);
      expect(oneLine(a)).toMatch(/the User Pool failed \(InternalErrorException/);

      faults.inject(INITIATE, 'truncated-json');
      const b = await authapi(['--profile', 'refresh', 'credentials', '--format', 'json'], later);
      expect(b.code).toBe(6);
      expect(b.stdout).toBe('');

      faults.inject(INITIATE, 'hang', 'hang', 'hang');
      const c = await authapi(['--profile', 'refresh', 'call', 'require-auth'], later);
      expect(c.code).toBe(6);

      const status = await authapi(['--profile', 'refresh', 'status', '--json'], later);
      expect(JSON.parse(status.stdout).login.state).not.toBe('logged-out');

      // The tokens refresh, but the Identity Pool fails: still exit 6, still logged in.
      faults.inject(GET_CREDS, { html: 503 }, { html: 503 }, { html: 503 });
      const d = await authapi(['--profile', 'refresh', 'call', 'require-auth'], later);
      expect(d.code).toBe(6);

      // No fault: the kept refresh token works.
      const e = await authapi(['--profile', 'refresh', 'call', 'require-auth'], later);
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
    } finally {
      serverOffset.ms = 0;
    }
  });
});
