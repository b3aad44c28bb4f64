import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startAgentServer, type AgentServer, type Timers } from '../../../src/auth/agent/server.js';
import { agentRequest, pingAgent } from '../../../src/auth/agent/client.js';
import { InsecureAgentDirError } from '../../../src/auth/agent/paths.js';
import type { AgentCredentials, AgentRequest, AgentTokens } from '../../../src/auth/agent/protocol.js';
import { signRequest } from '../../../src/http/sign.js';
import type { Target } from '../../../src/http/target.js';
import { tempDir } from '../../helpers/cli.js';

const T0 = 1_800_000_000_000;
const creds = (expiration: number, id = 'AKIA1'): AgentCredentials =>
  ({ accessKeyId: id, secretAccessKey: 'secret', sessionToken: 'token', expiration, identityId: 'eu-west-1:x', identityPoolId: 'eu-west-1:pool' });

const toks = (expiresAt: number, tag = '1'): AgentTokens => ({ idToken: `id.${tag}`, accessToken: `access.${tag}`, expiresAt, clientId: 'client' });

/** A clock and a timer the test moves by hand: the idle rules run without waiting. */
function fakeTime() {
  const clock = { t: T0, now() { return this.t; } };
  let pending: { fn: () => void; at: number } | undefined;
  const timers: Timers = {
    set: (fn, ms) => (pending = { fn, at: clock.t + ms }),
    clear: (h) => { if (pending === h) pending = undefined; },
  };
  return {
    clock, timers,
    get dueAt() { return pending?.at; },
    /** Moves the clock to the pending timer and fires it. */
    fire() {
      const p = pending!;
      pending = undefined;
      clock.t = Math.max(clock.t, p.at);
      p.fn();
    },
  };
}

