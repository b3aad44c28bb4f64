// Tokens through the credentials agent (token routes' hot path), in-process: the real
// file store in a temp config dir, the local stack, and an agent server in this process
// on the path the CLI computes. The transitions: login fills it, a new login or a
// logout leaves nothing of the old login to serve, a refused token is forgotten and
// replaced, renewals on the credentials path refill it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ManualClock } from '../../../src/clock.js';
import { createContext, type Context } from '../../../src/context.js';
import { testIO, type TestIO } from '../../../src/io.js';
import { endSession } from '../../../src/auth/end-session.js';
import { getCredentials } from '../../../src/auth/get-credentials.js';
import { getToken } from '../../../src/auth/get-token.js';
import { tokenFromAgent } from '../../../src/auth/agent-token.js';
import { decodeClaims } from '../../../src/auth/jwt.js';
import { readSession } from '../../../src/auth/session-data.js';
import { NotLoggedInError, SessionExpiredError } from '../../../src/auth/session-errors.js';
import { FileStore } from '../../../src/auth/store/file.js';
import { startAgentServer, type AgentServer } from '../../../src/auth/agent/server.js';
import { agentSocketPath } from '../../../src/auth/agent/paths.js';
import { agentRequest, pingAgent } from '../../../src/auth/agent/client.js';
import { agentKey } from '../../../src/auth/agent/link.js';
import { readMarker } from '../../../src/auth/session-marker.js';
import { httpUserPoolTransport, revokeToken } from '../../../src/auth/user-pool.js';
import { sessionToken } from '../../../src/http/token-source.js';
import { countedDeps, loginAs } from '../helpers/session-fixture.js';
import { DEMO, startStack, type Stack } from '../helpers/stack.js';
import { tempDir } from '../../helpers/cli.js';

const MIN = 60_000;
const OTHER = { username: 'otheruser', password: 'otherPASS123' };
let s: Stack;
let agent: AgentServer;
let env: Record<string, string>;

const never = { set: () => 0, clear: () => {} }; // the idle rules are server.test.ts's business

function context(extra: Record<string, string> = {}): Context & { io: TestIO } {
  return createContext({ io: testIO(), env: { ...env, ...extra }, clock: s.clock, profile: 'local', verbose: true }) as Context & { io: TestIO };
}
const userKey = () => agentKey(s.configDir, 'local', 'user', readMarker(s.configDir, 'local')?.id);
/** What the agent would hand out for a key (validUntil now: anything not yet expired). */
const held = async (kind: 'id' | 'access', key = userKey()) =>
  ((await agentRequest(agent.socketPath, { op: 'token', key, kind, clientId: s.profile.userPoolClientId, validUntil: s.clock.now() })) as { token?: string }).token;
const heldCredentials = async (key = userKey()) =>
  ((await agentRequest(agent.socketPath, { op: 'get', key })) as { credentials?: { accessKeyId: string } }).credentials;
const storedTokens = async () => (await readSession(new FileStore(join(s.configDir, 'secrets')), 'local', s.profile))!.user!.tokens;
/** Runs fn with the store out of reach: only the agent can answer. */
async function storeAway<T>(fn: () => Promise<T>): Promise<T> {
  const secrets = join(s.configDir, 'secrets');
  renameSync(secrets, secrets + '.away');
  try {
    return await fn();
  } finally {
    renameSync(secrets + '.away', secrets);
  }
}

/**
 * A stack on the real clock (the agent process runs on it: tokens valid for an hour
 * from now), logged in, and a runtime dir of its own where no agent answers yet.
 */
async function loggedInOnRealClock() {
  await s.close();
  s = await startStack({ clock: new ManualClock(Date.now()) });
  env = { ...env, AUTHAPI_CONFIG_DIR: s.configDir };
  const c = await countedDeps(s);
  await loginAs(s, context(), c.deps);
  const own = { XDG_RUNTIME_DIR: tempDir('authapi-run-own-') };
  return { c, own, socket: agentSocketPath(s.configDir, { ...env, ...own }) };
}

/** The pid of the agent process a command started, once it listens (it is detached: polled). */
async function agentUp(socket: string): Promise<number | undefined> {
  let pid: number | undefined;
  for (let i = 0; i < 200 && pid === undefined; i++) {
    pid = await pingAgent(socket);
    if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
  }
  return pid;
}

beforeEach(async () => {
  s = await startStack({ users: [DEMO, OTHER] });
  env = { AUTHAPI_CONFIG_DIR: s.configDir, AUTHAPI_STORE: 'file', XDG_RUNTIME_DIR: tempDir('authapi-run-') };
  agent = (await startAgentServer({ socketPath: agentSocketPath(s.configDir, env), clock: s.clock, timers: never }))!;
});
afterEach(async () => {
  await agent.close();
  await s.close();
});

