// A browser sign-in's session after the login, through the real binary against the
// emulator: refresh goes to the managed login's token endpoint (grant_type=
// refresh_token), never to the User Pool API, and stores a rotated refresh token;
// a refused refresh token ends the session (exit 3), an unreachable endpoint is a
// network failure (exit 6) that changes nothing; logout revokes at /oauth2/revoke.
// The User Pool API endpoint of the profile is pointed at a dead port once signed
// in, so any use of it (InitiateAuth, RevokeToken) would fail the test.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { readSession, type SessionRecord } from '../../src/auth/session-data.js';
import { FileStore } from '../../src/auth/store/file.js';
import type { Profile } from '../../src/config/profile.js';
import { ROOT, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { codeOnlyTemplate } from '../helpers/code-only-template.js';
import { freeLoopbackPort } from '../helpers/oauth-free-port.js';

const AGENT = join(ROOT, 'test', 'helpers', 'oauth-form-agent.mjs');
const PRELOAD = pathToFileURL(resolve(ROOT, 'test', 'e2e', 'helpers', 'shift-clock.mjs')).href;
const MIN = 60_000;

const offset = { ms: 0 };
let plain: LocalStack;
let rotating: LocalStack;
let confidential: LocalStack;
let port: number;
/** A loopback address nothing listens on. */
let DEAD: string;

beforeAll(async () => {
  port = await freeLoopbackPort();
  DEAD = `http://127.0.0.1:${await freeLoopbackPort()}/`;
  const urls = { LoginCallbackUrls: `http://127.0.0.1:${port}/callback`, LoginLogoutUrls: `http://127.0.0.1:${port}/logged-out` };
  const clock = { now: () => Date.now() + offset.ms };
  plain = await startLocal({ port: 0, parameterOverrides: urls, clock });
  rotating = await startLocal({ port: 0, parameterOverrides: urls, clock, templatePath: codeOnlyTemplate({ rotation: true }) });
  const secretTemplate = join(tempDir('authapi-secret-tpl-'), 'template.yaml');
  writeFileSync(secretTemplate, readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8')
    .replace('GenerateSecret: false', 'GenerateSecret: true')
    .replace('CodeUri: functions/', `CodeUri: ${join(ROOT, 'infra', 'functions')}/`));
  confidential = await startLocal({ port: 0, parameterOverrides: urls, clock, templatePath: secretTemplate });
});
afterAll(async () => {
  await plain?.close();
  await rotating?.close();
  await confidential?.close();
});

const ANNOUNCEMENT = /^warning: secrets are kept in plaintext files \(mode 0600\) under \S+, as allowed by AUTHAPI_STORE=file\n/;

function setup(stack: LocalStack) {
  offset.ms = 0;
  const dir = tempDir('authapi-browser-session-');
  const base: Profile = { ...profileFromLocalInfo(stack.info), loginCallbackUrls: [`http://127.0.0.1:${port}/callback`] };
  const write = (p: Partial<Profile>) => writeProfiles(dir, { local: { ...base, ...p } });
  write({});
  const env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', AUTHAPI_STORE: 'file', BROWSER: `'${process.execPath}' '${AGENT}' %s` };
  const run = async (args: string[], at = 0) => {
    const r = await runBinary(args, { env: { ...env, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(at) }, execArgv: ['--import', PRELOAD] });
    return { ...r, stderr: r.stderr.replace(ANNOUNCEMENT, '') };
  };
  const session = async (): Promise<SessionRecord | undefined> => readSession(new FileStore(join(dir, 'secrets')), 'local', base);
  /** The token endpoint, asked directly as another client would. */
  const refreshAt = (token: string) => fetch(`${stack.url}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: stack.info.userPoolClientId, refresh_token: token }).toString(),
  });
  return { dir, base, write, run, session, refreshAt };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('a browser sign-in refreshes at the token endpoint (real binary, emulator)', () => {
  it('without rotation: new ID token, same auth_time, the refresh token kept; call require-auth works an hour later', async () => {
    const t = setup(plain);
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const before = (await t.session())!.user!;
    expect(before.via).toBe('browser');
    t.write({ endpoints: { ...t.base.endpoints, cognitoIdp: DEAD } });

    offset.ms = 61 * MIN;
    const call = await t.run(['call', 'require-auth'], 61 * MIN);
    expect([call.code, call.stderr]).toEqual([0, '']);
    const after = (await t.session())!.user!;
    expect(after.tokens.idToken).not.toBe(before.tokens.idToken);
    expect(after.tokens.refreshToken).toBe(before.tokens.refreshToken);
    expect(claims(after.tokens.idToken).auth_time).toBe(claims(before.tokens.idToken).auth_time);
    expect(after.refreshedAt).toBeGreaterThan(before.loggedInAt);
  });

  it('with rotation (a code-only client): the rotated refresh token is stored, the old one is dead, the next refresh uses the new one', async () => {
    const t = setup(rotating);
    const login = await t.run(['login', '--browser']);
    expect([login.code, login.stderr]).toEqual([0, expect.stringContaining('logged in as demouser (profile local) through the browser')]);
    const first = (await t.session())!.user!.tokens.refreshToken;
    t.write({ endpoints: { ...t.base.endpoints, cognitoIdp: DEAD } });

    // Two processes at once: one refreshes under the profile's lock, the other takes
    // its work (with no grace period a second refresh with the old token would fail).
    offset.ms = 61 * MIN;
    const [a, b] = await Promise.all([t.run(['credentials', '--format', 'json'], 61 * MIN), t.run(['credentials', '--format', 'json'], 61 * MIN)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    expect(JSON.parse(b.stdout).AccessKeyId).toBe(JSON.parse(a.stdout).AccessKeyId);
    const second = (await t.session())!.user!.tokens.refreshToken;
    expect(second).not.toBe(first);
    expect((await t.refreshAt(first)).status).toBe(400);

    offset.ms = 122 * MIN;
    const call = await t.run(['call', 'require-auth'], 122 * MIN);
    expect([call.code, call.stderr]).toEqual([0, '']);
    const third = (await t.session())!.user!.tokens.refreshToken;
    expect(third).not.toBe(second);

    // logout revokes the live token at /oauth2/revoke (the User Pool API is unreachable).
    const logout = await t.run(['logout'], 122 * MIN);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toMatch(/^authapi: logged out \(profile local\); refresh token revoked\n/);
    const dead = await t.refreshAt(third);
    expect([dead.status, await dead.json()]).toEqual([400, { error: 'invalid_grant' }]);
  });

  it('a client with a secret: refresh and revoke authenticate with client_secret_basic', async () => {
    const t = setup(confidential);
    expect(confidential.info.clientSecret).toBeTruthy();
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const before = (await t.session())!.user!;
    t.write({ endpoints: { ...t.base.endpoints, cognitoIdp: DEAD } });
    offset.ms = 61 * MIN;
    const call = await t.run(['call', 'require-auth'], 61 * MIN);
    expect([call.code, call.stderr]).toEqual([0, '']);
    expect((await t.session())!.user!.tokens.idToken).not.toBe(before.tokens.idToken);
    // A wrong secret: the endpoint refuses the client (invalid_client), a profile problem (exit 2), the session kept.
    t.write({ endpoints: { ...t.base.endpoints, cognitoIdp: DEAD }, clientSecret: 'wrongsecret1' });
    offset.ms = 122 * MIN;
    const refused = await t.run(['credentials'], 122 * MIN);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('authapi: the managed login\'s token endpoint refused the app client: invalid_client — check userPoolClientId and clientSecret in profile "local" (`authapi status --profile local`)\n');
    expect((await t.session())!.user!.expired).toBeUndefined();
    t.write({ endpoints: { ...t.base.endpoints, cognitoIdp: DEAD } });
    const logout = await t.run(['logout'], 122 * MIN);
    expect(logout.stderr).toMatch(/^authapi: logged out \(profile local\); refresh token revoked\n/);
    // The endpoint takes the token back only from its own client (Basic auth): now dead.
    const basic = `Basic ${Buffer.from(`${confidential.info.userPoolClientId}:${confidential.info.clientSecret}`).toString('base64')}`;
    const dead = await fetch(`${confidential.url}/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.tokens.refreshToken }).toString(),
    });
    expect([dead.status, await dead.json()]).toEqual([400, { error: 'invalid_grant' }]);
    for (const out of [call.stderr, logout.stderr]) expect(out).not.toContain(confidential.info.clientSecret!);
  });

  it('a refresh token the endpoint refuses (invalid_grant): session expired, exit 3, remembered; no stack trace', async () => {
    const t = setup(plain);
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const token = (await t.session())!.user!.tokens.refreshToken;
    // Revoked elsewhere (another client of the same app, an administrator).
    const rev = await fetch(`${plain.url}/oauth2/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: plain.info.userPoolClientId }).toString(),
    });
    expect(rev.status).toBe(200);
    offset.ms = 61 * MIN;
    const r = await t.run(['credentials'], 61 * MIN);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('authapi: session expired (profile "local"): the token endpoint refused the refresh token (invalid_grant) — run `authapi login --profile local`\n');
    expect((await t.session())!.user!.expired).toMatch(/invalid_grant/);
    // Remembered: the next command fails at once, the same way.
    const again = await t.run(['call', 'require-auth'], 61 * MIN);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/session expired/);
  });

  it('an unreachable token endpoint: exit 6, nothing stored changes, and the session works once it is back', async () => {
    const t = setup(plain);
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const before = (await t.session())!;
    t.write({ loginUrl: DEAD.slice(0, -1) });
    offset.ms = 61 * MIN;
    const r = await t.run(['credentials'], 61 * MIN);
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(`authapi: cannot reach ${DEAD}oauth2/token: ECONNREFUSED — check the network and the profile's loginUrl\n`);
    expect(await t.session()).toEqual(before);
    t.write({});
    expect((await t.run(['credentials'], 61 * MIN)).code).toBe(0);
  });

  it('a profile that lost its loginUrl says where the session is refreshed (exit 2)', async () => {
    const t = setup(plain);
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const { loginUrl: _dropped, ...rest } = t.base;
    writeProfilesRaw(t.dir, rest);
    offset.ms = 61 * MIN;
    const r = await t.run(['credentials'], 61 * MIN);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/signed in through the browser but has no loginUrl/);
  });
});

describe('logout after a browser sign-in (real binary, emulator)', () => {
  it('a revoke that cannot reach /oauth2/revoke: the session is wiped all the same, exit 6, and it says so', async () => {
    const t = setup(plain);
    expect((await t.run(['login', '--browser'])).code).toBe(0);
    const token = (await t.session())!.user!.tokens.refreshToken;
    t.write({ loginUrl: DEAD.slice(0, -1), endpoints: { ...t.base.endpoints, cognitoIdp: DEAD } });
    const r = await t.run(['logout']);
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(`warning: profile local: local session wiped, but revoking the refresh token failed: cannot reach ${DEAD}oauth2/revoke: ECONNREFUSED — it stays valid on the server until it expires\n`);
    expect(await t.session()).toBeUndefined();
    expect((await t.run(['call', 'require-auth'])).code).toBe(3);
    // Not revoked indeed: the token still refreshes at the endpoint.
    expect((await t.refreshAt(token)).status).toBe(200);
  });
});

function writeProfilesRaw(dir: string, profile: Record<string, unknown>) {
  writeProfiles(dir, { local: profile });
  expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.local.loginUrl).toBeUndefined();
}
