// getToken: the user pool token a Cognito / JWT authorizer takes, against the local
// stack with one ManualClock shared by client and server: cached → refreshed near
// expiry → "session expired"; forced refreshes done once across callers; the login
// recorded now is the one whose token is handed out.
import { afterEach, describe, expect, it } from 'vitest';
import { getToken } from '../../src/auth/get-token.js';
import { endSession } from '../../src/auth/end-session.js';
import { decodeClaims } from '../../src/auth/jwt.js';
import { NotLoggedInError, SessionExpiredError, SessionUnreadableError } from '../../src/auth/session-errors.js';
import { readSession } from '../../src/auth/session-data.js';
import { readMarker } from '../../src/auth/session-marker.js';
import { httpUserPoolTransport, revokeToken } from '../../src/auth/user-pool.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { ExitCode } from '../../src/errors.js';
import { countedDeps, loginAs } from './helpers/session-fixture.js';
import { DEMO, startStack, T0, type Stack } from './helpers/stack.js';

const MIN = 60_000;
const OTHER = { username: 'otheruser', password: 'otherPASS123' };
let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const stored = async (ctx: { profile(): Promise<import('../../src/config/profile.js').Profile> }, store: MemoryStore) =>
  (await readSession(store, 'local', await ctx.profile()))!;

