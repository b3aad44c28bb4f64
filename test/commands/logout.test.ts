// `authapi logout`: revoke + wipe; offline → still wiped, revoke failure reported, exit 6;
// --all; idempotent.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { readSession } from '../../src/auth/session-data.js';
import { refreshTokens, httpUserPoolTransport } from '../../src/auth/user-pool.js';
import { AwsServiceError } from '../../src/auth/aws-json.js';
import { startStack, type Stack } from '../auth/helpers/stack.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function cli(st: Stack, argv: string[], store: MemoryStore, input?: string) {
  return runInProcess(argv, { env: st.env, clock: st.clock, secretStore: store, input });
}

describe('authapi logout', () => {
  it('revokes the refresh token at the User Pool and wipes the profile', async () => {
    s = await startStack();
    const store = new MemoryStore({ maxValueLength: 1200 });
    expect((await cli(s, ['login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n')).code).toBe(0);
    const refreshToken = (await readSession(store, 'local', s.profile))!.user!.tokens.refreshToken;
    const r = await cli(s, ['logout'], store);
    expect(r.stderr).toBe('authapi: logged out (profile local); refresh token revoked\n');
    expect(r.code).toBe(0);
    expect(store.items.size).toBe(0);
    const err = await refreshTokens(httpUserPoolTransport(s.profile), s.profile, refreshToken, 'demouser').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsServiceError);
    expect(err).toMatchObject({ message: 'Refresh Token has been revoked' });
    // Twice is fine.
    const again = await cli(s, ['logout'], store);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('authapi: not logged in (profile "local"); nothing to revoke\n');
  });

  it('server unreachable: wipes locally anyway, says the revoke failed, exit 6', async () => {
    s = await startStack();
    const store = new MemoryStore();
    expect((await cli(s, ['login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n')).code).toBe(0);
    const config = JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8'));
    config.profiles.local.endpoints.cognitoIdp = 'http://127.0.0.1:9';
    writeFileSync(join(s.configDir, 'config.json'), JSON.stringify(config));
    const r = await cli(s, ['logout'], store);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^warning: profile local: local session wiped, but revoking the refresh token failed: cannot reach 127\.0\.0\.1:9: connection refused \(ECONNREFUSED\) — it stays valid on the server until it expires\n$/);
    expect(store.items.size).toBe(0);
  });

  it('--all logs out of every profile; an invalid profile is skipped with a warning', async () => {
    s = await startStack();
    const store = new MemoryStore();
    const config = JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8'));
    config.profiles.second = config.profiles.local;
    config.profiles.broken = { region: 'moon' };
    writeFileSync(join(s.configDir, 'config.json'), JSON.stringify(config));
    expect((await cli(s, ['login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n')).code).toBe(0);
    expect((await cli(s, ['--profile', 'second', 'login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n')).code).toBe(0);
    const r = await cli(s, ['logout', '--all'], store);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('logged out (profile local); refresh token revoked');
    expect(r.stderr).toContain('logged out (profile second); refresh token revoked');
    expect(r.stderr).toContain('skipping profile "broken"');
    expect(store.items.size).toBe(0);
  });

  it('after logout the next credential use exits 3 with the login hint', async () => {
    s = await startStack();
    const store = new MemoryStore();
    expect((await cli(s, ['login', '-u', 'demouser', '--password-stdin'], store, 'demoPASS123\n')).code).toBe(0);
    expect((await cli(s, ['status'], store)).code).toBe(0);
    expect((await cli(s, ['logout'], store)).code).toBe(0);
    const st = await cli(s, ['status'], store);
    expect(st.code).toBe(3);
    expect(st.stderr).toBe('authapi: not logged in (profile "local") — run `authapi login --profile local`\n');
  });
});
