// Tokens: claims and lifetimes, refresh, revocation, global sign-out, GetUser, and
// persistence through snapshot() → a new service.
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand, RevokeTokenCommand, type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '../../../src/shared/srp-constants.js';
import {
  CLIENT_ID, LEGACY_CLIENT_ID, POOL, SECRET_CLIENT_ID, TestClock, clientModel, expectCognitoError, poolModel, rawCall,
  startHarness, type Harness,
} from './helpers/fixture.js';
import { srpLogin } from './helpers/srp-client.js';

const SECRET = POOL.clients.find((c) => c.clientId === SECRET_CLIENT_ID)!.clientSecret!;
let h: Harness;
let h2: Harness | undefined;
afterEach(async () => {
  await h.close();
  await h2?.close();
  h2 = undefined;
});

async function setup(pools = [POOL]) {
  h = await startHarness({ pools, clock: new TestClock(Date.UTC(2026, 5, 15, 12, 0, 0)) });
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123', { email: 'demo@example.com', email_verified: 'true', phone_number: '+15555550100' });
}

async function signIn(clientId = CLIENT_ID, harness = h, clientSecret?: string): Promise<AuthenticationResultType> {
  const out = await srpLogin({ sdk: harness.sdk, poolId: POOL.id, clientId, clientSecret, username: 'demouser', password: 'demoPASS123', nowMs: harness.clock.now() });
  return out.AuthenticationResult!;
}

const refresh = (token: string, clientId = CLIENT_ID, harness = h, extra: Record<string, string> = {}) =>
  harness.sdk.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: token, ...extra } }));

describe('token claims', () => {
  it('carries Cognito\'s claims and the client\'s lifetimes', async () => {
    const client = clientModel({ idTokenValiditySeconds: 900, accessTokenValiditySeconds: 300 });
    await setup([poolModel({ clients: [client] })]);
    const tokens = await signIn();
    expect(tokens.ExpiresIn).toBe(300);
    const jwks = createLocalJWKSet(h.service.jwks(POOL.id) as any);
    const id = await jwtVerify(tokens.IdToken!, jwks, { currentDate: new Date(h.clock.now()) });
    const access = await jwtVerify(tokens.AccessToken!, jwks, { currentDate: new Date(h.clock.now()) });
    const now = h.clock.now() / 1000;
    expect(id.payload).toMatchObject({
      iss: POOL.issuer, aud: CLIENT_ID, token_use: 'id', 'cognito:username': 'demouser', auth_time: now, iat: now, exp: now + 900,
      email: 'demo@example.com', email_verified: true, phone_number: '+15555550100',
    });
    expect(Object.keys(access.payload).sort()).toEqual(
      ['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username'],
    );
    expect(access.payload).toMatchObject({ exp: now + 300, iat: now, client_id: CLIENT_ID });
    expect(id.payload.event_id).toBe(access.payload.event_id);
    expect(id.payload.jti).not.toBe(access.payload.jti);
    for (const t of [tokens.IdToken!, tokens.AccessToken!]) {
      const header = decodeProtectedHeader(t);
      expect(header.alg).toBe('RS256');
      expect(header.kid).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    const set = h.service.jwks(POOL.id)!.keys as Record<string, string>[];
    expect(set).toHaveLength(2);
    expect(set[0]).toMatchObject({ alg: 'RS256', kty: 'RSA', e: 'AQAB', use: 'sig' });
    expect(set[0]).not.toHaveProperty('d');
    expect(h.service.jwks('us-east-1_nosuch')).toBeUndefined();
  });

  it('refresh keeps auth_time and origin_jti, renews jti, returns no refresh token', async () => {
    await setup();
    const tokens = await signIn();
    h.clock.advance(600_000);
    const out = await refresh(tokens.RefreshToken!);
    expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
    const before = decodeJwt(tokens.AccessToken!);
    const after = decodeJwt(out.AuthenticationResult!.AccessToken!);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.origin_jti).toBe(before.origin_jti);
    expect(after.jti).not.toBe(before.jti);
    expect(after.iat).toBe(before.iat! + 600);
  });
});

