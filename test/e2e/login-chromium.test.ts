// The real-browser proof: `authapi login --browser` (the built binary) with
// BROWSER pointing at test/helpers/oauth-chromium.mjs, which drives Debian's chromium
// through the emulator's managed-login pages with JavaScript off and the keyboard
// only: a password user, a user who must set a new password, a TOTP user. Each time
// authapi must finish and `call require-auth` must succeed with the stored session.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AssociateSoftwareTokenCommand, CognitoIdentityProviderClient, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { totpCode } from '../../src/local/cognito-idp/totp.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { ROOT, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { freeLoopbackPort } from '../helpers/oauth-free-port.js';
import { srpLogin } from '../local/srp-login.js';

const CHROMIUM = process.env.OAUTH_CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCHER = join(ROOT, 'test', 'helpers', 'oauth-chromium.mjs');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for this test`);


let stack: LocalStack;
/** How far the emulator's clock runs ahead (0 but for the refresh an hour later). */
const offset = { ms: 0 };
let callbackUrls: string[];
let totpSecret: string;

beforeAll(async () => {
  if (!haveChromium) return;
  callbackUrls = [`http://127.0.0.1:${await freeLoopbackPort()}/callback`];
  stack = await startLocal({
    parameterOverrides: {
      LoginCallbackUrls: callbackUrls.join(','), LoginLogoutUrls: callbackUrls[0]!.replace('callback', 'logged-out'),
      // The template's optional OIDC provider, served by the emulator's stand-in.
      FederatedOidcIssuer: 'https://idp.example.test', FederatedOidcClientId: 'pool-at-idp', FederatedOidcClientSecret: 'idp-s3cret',
    },
    clock: { now: () => Date.now() + offset.ms },
  });
  const idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: stack.url, credentials: stack.adminCredentials });
  const pool = stack.info.userPoolId;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: 'newbie', TemporaryPassword: 'TempPASS123', MessageAction: 'SUPPRESS' }));
  stack.idp.seedUser(pool, 'totpuser', 'totpPASS123');
  stack.idp.seedUser(pool, 'lockme', 'lockPASS123');
  const { accessToken } = await srpLogin(stack.info, 'totpuser', 'totpPASS123');
  totpSecret = (await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))).SecretCode!;
  await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(totpSecret, Date.now()) }));
  await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool, Username: 'totpuser', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  idp.destroy();
}, 60_000);
afterAll(async () => stack?.close());

async function waitForDone(file: string): Promise<Record<string, unknown>[]> {
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
  // The launcher runs detached from authapi; its last line says chromium is closed.
  for (let i = 0; i < 600 && !read().some((e) => e.done); i++) await new Promise((r) => setTimeout(r, 50));
  return read();
}

async function browserLogin(user: Record<string, string>, timeoutSeconds = '60', extraArgs: string[] = []) {
  const dir = tempDir('authapi-chromium-');
  writeProfiles(dir, { local: { ...profileFromLocalInfo(stack.info), loginCallbackUrls: callbackUrls } });
  const log = join(dir, 'chromium.log');
  const env = {
    AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', AUTHAPI_STORE: 'file',
    BROWSER: `'${process.execPath}' '${LAUNCHER}' %s`, OAUTH_CHROMIUM_LOG: log, OAUTH_CHROMIUM_PATH: CHROMIUM, ...user,
  };
  const login = await runBinary(['login', '--browser', '--timeout', timeoutSeconds, ...extraArgs], { env });
  const pages = await waitForDone(log);
  const call = login.code === 0 ? await runBinary(['call', 'require-auth'], { env }) : undefined;
  return { login, pages, call, dir, env };
}

