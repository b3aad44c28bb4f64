// Federated sign-in through the stand-in OIDC provider, over the emulator's real HTTP
// server as a browser and an app would drive it: authorize?identity_provider → the
// provider's page → /oauth2/idpresponse → the app's code → /oauth2/token, then the
// Identity Pool. And the provider answers Cognito must refuse.
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { authorizeUrl, claims, get, manualClock, pkce, post, REDIRECT, txOf } from '../helpers/managed-login.js';
import { tempDir } from '../../helpers/cli.js';

const ISSUER = 'https://idp.example.test';
const ON = { FederatedOidcIssuer: ISSUER, FederatedOidcClientId: 'pool-at-idp', FederatedOidcClientSecret: 'idp-s3cret' };
const open: LocalStack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const logged: string[] = [];
async function start(c = manualClock(), parameterOverrides: Record<string, string> = ON) {
  const s = await startLocal({ clock: c, parameterOverrides, log: (l) => logged.push(l) });
  open.push(s);
  return s;
}

const abs = (s: LocalStack, location: string) => new URL(location, s.url).toString();

/** authorize?identity_provider=Corporate: where the browser is sent (the provider's authorize URL). */
async function toProvider(s: LocalStack, extra: Record<string, string> = {}) {
  const a = await get(authorizeUrl(s, { identity_provider: 'Corporate', ...extra }));
  expect(a.status).toBe(302);
  return new URL(a.headers.get('location')!);
}

/** The provider's page, its form posted: where the provider sends the browser back. */
async function providerSignIn(providerAuthorize: URL, username = 'demouser', password = 'demoPASS123') {
  const page = await get(providerAuthorize.toString());
  expect(page.status).toBe(200);
  const html = await page.text();
  const r = await post(providerAuthorize.toString(), { tx: txOf(html), username, password });
  return { r, html };
}

/** The whole browser part: the app's redirect (code or error). */
async function federatedSignIn(s: LocalStack, extra: Record<string, string> = {}) {
  const { r } = await providerSignIn(await toProvider(s, extra));
  expect(r.status).toBe(302);
  const back = r.headers.get('location')!;
  expect(back.startsWith(`${s.url}/oauth2/idpresponse?`)).toBe(true);
  return get(back);
}

function codeOf(r: Response) {
  expect(r.status).toBe(302);
  const loc = new URL(r.headers.get('location')!);
  expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
  expect(loc.searchParams.get('state')).toBe('st4te');
  expect(loc.searchParams.get('error')).toBeNull();
  return loc.searchParams.get('code')!;
}