describe('getToken', () => {
  it('a valid token: the stored ID or access token, no network call, registered with the redactor', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const tokens = (await stored(ctx, store)).user!.tokens;
    c.calls.length = 0;
    const reader = s.context({ store }); // another command: its redactor knows nothing yet
    const id = await getToken(reader, 'id', {}, c.deps);
    const access = await getToken(reader, 'access', {}, c.deps);
    expect(c.calls).toEqual([]);
    expect(id).toBe(tokens.idToken);
    expect(access).toBe(tokens.accessToken);
    expect(decodeClaims(id)!.token_use).toBe('id');
    expect(decodeClaims(access)!.token_use).toBe('access');
    for (const secret of [id, access, tokens.refreshToken]) {
      expect(reader.io.redactor.redact(`x ${secret} y`)).not.toContain(secret);
    }
  });

  it('near expiry: one REFRESH_TOKEN_AUTH, the new tokens saved (refresh token kept), the new one returned', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const before = (await stored(ctx, store)).user!.tokens;
    s.clock.advance(58 * MIN + 1); // 2 minutes less 1 ms left: inside the margin
    c.calls.length = 0;
    const id = await getToken(s.context({ store }), 'id', {}, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    const after = (await stored(ctx, store)).user!.tokens;
    expect(id).toBe(after.idToken);
    expect(id).not.toBe(before.idToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.expiresAt).toBe(T0 + 58 * MIN + 1 + 60 * MIN);
    // The next command takes the saved ones: no network.
    c.calls.length = 0;
    expect(await getToken(s.context({ store }), 'access', {}, c.deps)).toBe(after.accessToken);
    expect(c.calls).toEqual([]);
  });

  it('minValidityMs: a token valid for less than the caller needs is refreshed', async () => {
    s = await startStack();
    const ctx = s.context();
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    s.clock.advance(50 * MIN); // 10 minutes left: more than the default margin
    c.calls.length = 0;
    await getToken(ctx, 'id', {}, c.deps);
    expect(c.calls).toEqual([]);
    await getToken(ctx, 'id', { minValidityMs: 15 * MIN }, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
  });

  it('forceRefresh refreshes a token that looks valid', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    const before = await getToken(ctx, 'access', {}, c.deps);
    c.calls.length = 0;
    const forced = await getToken(ctx, 'access', { forceRefresh: true }, c.deps);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    expect(forced).not.toBe(before);
    expect(forced).toBe((await stored(ctx, store)).user!.tokens.accessToken);
  });

  it('two callers forcing a refresh at once (two "processes", one store and lock): one refresh, the same new token', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    const c = await countedDeps(s);
    await loginAs(s, s.context({ store }), c.deps);
    const old = (await stored(s.context({ store }), store)).user!.tokens;
    c.calls.length = 0;
    const [a, b] = await Promise.all([
      getToken(s.context({ store }), 'id', { forceRefresh: true }, c.deps),
      getToken(s.context({ store }), 'id', { forceRefresh: true }, c.deps),
    ]);
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    expect(a).toBe(b);
    expect(a).not.toBe(old.idToken);
    expect((await stored(s.context({ store }), store)).user!.tokens.refreshToken).toBe(old.refreshToken);
  });

  it('ten callers near expiry at once: one refresh', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 300 });
    const c = await countedDeps(s);
    await loginAs(s, s.context({ store }), c.deps);
    s.clock.advance(59 * MIN);
    c.calls.length = 0;
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => getToken(s!.context({ store }), i % 2 ? 'id' : 'access', {}, c.deps)));
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    const now = (await stored(s.context({ store }), store)).user!.tokens;
    expect(got).toEqual(got.map((_, i) => (i % 2 ? now.idToken : now.accessToken)));
  });

  it('a refresh token Cognito refuses → SessionExpiredError (exit 3), remembered: the next call fails with no network', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    await revokeToken(httpUserPoolTransport(s.profile), s.profile, (await stored(ctx, store)).user!.tokens.refreshToken);
    s.clock.advance(59 * MIN);
    c.calls.length = 0;
    const err = await getToken(ctx, 'id', {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionExpiredError);
    expect(err).toMatchObject({ exitCode: ExitCode.AUTH, message: 'session expired (profile "local"): Refresh Token has been revoked', hint: 'run `authapi login --profile local`' });
    expect(c.calls).toEqual(['InitiateAuth:REFRESH_TOKEN_AUTH']);
    expect((await stored(ctx, store)).user!.expired).toBe('Refresh Token has been revoked');
    c.calls.length = 0;
    await expect(getToken(s.context({ store }), 'access', {}, c.deps)).rejects.toBeInstanceOf(SessionExpiredError);
    // Remembered even for a token that is still "valid" by the clock: the session is over.
    s.clock.advance(-30 * MIN);
    await expect(getToken(s.context({ store }), 'access', {}, c.deps)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(c.calls).toEqual([]);
  });

  it('never logged in → NotLoggedInError (exit 3, login hint), no network, nothing read', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    const err = await getToken(ctx, 'id', {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLoggedInError);
    expect(err).toMatchObject({ exitCode: 3, message: 'not logged in (profile "local")', hint: 'run `authapi login --profile local`' });
    expect(c.calls).toEqual([]);
    expect(store.reads).toEqual([]);
  });

  it('a corrupt stored session → SessionUnreadableError (exit 3, not "not logged in"), nothing deleted', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    store.items.set('local/session', 'not authapi\'s');
    c.calls.length = 0;
    const err = await getToken(ctx, 'access', {}, c.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionUnreadableError);
    expect(err).not.toBeInstanceOf(NotLoggedInError);
    expect(err).toMatchObject({ exitCode: 3, message: expect.stringContaining('the stored session for profile "local" is unreadable (memory: item local/session is not in authapi\'s format') });
    expect(store.items.get('local/session')).toBe('not authapi\'s');
    expect(c.calls).toEqual([]);
  });

  it('a session missing from the store while the login is recorded → SessionUnreadableError', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    store.items.clear();
    await expect(getToken(ctx, 'id', {}, c.deps)).rejects.toBeInstanceOf(SessionUnreadableError);
  });

  it('a new login between two calls: the new login\'s token, never the old one', async () => {
    s = await startStack({ users: [DEMO, OTHER] });
    const store = new MemoryStore({ maxValueLength: 1200 });
    const c = await countedDeps(s);
    await loginAs(s, s.context({ store }), c.deps);
    const first = await getToken(s.context({ store }), 'id', {}, c.deps);
    expect(decodeClaims(first)!['cognito:username']).toBe(DEMO.username);
    await loginAs(s, s.context({ store }), c.deps, OTHER);
    const second = await getToken(s.context({ store }), 'id', {}, c.deps);
    expect(decodeClaims(second)!['cognito:username']).toBe(OTHER.username);
    expect(second).toBe((await stored(s.context({ store }), store)).user!.tokens.idToken);
  });

  it('a new login while a refresh waited for the lock: the new login\'s token, not a refresh of the old one', async () => {
    s = await startStack({ users: [DEMO, OTHER] });
    const c = await countedDeps(s);
    // A store that lets another "process" log in right after this one read the old session.
    let hook: (() => Promise<void>) | undefined;
    class Racing extends MemoryStore {
      override async get(key: string) {
        const v = await super.get(key);
        if (key.startsWith('local/session') && hook) {
          const h = hook;
          hook = undefined;
          await h();
        }
        return v;
      }
    }
    const store = new Racing({ maxValueLength: 100_000 });
    await loginAs(s, s.context({ store }), c.deps);
    const oldId = readMarker(s.configDir, 'local')!.id;
    s.clock.advance(59 * MIN); // the old login's tokens need a refresh
    hook = async () => { await loginAs(s!, s!.context({ store }), c.deps, OTHER); };
    c.calls.length = 0;
    const token = await getToken(s.context({ store }), 'access', {}, c.deps);
    expect(readMarker(s.configDir, 'local')!.id).not.toBe(oldId);
    expect(decodeClaims(token)!.username).toBe(OTHER.username);
    expect(c.calls.filter((x) => x === 'InitiateAuth:REFRESH_TOKEN_AUTH')).toEqual([]);
  });

  it('after logout → NotLoggedInError', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const ctx = s.context({ store });
    const c = await countedDeps(s);
    await loginAs(s, ctx, c.deps);
    await getToken(ctx, 'id', {}, c.deps);
    await endSession(ctx, 'local', await ctx.profile(), c.deps);
    await expect(getToken(s.context({ store }), 'id', {}, c.deps)).rejects.toBeInstanceOf(NotLoggedInError);
    await expect(getToken(s.context({ store }), 'access', { forceRefresh: true }, c.deps)).rejects.toBeInstanceOf(NotLoggedInError);
  });
});