describe('refresh token refusals', () => {
  it('unknown, other client, expired', async () => {
    await setup();
    const tokens = await signIn();
    await expectCognitoError(refresh('garbage'), 'NotAuthorizedException', 'Invalid Refresh Token.');
    await expectCognitoError(refresh(tokens.RefreshToken!, LEGACY_CLIENT_ID), 'NotAuthorizedException', 'Invalid Refresh Token.');
    h.clock.advance(30 * 86_400_000);
    await expectCognitoError(refresh(tokens.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has expired');
  });

  it('revoked by RevokeToken, which also revokes its access tokens', async () => {
    await setup();
    const tokens = await signIn();
    const other = await signIn();
    await h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: CLIENT_ID }));
    await expectCognitoError(refresh(tokens.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })), 'NotAuthorizedException', 'Access Token has been revoked');
    // Another sign-in's tokens are untouched.
    expect((await refresh(other.RefreshToken!)).AuthenticationResult).toBeDefined();
    // Revoking twice or revoking garbage is not an error (RFC 7009).
    await h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: CLIENT_ID }));
    await h.sdk.send(new RevokeTokenCommand({ Token: 'garbage', ClientId: CLIENT_ID }));
  });

  it('revoked by GlobalSignOut, everywhere', async () => {
    await setup();
    const a = await signIn();
    const b = await signIn();
    await h.sdk.send(new GlobalSignOutCommand({ AccessToken: a.AccessToken! }));
    for (const t of [a, b]) {
      await expectCognitoError(refresh(t.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
      await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: t.AccessToken! })), 'NotAuthorizedException', 'Access Token has been revoked');
    }
    expect((await signIn()).AccessToken).toBeDefined();
  });

  it('with a client secret: the hash is over the internal username', async () => {
    await setup();
    const tokens = await signIn(SECRET_CLIENT_ID, h, SECRET);
    await expectCognitoError(refresh(tokens.RefreshToken!, SECRET_CLIENT_ID), 'NotAuthorizedException',
      `Client ${SECRET_CLIENT_ID} is configured for secret but secret was not received`);
    await expectCognitoError(refresh(tokens.RefreshToken!, SECRET_CLIENT_ID, h, { SECRET_HASH: secretHash(SECRET, 'someone', SECRET_CLIENT_ID) }),
      'NotAuthorizedException', `Unable to verify secret hash for client ${SECRET_CLIENT_ID}`);
    const ok = await refresh(tokens.RefreshToken!, SECRET_CLIENT_ID, h, { SECRET_HASH: secretHash(SECRET, 'demouser', SECRET_CLIENT_ID) });
    expect(ok.AuthenticationResult?.IdToken).toBeDefined();
  });
});

describe('RevokeToken refusals', () => {
  it('needs the client secret of a confidential client', async () => {
    await setup();
    const tokens = await signIn(SECRET_CLIENT_ID, h, SECRET);
    await expectCognitoError(h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: SECRET_CLIENT_ID })),
      'UnauthorizedException', `Unable to verify secret for client ${SECRET_CLIENT_ID}`);
    await expectCognitoError(h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: SECRET_CLIENT_ID, ClientSecret: 'wrong' })),
      'UnauthorizedException', `Unable to verify secret for client ${SECRET_CLIENT_ID}`);
    await h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: SECRET_CLIENT_ID, ClientSecret: SECRET }));
    await expectCognitoError(refresh(tokens.RefreshToken!, SECRET_CLIENT_ID, h, { SECRET_HASH: secretHash(SECRET, 'demouser', SECRET_CLIENT_ID) }),
      'NotAuthorizedException', 'Refresh Token has been revoked');
  });

  it('refuses when the client has revocation off (and the token stays valid)', async () => {
    await setup([poolModel({ clients: [clientModel(), clientModel({ clientId: 'norevoke00000000000000000', enableTokenRevocation: false })] })]);
    const tokens = await signIn();
    await expectCognitoError(h.sdk.send(new RevokeTokenCommand({ Token: tokens.RefreshToken!, ClientId: 'norevoke00000000000000000' })),
      'UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
    await expectCognitoError(refresh(tokens.RefreshToken!, 'norevoke00000000000000000'), 'NotAuthorizedException', 'Invalid Refresh Token.');
    expect((await refresh(tokens.RefreshToken!)).AuthenticationResult).toBeDefined();
  });
});

