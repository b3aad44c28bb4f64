// The session layer with the credentials agent (src/auth/session.ts through
// src/auth/agent/link.ts), in-process: the real file store in a temp config dir, the
// local stack, and an agent server in this process on the path the CLI computes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/clock.js';
import { createContext, type Context } from '../../../src/context.js';
import { testIO, type TestIO } from '../../../src/io.js';
import { endSession } from '../../../src/auth/end-session.js';
import { getCredentials } from '../../../src/auth/get-credentials.js';
import { SessionUnreadableError } from '../../../src/auth/session-errors.js';
import { startAgentServer, type AgentServer } from '../../../src/auth/agent/server.js';
import { agentSocketPath } from '../../../src/auth/agent/paths.js';
import { agentRequest } from '../../../src/auth/agent/client.js';
import { agentEnabled, agentKey } from '../../../src/auth/agent/link.js';
import { readMarker } from '../../../src/auth/session-marker.js';
import { MemoryStore } from '../../../src/auth/store/memory.js';
import { countedDeps, loginAs } from '../helpers/session-fixture.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { tempDir } from '../../helpers/cli.js';

const MIN = 60_000;
let s: Stack;
let agent: AgentServer;
let env: Record<string, string>;

const never = { set: () => 0, clear: () => {} }; // the idle rules are server.test.ts's business

function context(extra: Record<string, string> = {}): Context & { io: TestIO } {
  return createContext({ io: testIO(), env: { ...env, ...extra }, clock: s.clock, profile: 'local', verbose: true }) as Context & { io: TestIO };
}
/** The agent key of the login recorded now (it names the session id). */
const userKey = () => agentKey(s.configDir, 'local', 'user', readMarker(s.configDir, 'local')?.id);
const held = async (key = userKey()) => ((await agentRequest(agent.socketPath, { op: 'get', key })) as { credentials?: { accessKeyId: string } }).credentials;

beforeEach(async () => {
  s = await startStack();
  env = { AUTHAPI_CONFIG_DIR: s.configDir, AUTHAPI_STORE: 'file', XDG_RUNTIME_DIR: tempDir('authapi-run-') };
  agent = (await startAgentServer({ socketPath: agentSocketPath(s.configDir, env), clock: s.clock, timers: never }))!;
});
afterEach(async () => {
  await agent.close();
  await s.close();
});

describe.skipIf(process.platform === 'win32')('getCredentials with the credentials agent (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('login hands the agent the credentials; the next command gets them without the store or the network', async () => {
    const ctx = context();
    const c = await countedDeps(s);
    const login = await loginAs(s, ctx, c.deps);
    expect((await held())?.accessKeyId).toBe(login.credentials.accessKeyId);
    expect(agent.keys()).toEqual([userKey()]); // this login's key only (its credentials and ID/access tokens)

    rmSync(join(s.configDir, 'secrets'), { recursive: true }); // the store is gone
    c.calls.length = 0;
    const next = context();
    expect(await getCredentials(next, {}, c.deps)).toEqual(login.credentials);
    expect(c.calls).toEqual([]);
    expect(next.io.stderrText()).toContain('debug: credentials from agent');
  });

  it('credentials too close to expiry are not taken from the agent; a session that is gone makes it forget', async () => {
    const c = await countedDeps(s);
    await loginAs(s, context(), c.deps);
    rmSync(join(s.configDir, 'secrets'), { recursive: true });
    s.clock.advance(56 * MIN); // 4 minutes left: below the 5-minute floor
    await expect(getCredentials(context(), {}, c.deps)).rejects.toBeInstanceOf(SessionUnreadableError);
    expect(await held()).toBeUndefined();
  });

  it('a renewal hands the agent the new credentials', async () => {
    const c = await countedDeps(s);
    const login = await loginAs(s, context(), c.deps);
    s.clock.advance(56 * MIN);
    c.calls.length = 0;
    const renewed = await getCredentials(context(), {}, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity']);
    expect(renewed.accessKeyId).not.toBe(login.credentials.accessKeyId);
    expect((await held())?.accessKeyId).toBe(renewed.accessKeyId);
  });

  it('forceRefresh does not ask the agent, and replaces what it holds', async () => {
    const c = await countedDeps(s);
    const login = await loginAs(s, context(), c.deps);
    c.calls.length = 0;
    const forced = await getCredentials(context(), { forceRefresh: true }, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity']);
    expect(forced.accessKeyId).not.toBe(login.credentials.accessKeyId);
    expect((await held())?.accessKeyId).toBe(forced.accessKeyId);
  });

  it('credentials read from the store before a logout reached the agent are not handed to it afterwards', async () => {
    const c = await countedDeps(s);
    const login = await loginAs(s, context(), c.deps);
    await agentRequest(agent.socketPath, { op: 'forget', key: userKey() }); // "logout", at s.clock's now
    // A command that read the store a moment before that forget, and shares after it.
    const late = createContext({ io: testIO(), env, clock: new ManualClock(s.clock.now() - 1), profile: 'local' });
    expect((await getCredentials(late, {}, c.deps)).accessKeyId).toBe(login.credentials.accessKeyId);
    expect(await held()).toBeUndefined();
    // One that read it after: shared.
    s.clock.advance(1);
    await getCredentials(context(), {}, c.deps);
    expect((await held())?.accessKeyId).toBe(login.credentials.accessKeyId);
  });

  it('credentials made for another identity pool are ignored (the profile was re-pointed)', async () => {
    const c = await countedDeps(s);
    const login = await loginAs(s, context(), c.deps);
    await agentRequest(agent.socketPath, { op: 'put', key: userKey(), credentials: {
      accessKeyId: 'ASIAOTHERPOOL', secretAccessKey: 'x', sessionToken: 'y', expiration: s.clock.now() + 60 * MIN,
      identityId: 'us-east-1:other', identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' } });
    expect((await getCredentials(context(), {}, c.deps)).accessKeyId).toBe(login.credentials.accessKeyId);
    expect((await held())?.accessKeyId).toBe(login.credentials.accessKeyId);
  });

  it('logout makes the agent forget the profile (user and guest)', async () => {
    const c = await countedDeps(s);
    const ctx = context();
    await loginAs(s, ctx, c.deps);
    await getCredentials(ctx, { guest: true }, c.deps);
    expect(agent.keys().sort()).toEqual([agentKey(s.configDir, 'local', 'guest'), userKey()]);
    await endSession(ctx, 'local', s.profile, { userPool: c.deps.userPool });
    expect(agent.keys()).toEqual([]);
  });

  it('AUTHAPI_AGENT=0 or an injected store: the agent is neither asked nor told', async () => {
    const c = await countedDeps(s);
    const off = context({ AUTHAPI_AGENT: '0' });
    expect(agentEnabled(off)).toBe(false);
    await loginAs(s, off, c.deps);
    expect(agent.keys()).toEqual([]);
    await getCredentials(off, {}, c.deps);
    expect(agent.keys()).toEqual([]);

    const memory = createContext({ io: testIO(), env, clock: s.clock, profile: 'local', secretStore: new MemoryStore() });
    expect(agentEnabled(memory)).toBe(false);
  });
});