describe.skipIf(process.platform === 'win32')('tokens with the credentials agent (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('login hands the agent the ID and access tokens (not the refresh token); the next command gets them without the store or the network', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    const tokens = await storedTokens();
    expect(await held('id')).toBe(tokens.idToken);
    expect(await held('access')).toBe(tokens.accessToken);
    c.calls.length = 0;
    const next = context();
    const [id, access, viaSource] = await storeAway(() =>
      Promise.all([getToken(next, 'id', {}, c.deps), getToken(next, 'access', {}, c.deps), sessionToken(context(), 'access')]));
    expect([id, access, viaSource]).toEqual([tokens.idToken, tokens.accessToken, tokens.accessToken]);
    expect(c.calls).toEqual([]);
    expect(next.io.stderrText()).toContain('debug: ID token from agent');
    expect(next.io.stderrText()).toContain('debug: access token from agent');
    // Never logged, even with --verbose; known to the redactor.
    for (const t of [tokens.idToken, tokens.accessToken]) {
      expect(next.io.stderrText()).not.toContain(t);
      expect(next.io.redactor.redact(t)).not.toContain(t);
    }
    // The agent's answer to anything never carries the refresh token.
    const everything = JSON.stringify([
      await agentRequest(agent.socketPath, { op: 'get', key: userKey() }),
      await agentRequest(agent.socketPath, { op: 'token', key: userKey(), kind: 'id', clientId: s.profile.userPoolClientId, validUntil: 0 }),
      await agentRequest(agent.socketPath, { op: 'token', key: userKey(), kind: 'access', clientId: s.profile.userPoolClientId, validUntil: 0 }),
    ]);
    expect(everything).not.toContain(tokens.refreshToken);
  });

  it('a command that read the store hands the agent the tokens (an agent started after the login)', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context({ AUTHAPI_AGENT: '0' }), c.deps); // the agent heard nothing
    expect(agent.keys()).toEqual([]);
    const first = await getToken(context(), 'access', {}, c.deps);
    expect(await held('access')).toBe(first);
    expect(await held('id')).toBe((await storedTokens()).idToken);
    expect(await storeAway(() => getToken(context(), 'id', {}, c.deps))).toBe((await storedTokens()).idToken);
  });

  it('a new login: the agent never serves the old login\'s token, told or not', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    const oldKey = userKey();
    expect(decodeClaims((await getToken(context(), 'id', {}, c.deps)))!['cognito:username']).toBe(DEMO.username);

    await loginAs(s, context(), c.deps, OTHER); // told: the old key is forgotten, the new one held
    expect(await held('id', oldKey)).toBeUndefined();
    expect(agent.keys()).toEqual([userKey()]);
    expect(decodeClaims((await storeAway(() => getToken(context(), 'id', {}, c.deps))))!['cognito:username']).toBe(OTHER.username);

    // Not told (a login with the agent off): the old login's entry stays, but nobody asks for its key.
    const otherKey = userKey();
    await loginAs(s, context({ AUTHAPI_AGENT: '0' }), c.deps, DEMO);
    expect(await held('access', otherKey)).toBeDefined();
    const now = await getToken(context(), 'access', {}, c.deps);
    expect(decodeClaims(now)!.username).toBe(DEMO.username);
    expect(now).toBe((await storedTokens()).accessToken);
    expect(await tokenFromAgent(context(), 'access')).toBe(now);
  });

  it('logout: nothing served any more', async () => {
    const c = await countedDeps(s);
    const ctx = context();
    await loginAs(s, ctx, c.deps);
    const key = userKey();
    await getToken(ctx, 'id', {}, c.deps);
    await endSession(ctx, 'local', s.profile, { userPool: c.deps.userPool });
    expect(agent.keys()).toEqual([]);
    expect(await held('id', key)).toBeUndefined();
    expect(await tokenFromAgent(context(), 'id')).toBeUndefined();
    await expect(getToken(context(), 'id', {}, c.deps)).rejects.toBeInstanceOf(NotLoggedInError);
    await expect(sessionToken(context(), 'access')).rejects.toBeInstanceOf(NotLoggedInError);
  });

  it('forceRefresh: the agent forgets the refused token (not the credentials) and then holds the new one', async () => {
    const c = await countedDeps(s);
    const login = await loginAs(s, context(), c.deps);
    const before = await held('access');
    c.calls.length = 0;
    // The refresh fails (User Pool unreachable): the refused token is not served to anyone after it.
    const offline = { ...c.deps, userPool: async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); } };
    await expect(getToken(context(), 'access', { forceRefresh: true }, offline)).rejects.toThrow();
    expect(await held('access')).toBeUndefined();
    expect((await heldCredentials())?.accessKeyId).toBe(login.credentials.accessKeyId);
    // It works: one refresh, the new token held.
    const forced = await sessionToken(context(), 'access', { forceRefresh: true });
    expect(forced).not.toBe(before);
    expect(forced).toBe((await storedTokens()).accessToken);
    expect(await held('access')).toBe(forced);
    expect(await held('id')).toBe((await storedTokens()).idToken);
    expect((await heldCredentials())?.accessKeyId).toBe(login.credentials.accessKeyId);
  });

  it('near expiry the agent\'s token is not used: refreshed from the store, and the agent gets the new one', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    const old = await held('id');
    s.clock.advance(58 * MIN + 1);
    expect(await tokenFromAgent(context(), 'id')).toBeUndefined();
    c.calls.length = 0;
    const fresh = await getToken(context(), 'id', {}, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    expect(fresh).not.toBe(old);
    expect(await held('id')).toBe(fresh);
  });

  it('a renewal on the credentials path (tokens refreshed) refills the agent\'s tokens too', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    s.clock.advance(59 * MIN);
    c.calls.length = 0;
    await getCredentials(context(), {}, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH', 'GetCredentialsForIdentity']);
    const tokens = await storedTokens();
    expect(await storeAway(() => getToken(context(), 'access', {}, c.deps))).toBe(tokens.accessToken);
  });

  it('a refresh token Cognito refuses: SessionExpiredError, and the agent forgets the login', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    await revokeToken(httpUserPoolTransport(s.profile), s.profile, (await storedTokens()).refreshToken);
    s.clock.advance(59 * MIN);
    await expect(getToken(context(), 'id', {}, c.deps)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(agent.keys()).toEqual([]);
  });

  it('AUTHAPI_AGENT=0: the agent is neither asked nor told', async () => {
    const c = await countedDeps(s);
    const off = () => context({ AUTHAPI_AGENT: '0' });
    await loginAs(s, off(), c.deps);
    expect(await tokenFromAgent(off(), 'id')).toBeUndefined();
    expect(await sessionToken(off(), 'id')).toBe((await storedTokens()).idToken);
    expect(agent.keys()).toEqual([]);
  });

  it('no agent running: the token read from the store starts one (dist/agent.cjs) holding the tokens from its stdin', async () => {
    const { c, own, socket } = await loggedInOnRealClock();
    const ctx = context(own);
    const token = await getToken(ctx, 'access', {}, c.deps);
    expect(ctx.io.stderrText()).toMatch(/credentials agent started \(pid \d+\)/);
    const pid = await agentUp(socket);
    try {
      expect(pid).toBeDefined();
      const r = await agentRequest(socket, { op: 'token', key: userKey(), kind: 'access', clientId: s.profile.userPoolClientId, validUntil: 0 });
      expect(r).toEqual({ ok: true, token });
      expect(await agentRequest(socket, { op: 'get', key: userKey() })).toEqual({ ok: true }); // tokens only: no credentials were read
    } finally {
      await agentRequest(socket, { op: 'stop' });
    }
  });

  it('an agent of an earlier build (no `token` op, after an upgrade) is stopped, and the token read from the store starts a current one', async () => {
    const { c, own, socket } = await loggedInOnRealClock();
    mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
    // What an older agent answers: `token` is an op it does not know; `stop` ends it.
    const ops: string[] = [];
    const old = createServer((conn) => {
      conn.setEncoding('utf8');
      conn.once('data', (line: string) => {
        const op = (JSON.parse(line) as { op: string }).op;
        ops.push(op);
        if (op === 'stop') {
          conn.end('{"ok":true}\n');
          old.close();
        } else conn.end(op === 'token' ? '{"ok":false,"error":"unknown op \\"token\\""}\n' : '{"ok":false,"error":"bad request"}\n');
      });
    });
    await new Promise<void>((r) => old.listen(socket, r));
    const ctx = context(own);
    const token = await getToken(ctx, 'id', {}, c.deps);
    expect(ops.slice(0, 2)).toEqual(['token', 'stop']);
    expect(ctx.io.stderrText()).toMatch(/credentials agent is from an earlier authapi; stopping it/);
    const pid = await agentUp(socket);
    try {
      expect(pid).toBeDefined();
      expect(await agentRequest(socket, { op: 'token', key: userKey(), kind: 'id', clientId: s.profile.userPoolClientId, validUntil: 0 })).toEqual({ ok: true, token });
    } finally {
      await agentRequest(socket, { op: 'stop' });
    }
  });
});