describe('GetUser', () => {
  it('returns the user for a valid access token', async () => {
    await setup();
    const tokens = await signIn();
    const me = await h.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }));
    expect(me.Username).toBe('demouser');
    expect(me.UserAttributes?.[0]?.Name).toBe('sub');
    expect(me.UserAttributes).toContainEqual({ Name: 'email', Value: 'demo@example.com' });
    expect(me.UserMFASettingList).toBeUndefined();
  });

  it('refuses an expired, a tampered and an ID token', async () => {
    await setup();
    const tokens = await signIn();
    const [head, body, sig] = tokens.AccessToken!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = [head, Buffer.from(JSON.stringify({ ...claims, username: 'admin' })).toString('base64url'), sig].join('.');
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: forged })), 'NotAuthorizedException', 'Invalid Access Token');
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: tokens.IdToken! })), 'NotAuthorizedException', 'Invalid Access Token');
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: 'not-a-jwt' })), 'NotAuthorizedException', 'Invalid Access Token');
    h.clock.advance(3600_000);
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })), 'NotAuthorizedException', 'Access Token has expired');
  });
});

describe('snapshot and restore', () => {
  it('keeps users, keys, refresh tokens, revocations and lockout counters across a restart', async () => {
    await setup();
    const tokens = await signIn();
    const revoked = await signIn();
    await h.sdk.send(new RevokeTokenCommand({ Token: revoked.RefreshToken!, ClientId: CLIENT_ID }));
    await expectCognitoError(
      srpLogin({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'demouser', password: 'wrongPASS123', nowMs: h.clock.now() }),
      'NotAuthorizedException', 'Incorrect username or password.',
    );
    const state = JSON.parse(JSON.stringify(h.service.snapshot()));
    expect(JSON.stringify(state)).not.toContain('demoPASS123');
    expect(JSON.stringify(state)).not.toContain(tokens.RefreshToken!);
    expect(state.pools[POOL.id].users.demouser.lockout.failures).toBe(1);

    h2 = await startHarness({ state, clock: new TestClock(h.clock.now() + 60_000) });
    const jwks = createLocalJWKSet(h2.service.jwks(POOL.id) as any);
    await jwtVerify(tokens.IdToken!, jwks, { currentDate: new Date(h2.clock.now()) });
    const me = await h2.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }));
    expect(me.Username).toBe('demouser');
    expect((await refresh(tokens.RefreshToken!, CLIENT_ID, h2)).AuthenticationResult?.IdToken).toBeDefined();
    await expectCognitoError(refresh(revoked.RefreshToken!, CLIENT_ID, h2), 'NotAuthorizedException', 'Refresh Token has been revoked');
    expect((await signIn(CLIENT_ID, h2)).IdToken).toBeDefined();
  });

  it('notifies the owner of changes', async () => {
    await setup();
    const before = h.changes.count;
    await signIn();
    expect(h.changes.count).toBeGreaterThan(before);
  });
});

describe('wire protocol', () => {
  it('answers unknown operations and unsigned admin calls like AWS', async () => {
    await setup();
    const unknown = await rawCall(h.url, 'FlyToTheMoon', {});
    expect(unknown.status).toBe(400);
    expect(unknown.json.__type).toBe('UnknownOperationException');
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException:');
    const unsigned = await rawCall(h.url, 'AdminGetUser', { UserPoolId: POOL.id, Username: 'demouser' });
    expect(unsigned.json.__type).toBe('MissingAuthenticationTokenException');
    const bad = await rawCall(h.url, 'InitiateAuth', '{not json');
    expect(bad.json.__type).toBe('SerializationException');
    const ok = await rawCall(h.url, 'InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: 'x' } });
    expect(ok.status).toBe(400);
    expect(ok.json).toEqual({ __type: 'NotAuthorizedException', message: 'Invalid Refresh Token.' });
    expect(ok.headers.get('x-amzn-errortype')).toBe('NotAuthorizedException:');
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.1');
  });
});
