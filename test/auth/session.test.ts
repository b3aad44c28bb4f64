// getCredentials: cache → ID token → refresh → "session expired", against the local
// stack with one ManualClock shared by client and server.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { getCredentials } from '../../src/auth/get-credentials.js';
import { isLoggedIn, readSessionView } from '../../src/auth/session-view.js';
import { endSession } from '../../src/auth/end-session.js';
import { NotLoggedInError, SessionExpiredError, SessionUnreadableError } from '../../src/auth/session-errors.js';
import { lockDir } from '../../src/auth/session-deps.js';
import { readSession, writeSession } from '../../src/auth/session-data.js';
import { revokeToken, httpUserPoolTransport } from '../../src/auth/user-pool.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { ExitCode } from '../../src/errors.js';
import { countedDeps, loginAs } from './helpers/session-fixture.js';
import { startStack, T0, type Stack } from './helpers/stack.js';

const MIN = 60_000;
let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('getCredentials', () => {
  it('after login: cached credentials, no network call; the session is split across ≤ 1,200-character items', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    const login = await loginAs(s, ctx, c.deps);
    expect(c.calls).toEqual(['GetId', 'GetCredentialsForIdentity']);
    expect(login.identityId).toMatch(/^us-east-1:/);
    c.calls.length = 0;

    store.reads.length = 0;
    const creds = await getCredentials(ctx, {}, c.deps);
    expect(c.calls).toEqual([]);
    expect(store.reads).toEqual(['local/credentials']); // one keychain item on the hot path
    expect(creds).toEqual(login.credentials);
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.expiration).toBe(T0 + 60 * MIN);
    expect([...store.items.keys()].filter((k) => k.startsWith('local/session.')).length).toBeGreaterThan(1);
    for (const v of store.items.values()) expect(v.length).toBeLessThanOrEqual(1200);
    expect(await isLoggedIn(ctx)).toBe(true);
  });

  it('credentials near expiry + ID token valid → only GetCredentialsForIdentity (identity id cached)', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    const first = await loginAs(s, ctx, c.deps);
    c.calls.length = 0;
    s.clock.advance(56 * MIN); // credentials: 4 min left (< 5); ID token: 4 min left (> 2)
    const creds = await getCredentials(ctx, {}, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity']);
    expect(creds.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(creds.expiration).toBe(T0 + 116 * MIN);
  });

  it('ID token expired → REFRESH_TOKEN_AUTH → credentials; the refresh token is kept', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const profile = await ctx.profile();
    const before = (await readSession(ctx.secretStore!, 'local', profile))!.user!;
    c.calls.length = 0;
    s.clock.advance(59 * MIN);
    const creds = await getCredentials(ctx, {}, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH', 'GetCredentialsForIdentity']);
    expect(creds.expiration).toBe(T0 + 119 * MIN);
    const after = (await readSession(ctx.secretStore!, 'local', profile))!.user!;
    expect(after.tokens.refreshToken).toBe(before.tokens.refreshToken);
    expect(after.tokens.idToken).not.toBe(before.tokens.idToken);
    expect(after.tokens.expiresAt).toBe(T0 + 119 * MIN);
    expect(after.refreshedAt).toBe(T0 + 59 * MIN);
    expect(after.identityId).toBe(before.identityId);
  });

  it('with a client secret, the refresh hashes cognito:username', async () => {
    s = await startStack({ clientSecret: true });
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps, { username: 'DEMOUSER', password: 'demoPASS123' });
    s.clock.advance(61 * MIN);
    await getCredentials(ctx, {}, c.deps);
    expect(c.calls).toContain('InitiateAuth:REFRESH_TOKEN_AUTH');
  });

  it('a revoked refresh token → SessionExpiredError (exit 3, "run `authapi login`"); the next call fails without network', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const user = (await readSession(ctx.secretStore!, 'local', await ctx.profile()))!.user!;
    await revokeToken(httpUserPoolTransport(s.profile), s.profile, user.tokens.refreshToken);
    s.clock.advance(61 * MIN);
    const err = await getCredentials(ctx, {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionExpiredError);
    expect(err).toBeInstanceOf(NotLoggedInError);
    expect(err).toMatchObject({
      exitCode: ExitCode.AUTH,
      message: 'session expired (profile "local"): Refresh Token has been revoked',
      hint: 'run `authapi login --profile local`',
    });
    c.calls.length = 0;
    await expect(getCredentials(ctx, {}, c.deps)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(c.calls).toEqual([]);
    expect(await isLoggedIn(ctx)).toBe(false);
  });

  it('never logged in → NotLoggedInError with the login hint, no network', async () => {
    s = await startStack();
    const ctx = s.context({ store: new MemoryStore() });
    const c = await countedDeps(s);
    const err = await getCredentials(ctx, {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLoggedInError);
    expect(err).toMatchObject({ exitCode: 3, message: 'not logged in (profile "local")', hint: 'run `authapi login --profile local`', name: 'NotLoggedInError' });
    expect(c.calls).toEqual([]);
    expect(await isLoggedIn(ctx)).toBe(false);
  });

  it('a stored session made for another user pool is not used: the login is unreadable (exit 3), not a guest', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const profile = await ctx.profile();
    const session = (await readSession(ctx.secretStore!, 'local', profile))!;
    await writeSession(ctx.secretStore!, 'local', { ...session, userPoolId: 'us-east-1_Other' });
    s.clock.advance(58 * MIN);
    const err = await getCredentials(ctx, {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionUnreadableError);
    expect(err).not.toBeInstanceOf(NotLoggedInError);
    expect(err).toMatchObject({ exitCode: 3, message: expect.stringContaining('the stored session for profile "local" is unreadable (it is missing from the memory') });
  });

  it('guest credentials: no login needed, cached apart from the user\'s, own identity id', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    const guest = await getCredentials(ctx, { guest: true }, c.deps);
    expect(c.calls).toEqual(['GetId', 'GetCredentialsForIdentity']);
    c.calls.length = 0;
    expect(await getCredentials(ctx, { guest: true }, c.deps)).toEqual(guest);
    expect(c.calls).toEqual([]);
    await expect(getCredentials(ctx, {}, c.deps)).rejects.toBeInstanceOf(NotLoggedInError);

    const user = await loginAs(s, ctx, c.deps);
    expect(user.credentials.accessKeyId).not.toBe(guest.accessKeyId);
    c.calls.length = 0;
    expect(await getCredentials(ctx, { guest: true }, c.deps)).toEqual(guest);
    s.clock.advance(58 * MIN);
    await getCredentials(ctx, { guest: true }, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity']); // the guest identity id is cached too
    const view = await readSessionView(ctx, await ctx.profile());
    expect(view.session!.guestIdentityId).not.toBe(view.session!.user!.identityId);
  });

  it('forceRefresh fetches new credentials even when the cached ones look valid', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    const login = await loginAs(s, ctx, c.deps);
    c.calls.length = 0;
    const forced = await getCredentials(ctx, { forceRefresh: true }, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity']);
    expect(forced.accessKeyId).not.toBe(login.credentials.accessKeyId);
    expect(await getCredentials(ctx, {}, c.deps)).toEqual(forced);
  });

  it('the Identity Pool calling the ID token expired (server clock ahead) → refresh once, then credentials', async () => {
    const server = new ManualClock(T0);
    s = await startStack({ clock: server });
    const client = new ManualClock(T0);
    const ctx = s.context({ clock: client });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    server.advance(61 * MIN); // the client's clock is an hour behind
    c.calls.length = 0;
    const creds = await getCredentials(ctx, { forceRefresh: true }, c.deps);
    expect(c.calls).toEqual(['GetCredentialsForIdentity', 'InitiateAuth:REFRESH_TOKEN_AUTH', 'GetCredentialsForIdentity']);
    expect(creds.expiration).toBe(T0 + 121 * MIN);
  });
});