describe.skipIf(!haveChromium)(`login --browser in a real chromium (${CHROMIUM}), JavaScript off, keyboard only`, () => {
  it('a password user', async () => {
    const { login, pages, call } = await browserLogin({ OAUTH_CHROMIUM_USER: 'demouser', OAUTH_CHROMIUM_PASSWORD: 'demoPASS123' });
    expect(pages.map((p) => p.title ?? p.result).filter(Boolean)).toEqual(['Sign in', 'authapi: Signed in', 'Signed in']);
    expect(login.stderr).toMatch(/logged in as demouser \(profile local\) through the browser/);
    expect(login.code).toBe(0);
    expect(call!.code).toBe(0);
  }, 60_000);

  it('an hour after a browser sign-in: the session refreshes at the token endpoint, and call require-auth works', async () => {
    const { login, dir, env } = await browserLogin({ OAUTH_CHROMIUM_USER: 'demouser', OAUTH_CHROMIUM_PASSWORD: 'demoPASS123' });
    expect(login.code).toBe(0);
    // The User Pool API is out of reach from here on: only the token endpoint can refresh.
    writeProfiles(dir, { local: { ...profileFromLocalInfo(stack.info), loginCallbackUrls: callbackUrls, endpoints: { ...profileFromLocalInfo(stack.info).endpoints, cognitoIdp: 'http://127.0.0.1:1/' } } });
    const preload = pathToFileURL(resolve(ROOT, 'test', 'e2e', 'helpers', 'shift-clock.mjs')).href;
    offset.ms = 61 * 60_000;
    try {
      const call = await runBinary(['call', 'require-auth', '--verbose'], { env: { ...env, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(offset.ms) }, execArgv: ['--import', preload] });
      expect(call.stderr).toContain('browser sign-in: token endpoint');
      expect(call.code).toBe(0);
    } finally {
      offset.ms = 0;
    }
  }, 60_000);

  it('a user who must set a new password', async () => {
    const { login, pages, call } = await browserLogin({ OAUTH_CHROMIUM_USER: 'newbie', OAUTH_CHROMIUM_PASSWORD: 'TempPASS123', OAUTH_CHROMIUM_NEW_PASSWORD: 'FreshPASS456' });
    expect(pages.map((p) => p.title ?? p.result).filter(Boolean)).toEqual(['Sign in', 'Change password', 'authapi: Signed in', 'Signed in']);
    expect(login.code).toBe(0);
    expect(call!.code).toBe(0);
    // The new password is the user's now (SRP with it works).
    await expect(srpLogin(stack.info, 'newbie', 'FreshPASS456')).resolves.toHaveProperty('idToken');
  }, 60_000);

  it('a TOTP user', async () => {
    const { login, pages, call } = await browserLogin({ OAUTH_CHROMIUM_USER: 'totpuser', OAUTH_CHROMIUM_PASSWORD: 'totpPASS123', OAUTH_CHROMIUM_TOTP_SECRET: totpSecret });
    expect(pages.map((p) => p.title ?? p.result).filter(Boolean)).toEqual(['Sign in', 'Verify', 'authapi: Signed in', 'Signed in']);
    expect(login.code).toBe(0);
    expect(call!.code).toBe(0);
  }, 60_000);

  it('a federated user, through the stand-in OIDC provider\'s page (--idp Corporate)', async () => {
    const { login, pages, call } = await browserLogin({ OAUTH_CHROMIUM_USER: 'demouser', OAUTH_CHROMIUM_PASSWORD: 'demoPASS123' }, '60', ['--idp', 'Corporate']);
    expect(pages.map((p) => p.title ?? p.result).filter(Boolean)).toEqual(['Corporate sign-in', 'authapi: Signed in', 'Signed in']);
    expect(login.stderr).toMatch(/logged in as Corporate_[0-9a-f-]{36} \(profile local\) through the browser/);
    expect(login.code).toBe(0);
    // The Identity Pool trades the federated user's ID token like any other.
    expect(call!.code).toBe(0);
  }, 60_000);

  it('a wrong password shows the pool message in the page; authapi keeps waiting and times out', async () => {
    const { login, pages } = await browserLogin({ OAUTH_CHROMIUM_USER: 'lockme', OAUTH_CHROMIUM_PASSWORD: 'wrongPASS1' }, '2');
    expect(pages).toContainEqual(expect.objectContaining({ title: 'Sign in', alert: 'Incorrect username or password.' }));
    expect(login.code).toBe(3);
    expect(login.stderr).toMatch(/no answer from the browser within 2 s/);
  }, 120_000);
});
