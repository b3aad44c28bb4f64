// Cognito's managed login in the emulator, driven over HTTP as a browser and an app
// would: authorize → /login form → code → /oauth2/token, and every refusal on the way.
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { authorizeUrl, claims, get, manualClock, pkce, post, REDIRECT, txOf } from '../helpers/managed-login.js';

const open: LocalStack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(c = manualClock()) {
  const s = await startLocal({ clock: c });
  open.push(s);
  return s;
}



/** authorize → /login → the password: the code and the session cookie. */
async function signIn(s: LocalStack, extra: Record<string, string> = {}, password = 'demoPASS123') {
  const a = await get(authorizeUrl(s, extra));
  expect(a.status).toBe(302);
  const login = a.headers.get('location')!;
  expect(login).toMatch(/^\/login\?/);
  const page = await get(s.url + login);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<label for="password">');
  const r = await post(`${s.url}/login`, { tx: txOf(html), username: 'demouser', password });
  return { r, tx: txOf(html) };
}

function codeOf(r: Response) {
  const loc = new URL(r.headers.get('location')!);
  expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
  expect(loc.searchParams.get('state')).toBe('st4te');
  return loc.searchParams.get('code')!;
}


describe('authorization code with PKCE', () => {
  test('sign-in, exchange, scopes and nonce in the tokens, one use per code', async () => {
    const c = manualClock();
    const s = await start(c);
    const { verifier, challenge } = pkce();
    const { r } = await signIn(s, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-123', scope: 'openid email nosuch' });
    expect(r.status).toBe(302);
    expect(r.headers.get('set-cookie')).toMatch(/^cognito=[^;]+; Path=\/; HttpOnly/);
    const code = codeOf(r);
    const body = { grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code, redirect_uri: REDIRECT, code_verifier: verifier };
    const t = await post(`${s.url}/oauth2/token`, body);
    expect(t.status).toBe(200);
    const tokens = (await t.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const id = claims(tokens.id_token as string);
    const access = claims(tokens.access_token as string);
    expect(access.scope).toBe('openid email'); // the unknown scope is ignored
    expect(id).toMatchObject({ nonce: 'n-123', aud: s.info.userPoolClientId, 'cognito:username': 'demouser', auth_time: Math.floor(c.now() / 1000) });
    expect(typeof tokens.refresh_token).toBe('string');

    const again = await post(`${s.url}/oauth2/token`, body);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
  });

  test('a wrong code_verifier, a missing one, a different redirect_uri, an expired code', async () => {
    const c = manualClock();
    const s = await start(c);
    const { verifier, challenge } = pkce();
    const pk = { code_challenge: challenge, code_challenge_method: 'S256' };
    const exchange = (code: string, extra: Record<string, string>) =>
      post(`${s.url}/oauth2/token`, { grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code, redirect_uri: REDIRECT, ...extra });
    let code = codeOf((await signIn(s, pk)).r);
    let t = await exchange(code, { code_verifier: pkce().verifier });
    expect([t.status, await t.json()]).toEqual([400, { error: 'invalid_grant' }]);
    // The cookie signs in again silently.
    const cookie = (await signIn(s, pk)).r.headers.get('set-cookie')!.split(';')[0]!;
    const silent = await get(authorizeUrl(s, pk), cookie);
    code = codeOf(silent);
    t = await exchange(code, {});
    expect([t.status, await t.json()]).toEqual([400, { error: 'invalid_grant' }]);
    code = codeOf(await get(authorizeUrl(s, pk), cookie));
    t = await exchange(code, { code_verifier: verifier, redirect_uri: `${REDIRECT}/` });
    expect([t.status, await t.json()]).toEqual([400, { error: 'unauthorized_client' }]);
    code = codeOf(await get(authorizeUrl(s, pk), cookie));
    c.advance(5 * 60_000);
    t = await exchange(code, { code_verifier: verifier });
    expect([t.status, await t.json()]).toEqual([400, { error: 'invalid_grant' }]);
    // Just inside the five minutes it works.
    code = codeOf(await get(authorizeUrl(s, pk), cookie));
    c.advance(5 * 60_000 - 1);
    t = await exchange(code, { code_verifier: verifier });
    expect(t.status).toBe(200);
  });
});

describe('authorize refuses as Cognito does', () => {
  test('an unregistered redirect URI goes to the error page, never to the client', async () => {
    const s = await start();
    for (const uri of ['http://localhost:47801/callback', 'http://127.0.0.1:47801/callback/', 'http://127.0.0.1:9999/callback']) {
      const r = await get(authorizeUrl(s, { redirect_uri: uri }));
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe(`/error?error=redirect_mismatch&client_id=${s.info.userPoolClientId}`);
    }
    const page = await get(`${s.url}/error?error=redirect_mismatch`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('redirect_mismatch');
  });

  test('other problems go back to the redirect URI with error and state', async () => {
    const s = await start();
    const cases: [Record<string, string>, string][] = [
      [{ response_type: '' }, 'invalid_request'],
      [{ code_challenge: 'abc' }, 'invalid_request'],
      [{ code_challenge: 'abc', code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unauthorized_client'],
      [{ scope: 'phone' }, 'invalid_scope'],
      [{ identity_provider: 'Google' }, 'unauthorized_client'],
    ];
    for (const [extra, error] of cases) {
      const r = await get(authorizeUrl(s, extra));
      expect(r.headers.get('location')).toBe(`${REDIRECT}?error=${error}&state=st4te`);
    }
  });
});

describe('the sign-in page applies the pool rules', () => {
  test('a wrong password shows the pool message and the form can be used again', async () => {
    const s = await start();
    const { r, tx } = await signIn(s, {}, 'wrongPASS123');
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('Incorrect username or password.');
    // The same page may be used again.
    const ok = await post(`${s.url}/login`, { tx, username: 'demouser', password: 'demoPASS123' });
    expect(ok.status).toBe(302);
  });

  test('a form whose sign-in expired says so', async () => {
    const s = await start();
    const r = await post(`${s.url}/login`, { tx: 'nope', username: 'demouser', password: 'x' });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('has expired');
  });
});

describe('refresh, userInfo, revoke, logout', () => {
  test('the whole life of a browser sign-in', async () => {
    const c = manualClock();
    const s = await start(c);
    const signedAt = Math.floor(c.now() / 1000);
    const first = await signIn(s);
    const cookie = first.r.headers.get('set-cookie')!.split(';')[0]!;
    const t = (await (await post(`${s.url}/oauth2/token`, { grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code: codeOf(first.r), redirect_uri: REDIRECT })).json()) as Record<string, string>;

    const info = await fetch(`${s.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ sub: claims(t.id_token!).sub, username: 'demouser' });
    const none = await fetch(`${s.url}/oauth2/userInfo`);
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([400, expect.stringContaining('error="invalid_request"')]);

    c.advance(3600_000);
    const refreshed = await post(`${s.url}/oauth2/token`, { grant_type: 'refresh_token', client_id: s.info.userPoolClientId, refresh_token: t.refresh_token! });
    expect(refreshed.status).toBe(200);
    const r2 = (await refreshed.json()) as Record<string, string>;
    expect(r2.refresh_token).toBeUndefined();
    // No scope asked for: every scope the client allows, the resource server's included.
    expect(claims(r2.access_token!)).toMatchObject({ scope: 'openid email profile aws.cognito.signin.user.admin authapi/admin', auth_time: signedAt });
    expect(claims(r2.id_token!).auth_time).toBe(signedAt);

    const rev = await post(`${s.url}/oauth2/revoke`, { token: t.refresh_token!, client_id: s.info.userPoolClientId });
    expect([rev.status, await rev.text()]).toEqual([200, '']);
    expect((await post(`${s.url}/oauth2/revoke`, { token: 'junk', client_id: s.info.userPoolClientId })).status).toBe(200);
    expect((await post(`${s.url}/oauth2/revoke`, { token: 'junk', client_id: 'nosuchclient' })).status).toBe(401);
    const after = await post(`${s.url}/oauth2/token`, { grant_type: 'refresh_token', client_id: s.info.userPoolClientId, refresh_token: t.refresh_token! });
    expect([after.status, await after.json()]).toEqual([400, { error: 'invalid_grant' }]);
    const info2 = await fetch(`${s.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${r2.access_token}` } });
    expect(info2.status).toBe(401);

    const out = await get(`${s.url}/logout?client_id=${s.info.userPoolClientId}&logout_uri=${encodeURIComponent('http://127.0.0.1:47801/logged-out')}`, cookie);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('http://127.0.0.1:47801/logged-out');
    expect(out.headers.get('set-cookie')).toMatch(/^cognito=; .*Max-Age=0/);
    const bad = await get(`${s.url}/logout?client_id=${s.info.userPoolClientId}&logout_uri=${encodeURIComponent('http://127.0.0.1:1/x')}`);
    expect(bad.headers.get('location')).toMatch(/^\/error\?error=redirect_mismatch/);
    // After logout the cookie no longer signs in.
    const again = await get(authorizeUrl(s), cookie);
    expect(again.headers.get('location')).toMatch(/^\/login\?/);
  });

  test('token endpoint errors and the discovery document', async () => {
    const s = await start();
    const tok = (b: Record<string, string>) => post(`${s.url}/oauth2/token`, b);
    expect(await (await tok({ client_id: s.info.userPoolClientId })).json()).toEqual({ error: 'invalid_request' });
    expect(await (await tok({ grant_type: 'password', client_id: s.info.userPoolClientId })).json()).toEqual({ error: 'unsupported_grant_type' });
    expect(await (await tok({ grant_type: 'authorization_code', client_id: 'nosuch' })).json()).toEqual({ error: 'invalid_client' });
    expect(await (await tok({ grant_type: 'client_credentials', client_id: s.info.userPoolClientId })).json()).toEqual({ error: 'unauthorized_client' });
    const d = (await (await fetch(`${s.url}/${s.info.userPoolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(d).toMatchObject({ issuer: `https://cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}`, token_endpoint: `${s.url}/oauth2/token`, end_session_endpoint: `${s.url}/logout` });
  });
});

describe('a confidential client', () => {
  test('the token endpoint takes client_secret_basic or client_secret_post, and refuses a wrong secret', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../../helpers/cli.js');
    const file = join(tempDir('authapi-oauth-tpl-'), 'template.yaml');
    // The template beside the real one, so its handler files resolve (CodeUri).
    const real = join(process.cwd(), 'infra', 'template.yaml');
    writeFileSync(file, readFileSync(real, 'utf8').replace('GenerateSecret: false', 'GenerateSecret: true').replace('CodeUri: functions/', `CodeUri: ${join(process.cwd(), 'infra', 'functions')}/`));
    const s = await startLocal({ templatePath: file });
    open.push(s);
    const secret = s.info.clientSecret!;
    expect(secret).toBeTruthy();
    const { verifier, challenge } = pkce();
    const { r } = await signIn(s, { code_challenge: challenge, code_challenge_method: 'S256' });
    const code = codeOf(r);
    const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    const basic = (id: string, sec: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${sec}`).toString('base64')}` });
    const wrong = await post(`${s.url}/oauth2/token`, body, basic(s.info.userPoolClientId, 'nope'));
    expect([wrong.status, await wrong.json()]).toEqual([400, { error: 'invalid_client' }]);
    const none = await post(`${s.url}/oauth2/token`, { ...body, client_id: s.info.userPoolClientId });
    expect(await none.json()).toEqual({ error: 'invalid_client' });
    const ok = await post(`${s.url}/oauth2/token`, body, basic(s.info.userPoolClientId, secret));
    expect(ok.status).toBe(200);
    const t = (await ok.json()) as Record<string, string>;
    // Refresh with client_secret_post: the pool's SECRET_HASH is computed for the user.
    const refreshed = await post(`${s.url}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: t.refresh_token!, client_id: s.info.userPoolClientId, client_secret: secret });
    expect(refreshed.status).toBe(200);
  });

  test('client_credentials: custom scopes only, for a client that allows it', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../../helpers/cli.js');
    const file = join(tempDir('authapi-oauth-tpl-'), 'template.yaml');
    const server = `  Orders:\n    Type: AWS::Cognito::UserPoolResourceServer\n    Properties:\n      UserPoolId: !Ref UserPool\n      Identifier: orders\n      Name: orders\n      Scopes:\n        - ScopeName: read\n          ScopeDescription: read\n        - ScopeName: write\n          ScopeDescription: write\n\n  MachineClient:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n      UserPoolId: !Ref UserPool\n      GenerateSecret: true\n      AllowedOAuthFlowsUserPoolClient: true\n      AllowedOAuthFlows: [client_credentials]\n      AllowedOAuthScopes: [orders/read]\n\n  UserPoolSmsRole:`;
    writeFileSync(file, readFileSync(join(process.cwd(), 'infra', 'template.yaml'), 'utf8').replace('  UserPoolSmsRole:', server).replace('CodeUri: functions/', `CodeUri: ${join(process.cwd(), 'infra', 'functions')}/`));
    const s = await startLocal({ templatePath: file });
    open.push(s);
    const m2m = s.stack.userPools[0]!.clients.find((c) => c.logicalId === 'MachineClient')!;
    const auth = { authorization: `Basic ${Buffer.from(`${m2m.clientId}:${m2m.clientSecret}`).toString('base64')}` };
    const ok = await post(`${s.url}/oauth2/token`, { grant_type: 'client_credentials' }, auth);
    expect(ok.status).toBe(200);
    const t = (await ok.json()) as Record<string, string>;
    expect(t.id_token).toBeUndefined();
    expect(t.refresh_token).toBeUndefined();
    expect(claims(t.access_token!)).toMatchObject({ sub: m2m.clientId, client_id: m2m.clientId, scope: 'orders/read', token_use: 'access' });
    const bad = await post(`${s.url}/oauth2/token`, { grant_type: 'client_credentials', scope: 'orders/write' }, auth);
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'invalid_scope' }]);
    const code = await post(`${s.url}/oauth2/token`, { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT }, auth);
    expect(await code.json()).toEqual({ error: 'unauthorized_client' });
  });
});

describe('MFA on the sign-in page', () => {
  test('an SMS user gets the code page; a wrong code keeps the page, the right one signs in', async () => {
    const { AdminSetUserMFAPreferenceCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const lines: string[] = [];
    const s = await startLocal({ log: (l) => lines.push(l) });
    open.push(s);
    const idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: s.url, credentials: s.adminCredentials });
    await idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: s.info.userPoolId, Username: 'demouser', UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }] }));
    await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: s.info.userPoolId, Username: 'demouser', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    idp.destroy();
    const { r, tx } = await signIn(s);
    expect(r.status).toBe(200);
    const page = await r.text();
    expect(page).toContain('We have sent a code by SMS to +*******0123');
    expect(page).toContain('autocomplete="one-time-code"');
    const code = /code (\d{6})/.exec(lines.find((l) => l.startsWith('SMS to'))!)![1]!;
    const wrong = await post(`${s.url}/login`, { tx, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/id="error">Invalid code/);
    const ok = await post(`${s.url}/login`, { tx, code });
    expect(ok.status).toBe(302);
    codeOf(ok);
  });
});