describe('two processes at once', () => {
  it('refresh concurrently: one REFRESH_TOKEN_AUTH, one credential fetch, both get the same credentials, nothing lost', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const a = s.context({ store });
    const b = s.context({ store }); // another "process": own context, same keychain, same lock dir
    const c = await countedDeps(s);
    await loginAs(s, a, c.deps);
    const profile = await a.profile();
    const refreshToken = (await readSession(store, 'local', profile))!.user!.tokens.refreshToken;
    s.clock.advance(61 * MIN);
    c.calls.length = 0;
    const [ca, cb] = await Promise.all([getCredentials(a, {}, c.deps), getCredentials(b, {}, c.deps)]);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH', 'GetCredentialsForIdentity']);
    expect(ca).toEqual(cb);
    const session = (await readSession(store, 'local', profile))!;
    expect(session.user!.tokens.refreshToken).toBe(refreshToken);
    expect(session.user!.tokens.expiresAt).toBe(T0 + 121 * MIN);
  });

  it('ten at once, guest and user mixed: the store stays consistent', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 300 });
    const c = await countedDeps(s);
    await loginAs(s, s.context({ store }), c.deps);
    s.clock.advance(61 * MIN);
    c.calls.length = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => getCredentials(s!.context({ store }), { guest: i % 2 === 1 }, c.deps)));
    expect(new Set(results.filter((_, i) => i % 2 === 0).map((r) => r.accessKeyId)).size).toBe(1);
    expect(new Set(results.filter((_, i) => i % 2 === 1).map((r) => r.accessKeyId)).size).toBe(1);
    expect(c.calls.filter((x) => x === 'InitiateAuth:REFRESH_TOKEN_AUTH')).toHaveLength(1);
    c.calls.length = 0;
    await getCredentials(s.context({ store }), {}, c.deps);
    await getCredentials(s.context({ store }), { guest: true }, c.deps);
    expect(c.calls).toEqual([]);
  });

  it('a lock left by a dead process is taken over', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    mkdirSync(lockDir(ctx), { recursive: true });
    writeFileSync(join(lockDir(ctx), 'local.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), at: 0, token: 'dead' }));
    s.clock.advance(58 * MIN);
    await expect(getCredentials(ctx, {}, c.deps)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });
});

describe('endSession', () => {
  it('revokes the refresh token and wipes every item of the profile', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    await getCredentials(ctx, { guest: true }, c.deps);
    store.items.set('other/session', '{"v":1}');
    c.calls.length = 0;
    const out = await endSession(ctx, 'local', await ctx.profile(), c.deps);
    expect(out).toEqual({ hadSession: true, revoke: 'revoked', browserSignIn: false });
    expect(c.calls).toEqual(['RevokeToken']);
    expect([...store.items.keys()]).toEqual(['other/session']);
    await expect(getCredentials(ctx, {}, c.deps)).rejects.toBeInstanceOf(NotLoggedInError);
  });

  it('wipes locally even when the User Pool cannot be reached, and reports the failed revoke', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const profile = { ...(await ctx.profile()), endpoints: { ...s.profile.endpoints, cognitoIdp: 'http://127.0.0.1:9' } };
    const out = await endSession(ctx, 'local', profile, { store });
    expect(out.hadSession).toBe(true);
    expect(out.revoke).toMatchObject({ failed: { exitCode: ExitCode.NETWORK } });
    expect(store.items.size).toBe(0);
  });
});
