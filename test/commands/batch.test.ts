import { afterEach, describe, expect, it } from 'vitest';
import { runBatch, type BatchOptions } from '../../src/commands/batch.js';
import { ExitCode, exitCodeFor } from '../../src/errors.js';
import type { AwsCredentials, GetCredentials } from '../../src/http/credential-source.js';
import {
  API_KEY, SECRET_KEY, SESSION_TOKEN, setupContext, startFixture, stubCredentials, testCredentials, type Fixture, type Reply, type Recorded,
} from '../http/fixture-server.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function batch(input: string, opts: BatchOptions, handler: (r: Recorded, n: number) => Reply | Promise<Reply>, extra: { creds?: GetCredentials; verbose?: boolean; tty?: boolean; now?: number; onOutput?: (stdout: () => string) => void } = {}) {
  fx = await startFixture(handler);
  const s = setupContext(`${fx.url}/prod`, { input, verbose: extra.verbose, tty: extra.tty, now: extra.now });
  extra.onOutput?.(() => s.io.stdoutText());
  let code = 0;
  let error: unknown;
  try {
    await runBatch(s.ctx, opts, { getCredentials: extra.creds ?? stubCredentials(), random: () => 0 });
  } catch (err) {
    error = err;
    code = exitCodeFor(err);
  }
  const lines = s.io.stdoutText().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { ...s, code, error, lines, requests: fx.requests };
}

const echo = (r: Recorded): Reply => ({ body: JSON.stringify({ url: r.url, method: r.method, body: r.body.toString('utf8') }) });