async function exchange(s: LocalStack, code: string, verifier: string) {
  const t = await post(`${s.url}/oauth2/token`, { grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(t.status).toBe(200);
  return (await t.json()) as { id_token: string; access_token: string; refresh_token: string };
}

function federatedUsers(s: LocalStack) {
  return Object.values(s.idp.snapshot().pools[s.info.userPoolId]!.users).filter((u) => u.status === 'EXTERNAL_PROVIDER');
}

async function identityPoolCredentials(s: LocalStack, idToken: string) {
  const call = async (op: string, body: unknown) => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'x-amz-target': `AWSCognitoIdentityService.${op}`, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const logins = { [`cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}`]: idToken };
  const id = await call('GetId', { IdentityPoolId: s.info.identityPoolId, Logins: logins });
  expect(id.status).toBe(200);
  return call('GetCredentialsForIdentity', { IdentityId: id.body.IdentityId, Logins: logins });
}

describe('federated sign-in through the stand-in OIDC provider', () => {
  test('end to end: provider page, idpresponse, the app code, the federated user and its tokens, the Identity Pool', async () => {
    const c = manualClock();
    const s = await start(c);
    const { verifier, challenge } = pkce();
    const toIdp = await toProvider(s, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'app-nonce', scope: 'openid email profile' });
    // Cognito's own request to the provider: its registration, its redirect URI, its own state and nonce.
    expect(`${toIdp.origin}${toIdp.pathname}`).toBe(`${s.url}/oidc-idp/Corporate/authorize`);
    expect(Object.fromEntries(toIdp.searchParams)).toMatchObject({ client_id: 'pool-at-idp', redirect_uri: `${s.url}/oauth2/idpresponse`, response_type: 'code', scope: 'openid email profile' });
    expect(toIdp.searchParams.get('state')).not.toBe('st4te');
    expect(toIdp.searchParams.get('nonce')).not.toBe('app-nonce');

    // The provider's page lists its users; a wrong password stays there.
    const { r: wrong, html } = await providerSignIn(toIdp, 'demouser', 'nope');
    expect(html).toContain('<code>demouser</code>');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong username or password.');

    const { r } = await providerSignIn(toIdp);
    const back = new URL(r.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe(toIdp.searchParams.get('state'));
    const done = await get(back.toString());
    expect(done.headers.get('set-cookie')).toMatch(/^cognito=[^;]+; Path=\/; HttpOnly/);
    const tokens = await exchange(s, codeOf(done), verifier);

    const [user] = federatedUsers(s);
    const providerSub = JSON.parse(user!.attributes.identities!)[0].userId as string;
    expect(user!.username).toBe(`Corporate_${providerSub}`);
    expect(JSON.parse(user!.attributes.identities!)).toEqual([{ providerName: 'Corporate', providerType: 'OIDC', issuer: null, userId: providerSub, primary: true, dateCreated: c.now() }]);
    expect(user!.attributes).toMatchObject({ email: 'demouser@example.com', email_verified: 'true', name: 'demouser' });

    const id = claims(tokens.id_token);
    expect(id).toMatchObject({
      'cognito:username': `Corporate_${providerSub}`,
      'cognito:groups': [`${s.info.userPoolId}_Corporate`],
      identities: [{ userId: providerSub, providerName: 'Corporate', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: String(c.now()) }],
      email: 'demouser@example.com', email_verified: true, name: 'demouser',
      nonce: 'app-nonce', aud: s.info.userPoolClientId, iss: `https://cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}`,
      token_use: 'id', auth_time: Math.floor(c.now() / 1000),
    });
    expect(id.sub).toBe(user!.sub);
    expect(id.sub).not.toBe(providerSub);
    expect(claims(tokens.access_token)).toMatchObject({
      username: `Corporate_${providerSub}`, 'cognito:groups': [`${s.info.userPoolId}_Corporate`], scope: 'openid email profile', token_use: 'access',
    });

    // The Identity Pool trades the federated user's ID token like any other.
    const creds = await identityPoolCredentials(s, tokens.id_token);
    expect(creds.status).toBe(200);
    expect(creds.body.Credentials).toMatchObject({ AccessKeyId: expect.any(String) });

    // Refresh keeps the federated user.
    const refreshed = await post(`${s.url}/oauth2/token`, { grant_type: 'refresh_token', client_id: s.info.userPoolClientId, refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(claims(((await refreshed.json()) as { id_token: string }).id_token)).toMatchObject({ 'cognito:username': `Corporate_${providerSub}` });

    // A federated user has no password: the pool's own form refuses its name.
    const login = await get(abs(s, (await get(authorizeUrl(s))).headers.get('location')!));
    const pw = await post(`${s.url}/login`, { tx: txOf(await login.text()), username: `Corporate_${providerSub}`, password: 'demoPASS123' });
    expect(pw.status).toBe(400);
    expect(await pw.text()).toContain('Incorrect username or password.');
  });

  test('a second sign-in of the same user updates the pool user rather than adding one; the cookie signs in silently', async () => {
    const c = manualClock();
    const s = await start(c);
    const first = await federatedSignIn(s);
    const { verifier, challenge } = pkce();
    codeOf(first);
    const [before] = federatedUsers(s);
    const created = before!.createdAt;

    c.advance(60_000);
    const second = await federatedSignIn(s, { code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = await exchange(s, codeOf(second), verifier);
    const users = federatedUsers(s);
    expect(users).toHaveLength(1);
    expect(users[0]!.sub).toBe(before!.sub);
    expect(users[0]!.createdAt).toBe(created);
    expect(users[0]!.updatedAt).toBe(c.now());
    expect(users[0]!.groups).toEqual([`${s.info.userPoolId}_Corporate`]);
    expect(JSON.parse(users[0]!.attributes.identities!)[0].dateCreated).toBe(created);
    expect(claims(tokens.id_token).auth_time).toBe(Math.floor(c.now() / 1000));

    // The managed-login cookie of the federated sign-in: a plain authorize signs in silently as that user.
    const cookie = second.headers.get('set-cookie')!.split(';')[0]!;
    const silent = await get(authorizeUrl(s, { code_challenge: challenge, code_challenge_method: 'S256' }), cookie);
    const again = await exchange(s, codeOf(silent), verifier);
    expect(claims(again.id_token)['cognito:username']).toBe(users[0]!.username);
  });

  test('after an emulator restart (state dir) the same provider user is the same pool user', async () => {
    const stateDir = tempDir('authapi-federation-');
    const first = await startLocal({ stateDir, parameterOverrides: ON });
    open.push(first);
    codeOf(await federatedSignIn(first));
    const [before] = federatedUsers(first);
    await first.close();
    const second = await startLocal({ stateDir, parameterOverrides: ON });
    open.push(second);
    const { verifier, challenge } = pkce();
    const tokens = await exchange(second, codeOf(await federatedSignIn(second, { code_challenge: challenge, code_challenge_method: 'S256' })), verifier);
    expect(federatedUsers(second).map((u) => [u.username, u.sub])).toEqual([[before!.username, before!.sub]]);
    expect(claims(tokens.id_token)).toMatchObject({ sub: before!.sub, 'cognito:groups': [`${second.info.userPoolId}_Corporate`] });
  });

  test('a forged or replayed state at idpresponse is refused; so is a sign-in older than five minutes', async () => {
    const c = manualClock();
    const s = await start(c);
    const forged = await get(`${s.url}/oauth2/idpresponse?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Something went wrong');

    const { r } = await providerSignIn(await toProvider(s));
    const back = r.headers.get('location')!;
    codeOf(await get(back));
    const replay = await get(back);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Something went wrong');

    const late = await providerSignIn(await toProvider(s));
    c.advance(5 * 60_000);
    const expired = await get(late.r.headers.get('location')!);
    expect(expired.status).toBe(400);
    expect(federatedUsers(s)).toHaveLength(1);
  });

  test('a provider code minted for another nonce (code injection) is refused: an error to the app, no user', async () => {
    const s = await start();
    const cognitos = await toProvider(s);
    // The attacker's own authorize at the provider, with Cognito's state but not its nonce.
    const attacker = new URL(cognitos);
    attacker.searchParams.set('nonce', 'attacker-nonce');
    const { r } = await providerSignIn(attacker);
    const res = await get(r.headers.get('location')!);
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: 'invalid_request', error_description: 'Bad id_token nonce', state: 'st4te' });
    expect(federatedUsers(s)).toHaveLength(0);
  });

  test('the provider refusing (access_denied) reaches the app as an error; a code it never issued fails the exchange', async () => {
    const s = await start();
    const toIdp = await toProvider(s);
    const state = toIdp.searchParams.get('state')!;
    const denied = await get(`${s.url}/oauth2/idpresponse?error=access_denied&state=${state}`);
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');

    const again = await toProvider(s);
    const bogus = await get(`${s.url}/oauth2/idpresponse?code=never-issued&state=${again.searchParams.get('state')}`);
    const loc = new URL(bogus.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('error_description')).toBe('Corporate refused the code exchange');
    expect(federatedUsers(s)).toHaveLength(0);
  });

  test('the sign-in page offers the provider when the client supports it, and only then', async () => {
    const s = await start();
    const login = await get(abs(s, (await get(authorizeUrl(s, { nonce: 'n1' }))).headers.get('location')!));
    const html = await login.text();
    const href = /id="idp-Corporate" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const viaButton = new URL(href, s.url);
    expect(viaButton.searchParams.get('identity_provider')).toBe('Corporate');
    expect(viaButton.searchParams.get('nonce')).toBe('n1');
    const toIdp = await get(viaButton.toString());
    expect(new URL(toIdp.headers.get('location')!).pathname).toBe('/oidc-idp/Corporate/authorize');

    const plain = await start(manualClock(), {});
    const page = await (await get(abs(plain, (await get(authorizeUrl(plain))).headers.get('location')!))).text();
    expect(page).not.toContain('Sign in with Corporate');
    const refused = await get(authorizeUrl(plain, { identity_provider: 'Corporate' }));
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('unauthorized_client');
    expect((await get(`${plain.url}/oidc-idp/Corporate/.well-known/openid-configuration`)).status).toBe(404);
  });

  test("the provider's discovery document and its refusals of a wrong client or redirect URI", async () => {
    const s = await start();
    expect(logged).toContain(`identity provider Corporate: a stand-in OIDC provider at ${s.url}/oidc-idp/Corporate (issuer ${ISSUER}; its users: demouser)`);
    const doc = (await (await get(`${s.url}/oidc-idp/Corporate/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: ISSUER, authorization_endpoint: `${s.url}/oidc-idp/Corporate/authorize`, jwks_uri: `${s.url}/oidc-idp/Corporate/jwks.json` });
    const toIdp = await toProvider(s);
    const wrongClient = new URL(toIdp);
    wrongClient.searchParams.set('client_id', 'someone-else');
    expect((await get(wrongClient.toString())).status).toBe(400);
    const wrongRedirect = new URL(toIdp);
    wrongRedirect.searchParams.set('redirect_uri', 'http://127.0.0.1:1/steal');
    const res = await get(wrongRedirect.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const token = await post(`${s.url}/oidc-idp/Corporate/token`, { grant_type: 'authorization_code', code: 'x', client_id: 'pool-at-idp', client_secret: 'wrong' });
    expect([token.status, await token.json()]).toEqual([401, { error: 'invalid_client' }]);
  });
});
