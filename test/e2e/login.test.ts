// The "done when", as the real binary (node bin/authapi.js, built by
// scripts/build.mjs) against the local stack: login with --password-stdin, status
// shows the user, a second process gets credentials from the store without the
// password, an expired session refreshes by itself (two processes at once: one
// refresh), logout makes the next credential use exit 3.
//
// The store is the OS keychain when a Secret Service is reachable (CI runs the tests
// under scripts/with-keyring.sh), otherwise the 0600 file (AUTHAPI_STORE=file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeProfiles } from '../helpers/cli.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { binaryEnv, runShifted, type BinaryEnv } from './helpers/binary.js';

const MIN = 60_000;

let stack: LocalStack;
const serverOffset = { ms: 0 };
let bin: BinaryEnv;
let keychain = true;

beforeAll(async () => {
  stack = await startLocal({ port: 0, clock: { now: () => Date.now() + serverOffset.ms } });
  const dir = tempDir('authapi-e2e-login-');
  const { info } = stack;
  writeProfiles(dir, { local: profileFromLocalInfo(info) });
  bin = await binaryEnv(dir);
  keychain = bin.keychain;
});
afterAll(async () => stack?.close());

const authapi = (args: string[], opts: { input?: string; offsetMs?: number } = {}) => runShifted(bin, args, opts);

const issued = () => stack.credentials.all().length;

describe('e2e: a new user\'s whole path (real binary, local stack)', () => {
  it('login → status → credentials from the store → refresh by itself (two processes) → logout → exit 3', async () => {
    // 1. login with --password-stdin
    const login = await authapi(['login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(login.stderr).toMatch(/authapi: logged in as demouser \(profile local\); AWS credentials valid until \S+Z, kept in (keychain|file)/);
    expect(login.code).toBe(0);
    expect(login.stdout).toBe('');

    // 2. status shows the user
    const status = await authapi(['status', '--json']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.login).toMatchObject({ state: 'logged-in', user: { username: 'demouser', claims: 'unverified' } });
    expect(report.store.inUse).toMatch(keychain ? /^keychain/ : /^file/);

    // 3. a second process gets credentials from the store: no password, no network
    const before = issued();
    const creds = await authapi(['credentials', '--format', 'json']);
    expect(creds.code).toBe(0);
    const first = JSON.parse(creds.stdout);
    expect(first.AccessKeyId).toMatch(/^ASIA/);
    expect(new Date(first.Expiration).toISOString().replace(/\.\d{3}Z$/, 'Z')).toBe(report.login.credentialsExpireAt);
    expect(issued()).toBe(before);
    const api = await authapi(['call', 'require-auth']);
    expect(api.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
    expect(api.code).toBe(0);

    // 4. an hour later everything has expired: the next use refreshes by itself —
    //    and two processes doing it at once refresh once and agree.
    serverOffset.ms = 61 * MIN;
    const [a, b] = await Promise.all([
      authapi(['credentials', '--format', 'json'], { offsetMs: 61 * MIN }),
      authapi(['credentials', '--format', 'json'], { offsetMs: 61 * MIN }),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const ca = JSON.parse(a.stdout);
    const cb = JSON.parse(b.stdout);
    expect(ca.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(cb.AccessKeyId).toBe(ca.AccessKeyId);
    expect(issued()).toBe(before + 1);
    const later = JSON.parse((await authapi(['status', '--json'], { offsetMs: 61 * MIN })).stdout);
    expect(Date.parse(later.login.tokensExpireAt)).toBeGreaterThan(Date.parse(report.login.tokensExpireAt) + 60 * MIN);

    // 5. logout revokes and wipes; the next credential use exits 3 with the hint
    const logout = await authapi(['logout'], { offsetMs: 61 * MIN });
    expect(logout.stderr).toBe('authapi: logged out (profile local); refresh token revoked\n');
    expect(logout.code).toBe(0);
    const after = await authapi(['credentials', '--format', 'json'], { offsetMs: 61 * MIN });
    expect(after.code).toBe(3);
    expect(after.stdout).toBe('');
    expect(after.stderr).toMatch(/not logged in.*authapi login/);
  });

  it('never prompts without a terminal: exit 2 naming --password-stdin', async () => {
    const r = await authapi(['login', '-u', 'demouser']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password-stdin');
  });

  it('a wrong password: one line, exit 3', async () => {
    const r = await authapi(['login', '-u', 'demouser', '--password-stdin'], { input: 'nopeNOPE123\n' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('authapi: Incorrect username or password.\n');
  });
});
