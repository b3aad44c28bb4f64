// `call` against the real emulator (in-process CLI; the emulator verifies SigV4 with
// @smithy/signature-v4 and applies the usage plan exactly as API Gateway answers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCall, type CallOptions } from '../../src/commands/call.js';
import { createContext } from '../../src/context.js';
import { testIO } from '../../src/io.js';
import { ManualClock, systemClock, type Clock } from '../../src/clock.js';
import { exitCodeFor } from '../../src/errors.js';
import { echoTemplate, guestProvider, startLocal, writeProfile } from './call-stack.js';
import { tempDir } from '../helpers/cli.js';
import type { LocalStack } from '../../src/local/index.js';
import type { GetCredentials } from '../../src/http/credential-source.js';

let stack: LocalStack;
let template: string;
beforeAll(async () => {
  template = echoTemplate();
  stack = await startLocal({ port: 0, templatePath: template });
});
afterAll(async () => stack?.close());

async function call(s: LocalStack, target: string, o: Partial<CallOptions> = {}, extra: { clock?: Clock; getCredentials?: GetCredentials; input?: Buffer; dir?: string; verbose?: boolean } = {}) {
  const dir = extra.dir ?? tempDir();
  writeProfile(dir, s);
  const io = testIO({ input: extra.input, verbose: extra.verbose });
  const ctx = createContext({ io, env: { AUTHAPI_CONFIG_DIR: dir }, profile: 'local', clock: extra.clock ?? systemClock, verbose: extra.verbose });
  let code = 0;
  let error: Error | undefined;
  try {
    await runCall(ctx, { header: [], query: [], ...o }, target, { getCredentials: extra.getCredentials ?? guestProvider(s), random: () => 0 });
  } catch (err) {
    error = err as Error;
    code = exitCodeFor(err);
  }
  return { code, error, out: io.stdoutText(), err: io.stderrText(), bytes: io.stdoutBytes(), dir };
}

describe('call against the local stack', () => {
  it('no-auth answers Open for All! with guest credentials', async () => {
    const r = await call(stack, 'no-auth');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"message":"Open for All!"}');
  });

  it('require-auth refuses a guest with IAM AccessDenied → exit 3 and the login hint', async () => {
    const r = await call(stack, 'require-auth', {}, {
      getCredentials: (async (ctx, o) => {
        if (!o?.guest) {
          const { AuthError } = await import('../../src/errors.js');
          const e = new AuthError('not logged in', 'run `authapi login`');
          Object.defineProperty(e, 'name', { value: 'NotLoggedInError' });
          throw e;
        }
        return guestProvider(stack)(ctx, o);
      }) as GetCredentials,
    });
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/"Message":"User: arn:aws:sts::\d+:assumed-role\/.*is not authorized to perform: execute-api:Invoke/);
    expect(r.error?.message).toMatch(/not logged in/);
  });

  it.each([
    ['/echo/a b/caf\u00e9/\u{1F600}', []],
    ['/echo/p/100%/x+y=z,w:v@u*!\'()', []],
    ['/echo/already%20encoded/%2F', []],
    ['/echo/q?q=a+b&r=%2B&k=2&k=1&flag&e=&%E2%9C%93=%F0%9F%98%80', []],
    ['/echo/q', ['q=a+b', 'p=100%', 'u=\u00fc ber', 'k=1', 'k=1', 'empty=', 'eq==x=', 'z=*', "sp=!'()~"]],
  ])('odd path/query %s %j passes the emulator verifier', async (target, query) => {
    const r = await call(stack, target, { query });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const echo = JSON.parse(r.out);
    expect(echo.method).toBe('GET');
    expect(echo.authType).toBe('unauthenticated');
    if (query.length) {
      expect(echo.query).toMatchObject({ q: ['a+b'], p: ['100%'], u: ['\u00fc ber'], k: ['1', '1'], empty: [''], eq: ['=x='], z: ['*'], sp: ["!'()~"] });
    }
    if (target.includes('?')) {
      expect(echo.query).toMatchObject({ q: ['a b'], r: ['+'], k: ['2', '1'], flag: [''], e: [''], '\u2713': ['\u{1F600}'] });
    }
  });

  it('sends binary bodies intact with any method (signed payload hash)', async () => {
    const bin = Buffer.from([0, 0xff, 0x80, 10, 13, 0x7f]);
    const r = await call(stack, '/echo/upload', { data: '@-', request: 'PUT', header: ['Content-Type: application/octet-stream'] }, { input: bin });
    expect(r.code).toBe(0);
    const echo = JSON.parse(r.out);
    expect(echo.method).toBe('PUT');
    const got = echo.isBase64Encoded ? Buffer.from(echo.body, 'base64') : Buffer.from(echo.body, 'utf8');
    expect(got.equals(bin)).toBe(true);
  });

  it('an unknown route answers 403 Missing Authentication Token → exit 4 with the body', async () => {
    const plain = await startLocal({ port: 0 });
    const r = await call(plain, '/nowhere').finally(() => plain.close());
    expect(r.code).toBe(4);
    expect(r.out).toBe('{"message":"Missing Authentication Token"}');
  });
});

