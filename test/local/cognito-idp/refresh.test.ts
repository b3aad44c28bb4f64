// Token refresh with and without the app client's RefreshTokenRotation, driven with
// @aws-sdk/client-cognito-identity-provider (GetTokensFromRefreshToken, InitiateAuth)
// and amazon-cognito-identity-js (REFRESH_TOKEN_AUTH); the clock is moved by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminGetUserCommand, GetTokensFromRefreshTokenCommand, InitiateAuthCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CLIENT_ID, clientModel, expectCognitoError, poolModel, rawCall, startHarness, TestClock, type Harness } from './helpers/fixture.js';
import { srpLogin } from './helpers/srp-client.js';
import { ROTATION_REFUSAL } from '../../../src/local/cognito-idp/refresh.js';

const ROTATING = 'rotatingclient000000000000e';
const ROTATING_SECRET = 'rotatingclient000000000000f';
const SECRET = 'cm90YXRpbmctc2VjcmV0LXZhbHVl';
const POOL = poolModel({
  clients: [
    clientModel(),
    clientModel({ logicalId: 'Rotating', clientId: ROTATING, refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 10 }, refreshTokenValiditySeconds: 3 * 3600 }),
    clientModel({ logicalId: 'RotatingSecret', clientId: ROTATING_SECRET, clientSecret: SECRET, refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 0 } }),
  ],
});

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ pools: [POOL], clock: new TestClock(Date.UTC(2026, 5, 1, 12, 0, 0)) });
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
});
afterEach(() => h.close());

async function signIn(clientId: string, clientSecret?: string): Promise<string> {
  const out = await srpLogin({
    sdk: h.sdk, poolId: POOL.id, clientId, username: 'demouser', password: 'demoPASS123', nowMs: h.clock.now(), ...(clientSecret ? { clientSecret } : {}),
  });
  return out.AuthenticationResult!.RefreshToken!;
}

const getTokens = (RefreshToken: string, ClientId = ROTATING, ClientSecret?: string) =>
  h.sdk.send(new GetTokensFromRefreshTokenCommand({ RefreshToken, ClientId, ...(ClientSecret ? { ClientSecret } : {}) }));

describe('GetTokensFromRefreshToken without rotation', () => {
  it('gives new ID and access tokens and no refresh token; the old one keeps working', async () => {
    const rt = await signIn(CLIENT_ID);
    const out = await getTokens(rt, CLIENT_ID);
    expect(out.AuthenticationResult?.IdToken).toMatch(/^ey/);
    expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect((await getTokens(rt, CLIENT_ID)).AuthenticationResult?.AccessToken).toMatch(/^ey/);
    // REFRESH_TOKEN_AUTH still works for a client that does not rotate.
    const viaInitiate = await h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: rt } }));
    expect(viaInitiate.AuthenticationResult?.RefreshToken).toBeUndefined();
  });
});

describe('GetTokensFromRefreshToken with rotation', () => {
  it('hands out a new refresh token each time; the old one works only during the grace period', async () => {
    const first = await signIn(ROTATING);
    const a = await getTokens(first);
    const second = a.AuthenticationResult!.RefreshToken!;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // Inside the 10 s grace period the old token may be retried (a lost answer).
    h.clock.advance(9_000);
    const retry = await getTokens(first);
    expect(retry.AuthenticationResult?.RefreshToken).toBeDefined();
    // The retry did not extend the grace period.
    h.clock.advance(1_000);
    await expectCognitoError(getTokens(first), 'NotAuthorizedException', 'Invalid Refresh Token.');
    // The new one works, and rotates in turn.
    const b = await getTokens(second);
    expect(b.AuthenticationResult!.RefreshToken).not.toBe(second);
  });

  it('keeps the session\'s original expiry: rotation does not extend it', async () => {
    const first = await signIn(ROTATING);
    h.clock.advance(2 * 3600_000);
    const next = (await getTokens(first)).AuthenticationResult!.RefreshToken!;
    h.clock.advance(3600_000);
    await expectCognitoError(getTokens(next), 'NotAuthorizedException', 'Refresh Token has expired');
  });

  it('keeps origin_jti and auth_time across rotations, so RevokeToken ends the whole chain', async () => {
    const first = await signIn(ROTATING);
    const a = await getTokens(first);
    const claims = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const second = a.AuthenticationResult!.RefreshToken!;
    const b = await getTokens(second);
    expect(claims(b.AuthenticationResult!.AccessToken!).origin_jti).toBe(claims(a.AuthenticationResult!.AccessToken!).origin_jti);
    await h.sdk.send(new RevokeTokenCommand({ Token: b.AuthenticationResult!.RefreshToken!, ClientId: ROTATING }));
    await expectCognitoError(getTokens(second), 'NotAuthorizedException', 'Refresh Token has been revoked');
  });

  it('with a grace period of 0 the old token dies at once', async () => {
    const first = await signIn(ROTATING_SECRET, SECRET);
    await getTokens(first, ROTATING_SECRET, SECRET);
    await expectCognitoError(getTokens(first, ROTATING_SECRET, SECRET), 'NotAuthorizedException', 'Invalid Refresh Token.');
  });

  it('checks the client secret', async () => {
    const first = await signIn(ROTATING_SECRET, SECRET);
    await expectCognitoError(getTokens(first, ROTATING_SECRET), 'NotAuthorizedException', `Client ${ROTATING_SECRET} is configured for secret but secret was not received`);
    await expectCognitoError(getTokens(first, ROTATING_SECRET, 'wrong-secret'), 'NotAuthorizedException', `Unable to verify secret for client ${ROTATING_SECRET}`);
  });

  it('refuses REFRESH_TOKEN_AUTH for a rotating client', async () => {
    const first = await signIn(ROTATING);
    await expectCognitoError(
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: ROTATING, AuthParameters: { REFRESH_TOKEN: first } })),
      'InvalidParameterException', ROTATION_REFUSAL,
    );
    // The refusal did not spend the token.
    expect((await getTokens(first)).AuthenticationResult?.RefreshToken).toBeDefined();
  });

  it('lists every validation error at once', async () => {
    const out = await rawCall(h.url, 'GetTokensFromRefreshToken', {});
    expect(out.status).toBe(400);
    expect(out.json).toEqual({
      __type: 'InvalidParameterException',
      message:
        "2 validation errors detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    });
    // The same for every operation: InitiateAuth and an admin call, each with two members missing.
    expect((await rawCall(h.url, 'InitiateAuth', {})).json.message).toBe(
      "2 validation errors detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    );
    const adminCall = await h.sdk.send(new AdminGetUserCommand({} as never)).catch((e: Error) => e);
    expect(adminCall).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/^2 validation errors detected: Value null at 'userPoolId'.*; Value null at 'username'/) });
  });

  it('survives a restart: the rotated-out mark is part of the saved state', async () => {
    const first = await signIn(ROTATING);
    const second = (await getTokens(first)).AuthenticationResult!.RefreshToken!;
    const saved = h.service.snapshot();
    const clock = h.clock;
    await h.close();
    h = await startHarness({ pools: [POOL], clock, state: saved });
    clock.advance(10_000);
    await expectCognitoError(getTokens(first), 'NotAuthorizedException', 'Invalid Refresh Token.');
    expect((await getTokens(second)).AuthenticationResult?.IdToken).toMatch(/^ey/);
  });
});