describe('batch', () => {
  it('answers every line with one result, signed, ids kept or defaulted to the line number', async () => {
    const input = ['{"path":"no-auth"}', '{"id":"me","target":"require-auth"}', '{"id":7,"path":"/items/a b","query":{"q":"a+b","k":["1","2"]}}', ''].join('\n');
    const r = await batch(input, {}, echo);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(3);
    const byId = Object.fromEntries(r.lines.map((l) => [l.id, l]));
    expect(byId[1]).toMatchObject({ status: 200, attempts: 1 });
    expect(JSON.parse(byId[1].body)).toMatchObject({ url: '/prod/no-auth' });
    expect(JSON.parse(byId.me.body)).toMatchObject({ url: '/prod/require-auth' });
    expect(JSON.parse(byId[7].body).url).toMatch(/^\/prod\/items\/a%20b\?/);
    expect(typeof byId[7].ms).toBe('number');
    expect(r.requests.every((q) => q.signature?.valid && q.headers['x-api-key'] === API_KEY)).toBe(true);
  });

  it('a bad line yields an error result (exit 2 overall) and the run goes on', async () => {
    const input = ['{"path":"no-auth"}', 'not json', '[1]', '{"method":"GET"}', '{"path":"x","bogus":1}', '{"path":"https://evil.example.com/prod/x"}', '{"path":"x","bodyBase64":"!!"}', '{"path":"ok"}'].join('\n');
    const r = await batch(input, { ordered: true }, echo);
    expect(r.lines).toHaveLength(8);
    expect(r.lines.map((l) => ('error' in l ? l.exitCode : l.status))).toEqual([200, 2, 2, 2, 2, 2, 2, 200]);
    expect(r.lines[1]).toMatchObject({ id: 2, error: expect.stringMatching(/line 2: not valid JSON/) });
    expect(r.lines[4].error).toMatch(/unknown field "bogus"/);
    expect(r.lines[5].error).toMatch(/not under the profile's API URL/);
    expect(r.requests).toHaveLength(2);
    expect(r.code).toBe(2);
  });

  it('--ordered keeps input order even when answers complete out of order; default is completion order', async () => {
    const input = Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: i, path: `/slow/${i}` })).join('\n');
    // No timers: every request is held until all six have arrived, then they
    // are answered last-first. Without --ordered, each answer also waits until
    // the one after it is on stdout, so completion order is certain.
    const reverse = (waitForOutput: boolean) => {
      let arrived = 0;
      let allArrived!: () => void;
      const gate = new Promise<void>((res) => (allArrived = res));
      const marks = Array.from({ length: 6 }, () => { let mark!: () => void; const p = new Promise<void>((res) => (mark = res)); return { p, mark }; });
      let stdout = () => '';
      const handler = async (r: Recorded): Promise<Reply> => {
        const i = Number(r.url.split('/').pop());
        if (++arrived === 6) allArrived();
        await gate;
        if (i < 5) await marks[i + 1]!.p;
        if (waitForOutput && i < 5) {
          while (!stdout().includes(`"id":${i + 1},`)) await new Promise((res) => setImmediate(res));
        }
        marks[i]!.mark();
        return { body: r.url };
      };
      return { handler, setStdout: (f: () => string) => (stdout = f) };
    };
    const o = reverse(false);
    const ordered = await batch(input, { ordered: true, concurrency: '6' }, o.handler);
    expect(ordered.lines.map((l) => l.id)).toEqual([0, 1, 2, 3, 4, 5]);
    await fx!.close();
    const u = reverse(true);
    const unordered = await batch(input, { concurrency: '6' }, u.handler, { onOutput: u.setStdout });
    expect(unordered.lines.map((l) => l.id)).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('never has more than --concurrency requests in flight', async () => {
    let now = 0;
    let max = 0;
    const input = Array.from({ length: 20 }, (_, i) => JSON.stringify({ path: `/c/${i}` })).join('\n');
    // The first answers are held until three requests are in flight at once,
    // so the limit is reached for certain (no timers); a fourth would show.
    let full!: () => void;
    const gate = new Promise<void>((res) => (full = res));
    const r = await batch(input, { concurrency: '3' }, async () => {
      now += 1;
      max = Math.max(max, now);
      if (now === 3) full();
      await gate;
      await new Promise((res) => setImmediate(res));
      now -= 1;
      return { body: 'ok' };
    });
    expect(r.lines).toHaveLength(20);
    expect(max).toBe(3);
  });

  it('bodies: string, JSON value (as application/json), bodyBase64; binary answers come back as bodyBase64', async () => {
    const bin = Buffer.from([0xff, 0, 0x80]);
    const input = [
      '{"id":"s","path":"/e","body":"héllo"}',
      '{"id":"j","path":"/e","method":"PUT","body":{"a":[1,2]}}',
      `{"id":"b","path":"/bin","bodyBase64":"${bin.toString('base64')}"}`,
    ].join('\n');
    const r = await batch(input, {}, (q) => (q.url.endsWith('/bin') ? { body: q.body } : echo(q)));
    const byId = Object.fromEntries(r.lines.map((l) => [l.id, l]));
    expect(JSON.parse(byId.s.body)).toMatchObject({ method: 'POST', body: 'héllo' });
    expect(JSON.parse(byId.j.body)).toMatchObject({ method: 'PUT', body: '{"a":[1,2]}' });
    expect(r.requests.find((q) => q.method === 'PUT')!.headers['content-type']).toBe('application/json');
    expect(byId.b.bodyBase64).toBe(bin.toString('base64'));
    expect(byId.b.body).toBeUndefined();
    expect(r.requests.every((q) => q.signature?.valid)).toBe(true);
  });

  it('exit status: 4 for a 4xx line, 5 for 5xx, 7 for quota; non-2xx lines still carry status and body', async () => {
    const input = ['{"id":"a","path":"/404"}', '{"id":"b","path":"/500","method":"POST"}', '{"id":"c","path":"/q"}'].join('\n');
    const r = await batch(input, { ordered: true }, (q) =>
      q.url.endsWith('/404') ? { status: 404, body: 'nope' } : q.url.endsWith('/500') ? { status: 500, body: 'boom' } : { status: 429, body: '{"message":"Limit Exceeded"}' });
    expect(r.lines.map((l) => l.status)).toEqual([404, 500, 429]);
    expect(r.lines[0].body).toBe('nope');
    expect(r.code).toBe(7);
    await fx!.close();
    const only4 = await batch('{"path":"/404"}', {}, () => ({ status: 404, body: '' }));
    expect(only4.code).toBe(4);
  });

  it('retries throttled requests, sharing the retry quota; network failures become error results with exit code 6', async () => {
    const r = await batch('{"path":"/t"}\n{"path":"/t2"}', { ordered: true }, (_q, n) => (n <= 2 ? { status: 429, body: '{"message":"Too Many Requests"}' } : { body: 'ok' }));
    expect(r.lines.map((l) => [l.status, l.attempts])).toEqual([[200, 2], [200, 2]]);
    await fx!.close();
    const s = setupContext('http://127.0.0.1:9/prod', { input: '{"id":"x","path":"no-auth"}' });
    const err = await runBatch(s.ctx, { retries: '0' }, { getCredentials: stubCredentials() }).catch((e) => e);
    expect(exitCodeFor(err)).toBe(6);
    const line = JSON.parse(s.io.stdoutText());
    expect(line).toMatchObject({ id: 'x', exitCode: 6, error: expect.stringMatching(/connection refused/) });
  });

  it('--timeout bounds each attempt: a hanging API gives an exit-6 error result', async () => {
    const r = await batch('{"id":"h","path":"/hang"}', { timeout: '0.2', retries: '0' }, () => ({ hang: true }));
    expect(r.lines).toEqual([{ id: 'h', error: expect.stringMatching(/within 0\.2 s \(timeout\)/), exitCode: 6 }]);
    expect(r.code).toBe(6);
  });

  it('fetches credentials once per run, and refreshes them when they near expiry mid-run', async () => {
    const now = Date.UTC(2026, 5, 1, 12);
    let expiresAt = now + 10 * 60_000;
    const issued: AwsCredentials[] = [];
    const creds: GetCredentials = async () => {
      const c = testCredentials({ accessKeyId: `ASIAGEN${issued.length}XXXXXXXXXX`, expiration: expiresAt });
      issued.push(c);
      return c;
    };
    const input = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: i, path: `/r/${i}` })).join('\n');
    let s: ReturnType<typeof setupContext> | undefined;
    fx = await startFixture((_q, n) => {
      // After the 5th request, time jumps to within a minute of the expiry.
      if (n === 5) s!.clock.current = expiresAt - 60_000;
      return { body: 'ok' };
    });
    s = setupContext(`${fx.url}/prod`, { input, now });
    // The refreshed credentials are valid for another hour.
    const wrapped: GetCredentials = async (ctx, o) => {
      if (issued.length > 0) expiresAt = s!.clock.now() + 3600_000;
      return creds(ctx, o);
    };
    await runBatch(s.ctx, { concurrency: '1', ordered: true }, { getCredentials: wrapped });
    expect(issued).toHaveLength(2);
    const keys = fx.requests.map((q) => q.signature!.accessKeyId);
    expect(keys.slice(0, 5).every((k) => k === 'ASIAGEN0XXXXXXXXXX')).toBe(true);
    expect(keys.slice(6).every((k) => k === 'ASIAGEN1XXXXXXXXXX')).toBe(true);
    expect(fx.requests.every((q) => q.signature?.valid)).toBe(true);
  });

  it('refreshes once when the API says the security token expired, and re-sends', async () => {
    let gen = 0;
    const creds: GetCredentials = async () => testCredentials({ accessKeyId: `ASIAGEN${gen++}XXXXXXXXXX` });
    const r = await batch('{"path":"/a"}\n{"path":"/b"}', { concurrency: '1', ordered: true }, (q) =>
      q.signature?.accessKeyId === 'ASIAGEN0XXXXXXXXXX' ? { status: 403, body: '{"message":"The security token included in the request is expired"}' } : { body: 'ok' }, { creds });
    expect(r.lines.map((l) => l.status)).toEqual([200, 200]);
    expect(gen).toBe(2);
    expect(r.code).toBe(0);
  });

  it('not logged in and guests refused: every line gets an exit-3 error result', async () => {
    const r = await batch('{"path":"/a"}\n{"path":"/b"}', {}, echo, { creds: stubCredentials({ loggedIn: false, guestFails: true }) });
    expect(r.lines).toHaveLength(2);
    expect(r.lines.every((l) => l.exitCode === 3 && /not logged in/.test(l.error))).toBe(true);
    expect(r.code).toBe(3);
    expect(r.requests).toHaveLength(0);
  });

  it('--verbose traces each request with its id and no secret; a progress line only on a TTY', async () => {
    const r = await batch('{"id":"one","path":"/a"}', {}, echo, { verbose: true });
    const all = r.io.stdoutText() + r.io.stderrText();
    expect(all).toMatch(/debug: \[one\] > GET http:\/\/127\.0\.0\.1:\d+\/prod\/a/);
    expect(all).toMatch(/debug: \[one\] < 200 OK/);
    for (const secret of [API_KEY, SECRET_KEY, SESSION_TOKEN, r.requests[0]!.signature!.got]) expect(all).not.toContain(secret);
    await fx!.close();
    const quiet = await batch('{"path":"/a"}', {}, echo);
    expect(quiet.io.stderrText()).toBe(''); // piped input: not a word about the terminal
    await fx!.close();
    const tty = await batch('{"path":"/a"}', {}, echo, { tty: true });
    expect(tty.io.stderrText()).toMatch(/\r\x1b\[K1\/1 done: 1 2xx/);
    expect(tty.io.stderrText()).toContain('reading NDJSON requests from the terminal, one per line; end with Ctrl-D\n');
  });

  it('rejects bad options before reading input', async () => {
    for (const o of [{ concurrency: '0' }, { concurrency: 'x' }, { retries: 'many' }, { timeout: '-1' }, { rate: 'fast' }, { rate: '0' }]) {
      const r = await batch('{"path":"/a"}', o, echo);
      expect(r.code).toBe(ExitCode.USAGE);
      expect(r.requests).toHaveLength(0);
      await fx!.close();
    }
  });

  it('Ctrl-C stops the run with the interrupt (exit 130) and stops reading input', async () => {
    const { InterruptedError } = await import('../../src/errors.js');
    const { createContext } = await import('../../src/context.js');
    const controller = new AbortController();
    fx = await startFixture((_q, n) => {
      if (n === 2) controller.abort(new InterruptedError());
      return { body: 'ok' };
    });
    const input = Array.from({ length: 50 }, (_, i) => JSON.stringify({ path: `/i/${i}` })).join('\n');
    const s = setupContext(`${fx.url}/prod`, { input });
    const ctx = createContext({ io: s.io, env: s.ctx.env, clock: s.clock, signal: controller.signal });
    const err = await runBatch(ctx, { concurrency: '1' }, { getCredentials: stubCredentials() }).catch((e) => e);
    expect(exitCodeFor(err)).toBe(130);
    expect(fx.requests.length).toBeLessThan(5);
  });
});