describe('call: clock skew against the local stack', () => {
  it('a local clock 2 h behind gets "Signature expired", corrects from Date, re-signs once, remembers', async () => {
    const skewed = new ManualClock(Date.now() - 2 * 3600_000);
    // An AWS_IAM route: only signed methods check the date.
    const r = await call(stack, '/echo/skew', {}, { clock: skewed, verbose: true });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).path).toBe('/echo/skew');
    expect(r.err).toMatch(/clock skew: the server's clock is 7[12]\d\d s ahead of ours/);
    // Remembered: the next run signs right the first time (no skew line).
    const again = await call(stack, '/echo/skew', {}, { clock: skewed, verbose: true, dir: r.dir });
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/using the remembered clock offset of 7[12]\d\d s/);
    expect(again.err).not.toMatch(/clock skew:/);
  });

  it('a local clock ahead ("Signature not yet current") is corrected too', async () => {
    const r = await call(stack, '/echo/skew', {}, { clock: new ManualClock(Date.now() + 3600_000), verbose: true });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/clock skew: the server's clock is 3[56]\d\d s behind ours/);
  });
});

describe('call: the usage plan of the local stack', () => {
  // The emulator's clock is frozen, so its token bucket never refills: deterministic.
  it('throttling (429 Too Many Requests) is retried with backoff, then exits 7', async () => {
    const s = await startLocal({ port: 0, templatePath: template, clock: new ManualClock(Date.now()), parameterOverrides: { ThrottleRateLimit: '1', ThrottleBurstLimit: '1' } });
    try {
      const clock = new ManualClock(Date.now());
      expect((await call(s, 'no-auth', {}, { clock })).code).toBe(0);
      const throttled = await call(s, 'no-auth', { retries: '2' }, { clock, verbose: true });
      expect(throttled.code).toBe(7);
      expect(throttled.out).toBe('{"message":"Too Many Requests"}');
      expect(throttled.err).toMatch(/retry 1\/2 in \d+ ms: 429 Too Many Requests/);
      expect(throttled.err).toMatch(/retry 2\/2 in \d+ ms: 429 Too Many Requests/);
      expect(throttled.err).toMatch(/giving up after 3 attempts/);
      expect(throttled.error?.message).toMatch(/throttled by the usage plan after 3 attempts/);
    } finally {
      await s.close();
    }
  });

  it('the quota (429 Limit Exceeded) is not retried: exit 7 after one attempt', async () => {
    const s = await startLocal({ port: 0, templatePath: template, clock: new ManualClock(Date.now()), parameterOverrides: { DailyQuota: '1' } });
    try {
      const clock = new ManualClock(Date.now());
      expect((await call(s, 'no-auth', {}, { clock })).code).toBe(0);
      const over = await call(s, 'no-auth', {}, { clock, verbose: true });
      expect(over.code).toBe(7);
      expect(over.out).toBe('{"message":"Limit Exceeded"}');
      expect(over.err).not.toMatch(/retry/);
      expect(clock.sleeps).toEqual([]);
      expect(over.error?.message).toMatch(/quota/);
    } finally {
      await s.close();
    }
  });
});