const socketIn = (dir = tempDir()) => join(dir, 'authapi', 'agent-test.sock');
const started: AgentServer[] = [];
async function start(opts: Parameters<typeof startAgentServer>[0]) {
  const s = await startAgentServer(opts);
  if (s) started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe.skipIf(process.platform === 'win32')('credentials agent server (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('get / put / forget / ping through a real socket', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers, initial: { a: creds(T0 + 3_600_000) } });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true, credentials: creds(T0 + 3_600_000) });
    expect(await agentRequest(path, { op: 'get', key: 'b' })).toEqual({ ok: true });
    expect(await agentRequest(path, { op: 'put', key: 'b', credentials: creds(T0 + 60_000, 'AKIA2') })).toEqual({ ok: true });
    expect(await agentRequest(path, { op: 'get', key: 'b' })).toEqual({ ok: true, credentials: creds(T0 + 60_000, 'AKIA2') });
    expect(await agentRequest(path, { op: 'ping' })).toEqual({ ok: true, pid: process.pid, entries: 2 });
    await agentRequest(path, { op: 'forget', key: 'a' });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true });
    await agentRequest(path, { op: 'forget' });
    expect(await agentRequest(path, { op: 'ping' })).toMatchObject({ entries: 0 });
  });

  it('a malformed request gets an error answer, not a crash', async () => {
    const path = socketIn();
    await start({ socketPath: path });
    const { createConnection } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const s = createConnection(path);
      let buf = '';
      s.on('data', (c) => (buf += c));
      s.on('end', () => resolve(buf));
      s.write('{"op":"exec","cmd":"rm"}\n');
    });
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'unknown op "exec"' });
    expect(await pingAgent(path)).toBe(process.pid);
  });

  it('directory 0700, socket 0600; the socket is removed on stop', async () => {
    const path = socketIn();
    await start({ socketPath: path });
    expect(lstatSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(await agentRequest(path, { op: 'stop' })).toEqual({ ok: true });
    await started[0]!.closed;
    expect(existsSync(path)).toBe(false);
    expect(await pingAgent(path)).toBeUndefined();
  });

  it('refuses a directory others can enter; clients will not talk to a socket there either', async () => {
    const dir = join(tempDir(), 'authapi');
    mkdirSync(dir);
    chmodSync(dir, 0o770);
    await expect(startAgentServer({ socketPath: join(dir, 'agent.sock') })).rejects.toThrow(InsecureAgentDirError);

    // Someone else's listener in a loose directory never receives a request.
    const loose = join(tempDir(), 'loose');
    mkdirSync(loose, { mode: 0o700 });
    chmodSync(loose, 0o777);
    let connected = false;
    const fake = createServer(() => (connected = true));
    await new Promise<void>((r) => fake.listen(join(loose, 'agent.sock'), r));
    const debug: string[] = [];
    expect(await agentRequest(join(loose, 'agent.sock'), { op: 'ping' }, { debug: (l) => debug.push(l) })).toBeUndefined();
    expect(debug.join('\n')).toMatch(/credentials agent not used: .*accessible to others/);
    expect(connected).toBe(false);
    await new Promise((r) => fake.close(r));
  });

  it('a put of credentials read before the last forget is ignored (logout racing a command)', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers });
    t.clock.t = T0 + 10_000;
    await agentRequest(path, { op: 'forget', key: 'a' });
    await agentRequest(path, { op: 'put', key: 'a', credentials: creds(T0 + 3_600_000), readAt: T0 + 9_000 });
    await agentRequest(path, { op: 'put', key: 'a', credentials: creds(T0 + 3_600_000), readAt: T0 + 10_000 });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true });
    await agentRequest(path, { op: 'put', key: 'b', credentials: creds(T0 + 3_600_000), readAt: T0 + 9_000 }); // another key: unaffected
    await agentRequest(path, { op: 'put', key: 'a', credentials: creds(T0 + 3_600_000), readAt: T0 + 10_001 }); // read after the forget
    expect(started[0]!.keys().sort()).toEqual(['a', 'b']);
    t.clock.t = T0 + 20_000;
    await agentRequest(path, { op: 'forget' }); // everything
    await agentRequest(path, { op: 'put', key: 'b', credentials: creds(T0 + 3_600_000), readAt: T0 + 19_999 });
    expect(started[0]!.keys()).toEqual([]);
  });

  it('drops expired entries and refuses already-expired ones', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers, initial: { a: creds(T0 + 1_000) } });
    await agentRequest(path, { op: 'put', key: 'old', credentials: creds(T0 - 1) });
    expect(await agentRequest(path, { op: 'ping' })).toMatchObject({ entries: 1 });
    t.clock.t = T0 + 1_000;
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true });
    expect(started[0]!.keys()).toEqual([]);
  });

  it('exits after 15 min without requests, even when it holds credentials', async () => {
    const t = fakeTime();
    const path = socketIn();
    const s = (await start({ socketPath: path, clock: t.clock, timers: t.timers, initial: { a: creds(T0 + 4 * 3_600_000) } }))!;
    t.clock.t = T0 + 10 * 60_000;
    await agentRequest(path, { op: 'get', key: 'a' }); // a request restarts the countdown
    expect(t.dueAt).toBe(T0 + 25 * 60_000);
    t.fire();
    expect(await s.closed).toBe('idle');
    expect(existsSync(path)).toBe(false);
  });

  it('exits 1 min after the last request once it holds nothing (forgotten or expired)', async () => {
    const t = fakeTime();
    const path = socketIn();
    const s = (await start({ socketPath: path, clock: t.clock, timers: t.timers, initial: { a: creds(T0 + 5 * 60_000) } }))!;
    // Wakes when the entry expires, finds the map empty and idle long enough: exits.
    expect(t.dueAt).toBe(T0 + 5 * 60_000);
    t.fire();
    expect(await s.closed).toBe('empty');

    const t2 = fakeTime();
    const path2 = socketIn();
    const s2 = (await start({ socketPath: path2, clock: t2.clock, timers: t2.timers, initial: { a: creds(T0 + 3_600_000) } }))!;
    await agentRequest(path2, { op: 'forget' });
    expect(t2.dueAt).toBe(T0 + 60_000);
    let exited = false;
    void s2.closed.then(() => (exited = true));
    t2.clock.t = T0 + 30_000;
    await agentRequest(path2, { op: 'ping' }); // still in use: the minute starts again
    t2.fire();
    expect(t2.clock.t).toBe(T0 + 90_000);
    expect(await s2.closed).toBe('empty');
    expect(exited).toBe(true);
  });

  it('a second agent on the same path steps aside; a stale socket file is replaced', async () => {
    const path = socketIn();
    await start({ socketPath: path });
    expect(await startAgentServer({ socketPath: path })).toBeUndefined();
    expect(await pingAgent(path)).toBe(process.pid);

    const stalePath = socketIn();
    mkdirSync(join(stalePath, '..'), { mode: 0o700 });
    // A socket file with nobody listening: what a killed agent leaves behind (close()
    // would unlink it, so it is moved aside meanwhile).
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(stalePath, r));
    const { renameSync } = await import('node:fs');
    renameSync(stalePath, stalePath + '.keep');
    await new Promise((r) => dead.close(r));
    renameSync(stalePath + '.keep', stalePath);
    expect(lstatSync(stalePath).isSocket()).toBe(true);
    expect(await pingAgent(stalePath)).toBeUndefined();
    const s = await start({ socketPath: stalePath });
    expect(s).toBeDefined();
    expect(await pingAgent(stalePath)).toBe(process.pid);
  });

  it('sign: signs with the held credentials exactly as the in-process signer would, or answers that it holds none usable', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers, initial: { a: creds(T0 + 3_600_000) } });
    const target: Target = { protocol: 'http:', hostname: '127.0.0.1', port: '3000', path: '/prod/a%20b', query: [['q', 'x y'], ['q', '']] };
    const request = { method: 'POST', target, headers: { 'content-type': 'application/json' }, region: 'eu-west-1', now: T0, apiKey: 'KEY', bodyBase64: Buffer.from('{"a":1}').toString('base64') };
    const sign = (over: Record<string, unknown> = {}) =>
      agentRequest(path, { op: 'sign', key: 'a', identityPoolId: 'eu-west-1:pool', validUntil: T0 + 300_000, request, ...over } as AgentRequest);

    const local = signRequest({ ...request, body: Buffer.from('{"a":1}'), credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'secret', sessionToken: 'token' } });
    expect(await sign()).toEqual({ ok: true, signed: { path: local.path, headers: local.headers, signature: local.signature } });
    expect(local.headers['x-amz-security-token']).toBe('token');
    expect(local.signature).toMatch(/^[0-9a-f]{64}$/);

    // Nothing usable: another key, another pool, or credentials that end before validUntil.
    expect(await sign({ key: 'b' })).toEqual({ ok: true });
    expect(await sign({ identityPoolId: 'eu-west-1:other' })).toEqual({ ok: true });
    expect(await sign({ validUntil: T0 + 3_600_000 })).toEqual({ ok: true });
    // A malformed request is refused, and the agent keeps serving.
    expect(await agentRequest(path, { op: 'sign', key: 'a' } as unknown as AgentRequest)).toEqual({ ok: false, error: 'sign needs an identityPoolId' });
    expect(await sign()).toMatchObject({ ok: true, signed: { signature: local.signature } });
  });

  it('token: the held ID or access token for the app client, valid past validUntil; forget only:tokens keeps the credentials', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers, initialTokens: { a: toks(T0 + 3_600_000) } });
    const ask = (over: Record<string, unknown> = {}) =>
      agentRequest(path, { op: 'token', key: 'a', kind: 'id', clientId: 'client', validUntil: T0 + 120_000, ...over } as AgentRequest);
    expect(await ask()).toEqual({ ok: true, token: 'id.1' });
    expect(await ask({ kind: 'access' })).toEqual({ ok: true, token: 'access.1' });
    // Nothing usable: another key, another app client, or tokens that end before validUntil.
    expect(await ask({ key: 'b' })).toEqual({ ok: true });
    expect(await ask({ clientId: 'other' })).toEqual({ ok: true });
    expect(await ask({ validUntil: T0 + 3_600_000 })).toEqual({ ok: true });
    // `get` hands out credentials only.
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true });

    // Credentials and tokens under one key, in one put; `only: tokens` forgets the tokens alone.
    await agentRequest(path, { op: 'put', key: 'a', credentials: creds(T0 + 3_600_000), tokens: toks(T0 + 3_600_000, '2') });
    expect(await ask()).toEqual({ ok: true, token: 'id.2' });
    expect(await agentRequest(path, { op: 'ping' })).toMatchObject({ entries: 1 });
    await agentRequest(path, { op: 'forget', key: 'a', only: 'tokens' });
    expect(await ask()).toEqual({ ok: true });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toMatchObject({ credentials: { accessKeyId: 'AKIA1' } });
    // A plain forget drops both.
    await agentRequest(path, { op: 'put', key: 'a', tokens: toks(T0 + 3_600_000, '3') });
    await agentRequest(path, { op: 'forget', key: 'a' });
    expect(await ask()).toEqual({ ok: true });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toEqual({ ok: true });
    expect(started[0]!.keys()).toEqual([]);
  });

  it('tokens read before the last forget are ignored; a tokens-only forget does not hold back credentials', async () => {
    const t = fakeTime();
    const path = socketIn();
    await start({ socketPath: path, clock: t.clock, timers: t.timers });
    t.clock.t = T0 + 10_000;
    await agentRequest(path, { op: 'forget', key: 'a', only: 'tokens' }); // a refused token
    await agentRequest(path, { op: 'put', key: 'a', credentials: creds(T0 + 3_600_000), tokens: toks(T0 + 3_600_000), readAt: T0 + 9_000 });
    const token = () => agentRequest(path, { op: 'token', key: 'a', kind: 'access', clientId: 'client', validUntil: T0 });
    expect(await token()).toEqual({ ok: true });
    expect(await agentRequest(path, { op: 'get', key: 'a' })).toMatchObject({ credentials: { accessKeyId: 'AKIA1' } });
    await agentRequest(path, { op: 'put', key: 'a', tokens: toks(T0 + 3_600_000, 'new') }); // no readAt: fresh from a refresh
    expect(await token()).toEqual({ ok: true, token: 'access.new' });
    t.clock.t = T0 + 20_000;
    await agentRequest(path, { op: 'forget' }); // logout --all, say
    await agentRequest(path, { op: 'put', key: 'a', tokens: toks(T0 + 3_600_000), readAt: T0 + 19_999 });
    expect(await token()).toEqual({ ok: true });
  });

  it('expired tokens are dropped; an agent holding only tokens stays until they expire, then exits', async () => {
    const t = fakeTime();
    const path = socketIn();
    const s = (await start({ socketPath: path, clock: t.clock, timers: t.timers, initialTokens: { a: toks(T0 + 5 * 60_000) } }))!;
    await agentRequest(path, { op: 'put', key: 'old', tokens: toks(T0 - 1) });
    expect(s.keys()).toEqual(['a']);
    expect(t.dueAt).toBe(T0 + 5 * 60_000);
    t.fire();
    expect(await s.closed).toBe('empty');
  });
});
