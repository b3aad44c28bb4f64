// SRP sign-in with amazon-cognito-identity-js, a client nobody here wrote.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CLIENT_ID, POOL, startHarness, type Harness } from './helpers/fixture.js';
import { authenticate, completeNewPassword, makeUser, refresh } from './helpers/identity-js.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123', { email: 'demo@example.com', email_verified: 'true' });
});
afterEach(() => h.close());

describe('USER_SRP_AUTH through amazon-cognito-identity-js', () => {
  it('signs in and returns tokens that verify against the JWKS', async () => {
    const out = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, 'demouser'), 'demouser', 'demoPASS123');
    expect(out.kind).toBe('success');
    if (out.kind !== 'success') return;
    const jwks = createLocalJWKSet(h.service.jwks(POOL.id) as any);
    const id = await jwtVerify(out.session.getIdToken().getJwtToken(), jwks, { issuer: POOL.issuer, audience: CLIENT_ID, currentDate: new Date(h.clock.now()) });
    expect(id.payload).toMatchObject({ token_use: 'id', 'cognito:username': 'demouser', email: 'demo@example.com', email_verified: true });
    expect(id.payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    const access = await jwtVerify(out.session.getAccessToken().getJwtToken(), jwks, { issuer: POOL.issuer, currentDate: new Date(h.clock.now()) });
    expect(access.payload).toMatchObject({ token_use: 'access', client_id: CLIENT_ID, username: 'demouser', scope: 'aws.cognito.signin.user.admin', sub: id.payload.sub });
    expect(access.protectedHeader.kid).not.toBe(id.protectedHeader.kid);
    expect(out.session.getRefreshToken().getToken().split('.')).toHaveLength(5);
  });

  it('treats the username case-insensitively when the pool says so', async () => {
    const out = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, 'DemoUser'), 'DemoUser', 'demoPASS123');
    expect(out.kind).toBe('success');
  });

  it('refuses a wrong password with Cognito\'s message', async () => {
    const out = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, 'demouser'), 'demouser', 'wrongPASS123');
    expect(out).toMatchObject({ kind: 'failure', error: { code: 'NotAuthorizedException', message: 'Incorrect username or password.' } });
  });

  it('refreshes a session without a new refresh token', async () => {
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    const out = await authenticate(user, 'demouser', 'demoPASS123');
    if (out.kind !== 'success') throw new Error(out.kind);
    h.clock.advance(60_000);
    const next = await refresh(user, out.session);
    expect(next.getIdToken().getJwtToken()).not.toBe(out.session.getIdToken().getJwtToken());
    // The library keeps the old refresh token because none came back.
    expect(next.getRefreshToken().getToken()).toBe(out.session.getRefreshToken().getToken());
    expect(next.getIdToken().payload.auth_time).toBe(out.session.getIdToken().payload.auth_time);
    expect(next.getAccessToken().payload.origin_jti).toBe(out.session.getAccessToken().payload.origin_jti);
    expect(next.getIdToken().payload.iat).toBeGreaterThan(out.session.getIdToken().payload.iat);
  });

  it('walks NEW_PASSWORD_REQUIRED for a user created with a temporary password', async () => {
    await h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'newbie', TemporaryPassword: 'TempPASS123', MessageAction: 'SUPPRESS' }));
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'newbie');
    const first = await authenticate(user, 'newbie', 'TempPASS123');
    expect(first.kind).toBe('newPasswordRequired');
    const weak = await completeNewPassword(user, 'short');
    expect(weak).toMatchObject({ kind: 'failure', error: { code: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' } });
    // The session survives a policy violation, so the user can try again.
    const done = await completeNewPassword(user, 'FinalPASS456');
    expect(done.kind).toBe('success');
    const again = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, 'newbie'), 'newbie', 'FinalPASS456');
    expect(again.kind).toBe('success');
    const old = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, 'newbie'), 'newbie', 'TempPASS123');
    expect(old.kind).toBe('failure');
  });
});
