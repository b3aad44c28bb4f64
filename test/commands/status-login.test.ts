// `authapi status`, login part: who (unverified claims unless --verify), identity id,
// expiries, store backend and available backends; --json; exit 3 when not logged in.
import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { readSession, writeSession } from '../../src/auth/session-data.js';
import { startStack, type Stack } from '../auth/helpers/stack.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (st: Stack, argv: string[], store: MemoryStore, input?: string) =>
  runInProcess(argv, { env: st.env, clock: st.clock, secretStore: store, input });

async function loggedIn(st: Stack) {
  const store = new MemoryStore({ maxValueLength: 1200 });
  const r = await cli(st, ['login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n');
  expect(r.code).toBe(0);
  return store;
}

describe('authapi status (login part)', () => {
  it('--json: user (unverified claims), identity id, expiries, store; exit 0; no secret printed', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const r = await cli(s, ['status', '--json'], store);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.login).toMatchObject({
      state: 'logged-in',
      user: { username: 'demouser', claims: 'unverified', sub: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      identityId: expect.stringMatching(/^us-east-1:/),
      signedInWith: 'password',
      loggedInAt: '2026-01-15T12:00:00Z',
      tokensExpireAt: '2026-01-15T13:00:00Z',
      credentialsExpireAt: '2026-01-15T13:00:00Z',
    });
    expect(report.store).toEqual({ inUse: 'memory', available: [{ kind: 'injected', name: 'memory', available: true, allowed: true }] });
    const session = (await readSession(store, 'local', s.profile))!;
    for (const secret of [session.user!.tokens.idToken, session.user!.tokens.accessToken, session.user!.tokens.refreshToken]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('--verify checks the ID token against the pool\'s JWKS and labels the claims verified', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const r = await cli(s, ['status', '--json', '--verify'], store);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).login.user).toMatchObject({ username: 'demouser', claims: 'verified' });
  });

  it('--verify says why a forged token is not verified', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const session = (await readSession(store, 'local', s.profile))!;
    const [h, p] = session.user!.tokens.idToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims['cognito:username'] = 'admin';
    session.user!.tokens.idToken = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${'A'.repeat(342)}`;
    await writeSession(store, 'local', session);
    const r = await cli(s, ['status', '--json', '--verify'], store);
    const user = JSON.parse(r.stdout).login.user;
    expect(user).toMatchObject({ username: 'admin', claims: 'unverified', verifyProblem: expect.stringMatching(/signature/i) });
  });

  it('a readable table for people', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const r = await cli(s, ['status'], store);
    expect(r.stdout).toMatch(/^logged in:\s+yes$/m);
    expect(r.stdout).toMatch(/^user:\s+demouser \(unverified claims from the ID token\)$/m);
    expect(r.stdout).toMatch(/^identity id:\s+us-east-1:[0-9a-f-]+$/m);
    expect(r.stdout).toMatch(/^credentials expire:\s+2026-01-15T13:00:00Z$/m);
    expect(r.stdout).toMatch(/^secret store:\s+memory$/m);
  });

  it('configured but not logged in: exit 3, state not-logged-in', async () => {
    s = await startStack();
    const r = await cli(s, ['status', '--json'], new MemoryStore());
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ configured: true, login: { state: 'not-logged-in' } });
    expect(r.stderr).toBe('authapi: not logged in (profile "local") — run `authapi login --profile local`\n');
  });

  it('an expired session (refresh refused): exit 3, state expired with the reason', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const session = (await readSession(store, 'local', s.profile))!;
    session.user!.expired = 'Refresh Token has expired';
    await writeSession(store, 'local', session);
    const r = await cli(s, ['status', '--json'], store);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).login).toMatchObject({ state: 'expired', expiredReason: 'Refresh Token has expired' });
    expect(r.stderr).toContain('the session expired (profile "local")');
  });

  it('guest identity is shown apart from the user', async () => {
    s = await startStack();
    const store = await loggedIn(s);
    const { getCredentials } = await import('../../src/auth/get-credentials.js');
    await getCredentials(s.context({ store }), { guest: true });
    const report = JSON.parse((await cli(s, ['status', '--json'], store)).stdout);
    expect(report.login.guest.identityId).toMatch(/^us-east-1:/);
    expect(report.login.guest.identityId).not.toBe(report.login.identityId);
  });
});

describe('authapi status without a usable store', () => {
  it('exit 3 with the store\'s problem and how to fix it', async () => {
    const keychain = await import('../../src/auth/store/keychain.js');
    const { vi } = await import('vitest');
    const absent = new keychain.SecretStoreError('no OS keychain is usable: no D-Bus');
    const spy = vi.spyOn(keychain, 'openKeychain').mockRejectedValue(absent);
    const probe = vi.spyOn(keychain, 'probeKeychain').mockResolvedValue({ state: 'absent', message: absent.message, hint: absent.hint });
    try {
      s = await startStack();
      const r = await runInProcess(['status', '--json'], { env: s.env, clock: s.clock });
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).login).toMatchObject({ state: 'unknown', problem: 'no OS keychain is usable: no D-Bus' });
      expect(JSON.parse(r.stdout).store.available[0]).toMatchObject({ state: 'absent', problem: 'no OS keychain is usable: no D-Bus' });
      // Said once, with what to do.
      expect(r.stderr).toMatch(/^authapi: the session of profile "local" cannot be read: no OS keychain is usable: no D-Bus — start a Secret Service .*--insecure-storage[^\n]*\n$/);
    } finally {
      spy.mockRestore();
      probe.mockRestore();
    }
  });
});
