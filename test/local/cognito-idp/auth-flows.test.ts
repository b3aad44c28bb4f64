// InitiateAuth / RespondToAuthChallenge refusals, each with Cognito's exact type and
// message, driven with @aws-sdk/client-cognito-identity-provider and a bendable SRP client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand, AdminDisableUserCommand, AdminConfirmSignUpCommand, InitiateAuthCommand,
  RespondToAuthChallengeCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { N, secretHash } from '../../../src/shared/srp-constants.js';
import {
  CLIENT_ID, LEGACY_CLIENT_ID, PASSWORD_CLIENT_ID, POOL, SECRET_CLIENT_ID, TestClock, expectCognitoError, poolModel, startHarness,
  type Harness,
} from './helpers/fixture.js';
import { srpInitiate, srpLogin, type SrpLoginOptions } from './helpers/srp-client.js';

const SECRET = POOL.clients.find((c) => c.clientId === SECRET_CLIENT_ID)!.clientSecret!;
const INCORRECT = 'Incorrect username or password.';

let h: Harness;
beforeEach(async () => {
  // A fixed date with a one-digit day, so the zero-padding case below is meaningful.
  h = await startHarness({ clock: new TestClock(Date.UTC(2026, 0, 5, 10, 0, 0)) });
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
});
afterEach(() => h.close());

function login(over: Partial<SrpLoginOptions> = {}) {
  return srpLogin({
    sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'demouser', password: 'demoPASS123', nowMs: h.clock.now(), ...over,
  });
}

describe('SRP proof', () => {
  it('signs in with a correct proof', async () => {
    const out = await login();
    expect(out.AuthenticationResult?.TokenType).toBe('Bearer');
    expect(out.AuthenticationResult?.ExpiresIn).toBe(3600);
  });

  it('refuses a wrong password', async () => {
    await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
  });

  it('refuses SRP_A ≡ 0 (mod N): A = 0, A = N, A = 2N', async () => {
    for (const A of [0n, N, 2n * N]) {
      await expectCognitoError(login({ srpA: A.toString(16) }), 'InvalidParameterException', 'Invalid SRP_A: must be a non-zero value modulo N');
    }
  });

  it('refuses a TIMESTAMP that is not in Cognito\'s format', async () => {
    await expectCognitoError(
      login({ timestamp: (d) => d.toUTCString() }),
      'InvalidParameterException', 'TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.',
    );
  });

  it('refuses a zero-padded day as a bad proof, as Cognito does', async () => {
    await expectCognitoError(
      login({ timestamp: () => 'Mon Jan 05 10:00:00 UTC 2026' }),
      'NotAuthorizedException', INCORRECT,
    );
  });

  it('refuses a stale or future TIMESTAMP', async () => {
    await expectCognitoError(login({ nowMs: h.clock.now() - 10 * 60_000 }), 'NotAuthorizedException', INCORRECT);
    await expectCognitoError(login({ nowMs: h.clock.now() + 10 * 60_000 }), 'NotAuthorizedException', INCORRECT);
    // Within the tolerance it passes.
    expect((await login({ nowMs: h.clock.now() - 60_000 })).AuthenticationResult).toBeDefined();
  });

  it('uses a SECRET_BLOCK once', async () => {
    const { init } = await srpInitiate({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'demouser', password: 'x' });
    const responses = {
      USERNAME: 'demouser', PASSWORD_CLAIM_SECRET_BLOCK: init.ChallengeParameters!.SECRET_BLOCK!,
      TIMESTAMP: 'Mon Jan 5 10:00:00 UTC 2026', PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'),
    };
    const send = () => h.sdk.send(new RespondToAuthChallengeCommand({ ChallengeName: 'PASSWORD_VERIFIER', ClientId: CLIENT_ID, ChallengeResponses: responses }));
    await expectCognitoError(send(), 'NotAuthorizedException', INCORRECT);
    await expectCognitoError(send(), 'NotAuthorizedException', INCORRECT);
  });

  it('names a missing parameter', async () => {
    await expectCognitoError(
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'demouser' } })),
      'InvalidParameterException', 'Missing required parameter SRP_A',
    );
  });

  it('refuses an unknown client', async () => {
    await expectCognitoError(login({ clientId: 'nosuchclient' }), 'ResourceNotFoundException', 'User pool client nosuchclient does not exist.');
  });
});

describe('unknown users', () => {
  it('with PreventUserExistenceErrors: a simulated challenge with a stable salt, then the usual refusal', async () => {
    const first = await srpInitiate({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'ghost', password: 'x' });
    const second = await srpInitiate({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'ghost', password: 'x' });
    expect(first.init.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(first.init.ChallengeParameters!.SALT).toBe(second.init.ChallengeParameters!.SALT);
    expect(first.init.ChallengeParameters!.SRP_B).not.toBe(second.init.ChallengeParameters!.SRP_B);
    await expectCognitoError(login({ username: 'ghost' }), 'NotAuthorizedException', INCORRECT);
  });

  it('without it: UserNotFoundException', async () => {
    await expectCognitoError(login({ username: 'ghost', clientId: LEGACY_CLIENT_ID }), 'UserNotFoundException', 'User does not exist.');
  });
});

describe('lockout', () => {
  it('locks after five failures, even for the right password, for a period that doubles', async () => {
    for (let i = 0; i < 5; i++) await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
    await expectCognitoError(login(), 'NotAuthorizedException', 'Password attempts exceeded');
    expect(h.logs.some((l) => l.includes('demouser locked out for 1s'))).toBe(true);
    h.clock.advance(1_000);
    // Lock over; one more failure locks for 2 s.
    await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
    h.clock.advance(1_500);
    await expectCognitoError(login(), 'NotAuthorizedException', 'Password attempts exceeded');
    h.clock.advance(500);
    expect((await login()).AuthenticationResult).toBeDefined();
    // Success resets the count: four failures do not lock.
    for (let i = 0; i < 4; i++) await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
    expect((await login()).AuthenticationResult).toBeDefined();
  });

  it('forgets failures after a quiet quarter of an hour', async () => {
    for (let i = 0; i < 4; i++) await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
    h.clock.advance(16 * 60_000);
    await expectCognitoError(login({ password: 'wrongPASS123' }), 'NotAuthorizedException', INCORRECT);
    expect((await login()).AuthenticationResult).toBeDefined();
  });
});

describe('SECRET_HASH', () => {
  const withSecret = (over: Partial<SrpLoginOptions> = {}) => login({ clientId: SECRET_CLIENT_ID, clientSecret: SECRET, ...over });

  it('signs in when the hash is right at both steps (USER_ID_FOR_SRP at the second)', async () => {
    expect((await withSecret()).AuthenticationResult).toBeDefined();
    expect((await withSecret({ username: 'DemoUser' })).AuthenticationResult).toBeDefined();
  });

  it('refuses a missing, a wrong and an unexpected hash', async () => {
    await expectCognitoError(withSecret({ secretHashOverride: null }), 'NotAuthorizedException',
      `Client ${SECRET_CLIENT_ID} is configured for secret but secret was not received`);
    await expectCognitoError(withSecret({ secretHashOverride: secretHash('not-the-secret', 'demouser', SECRET_CLIENT_ID) }), 'NotAuthorizedException',
      `Unable to verify secret hash for client ${SECRET_CLIENT_ID}`);
    await expectCognitoError(login({ secretHashOverride: secretHash(SECRET, 'demouser', CLIENT_ID) }), 'InvalidParameterException',
      `App client ${CLIENT_ID} is not configured for secret but secret hash was received`);
  });

  it('hashes the internal username after the SRP step, not the alias typed', async () => {
    await expectCognitoError(withSecret({ username: 'DemoUser', secondStepHashName: () => 'DemoUser' }), 'NotAuthorizedException',
      `Unable to verify secret hash for client ${SECRET_CLIENT_ID}`);
  });
});

describe('challenge sessions', () => {
  beforeEach(async () => {
    await h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'newbie', TemporaryPassword: 'TempPASS123', MessageAction: 'SUPPRESS' }));
  });
  const answer = (Session: string | undefined, password = 'FinalPASS456') =>
    h.sdk.send(new RespondToAuthChallengeCommand({
      ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId: CLIENT_ID, Session,
      ChallengeResponses: { USERNAME: 'newbie', NEW_PASSWORD: password },
    }));

  it('issues NEW_PASSWORD_REQUIRED with Cognito\'s parameters, and a session is single use', async () => {
    const out = await login({ username: 'newbie', password: 'TempPASS123' });
    expect(out.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(out.ChallengeParameters).toMatchObject({ USER_ID_FOR_SRP: 'newbie', requiredAttributes: '[]' });
    expect(out.Session).toBeTruthy();
    expect((await answer(out.Session)).AuthenticationResult).toBeDefined();
    await expectCognitoError(answer(out.Session), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
  });

  it('expires after the client\'s AuthSessionValidity', async () => {
    const out = await login({ username: 'newbie', password: 'TempPASS123' });
    h.clock.advance(180_000);
    await expectCognitoError(answer(out.Session), 'NotAuthorizedException', 'Invalid session for the user, session is expired.');
  });

  it('refuses an unknown session', async () => {
    await expectCognitoError(answer('bm90LWEtc2Vzc2lvbg=='), 'NotAuthorizedException', 'Invalid session for the user.');
  });

  it('enforces every rule of the password policy', async () => {
    const out = await login({ username: 'newbie', password: 'TempPASS123' });
    const cases: [string, string][] = [
      ['Ab1', 'Password not long enough'],
      ['lowercase123', 'Password must have uppercase characters'],
      ['UPPERCASE123', 'Password must have lowercase characters'],
      ['NoDigitsHere', 'Password must have numeric characters'],
    ];
    for (const [pw, why] of cases) {
      await expectCognitoError(answer(out.Session, pw), 'InvalidPasswordException', `Password did not conform with policy: ${why}`);
    }
    expect((await answer(out.Session)).AuthenticationResult).toBeDefined();
  });

  it('refuses an expired temporary password', async () => {
    h.clock.advance(8 * 86_400_000);
    await expectCognitoError(login({ username: 'newbie', password: 'TempPASS123' }), 'NotAuthorizedException',
      'Temporary password has expired and must be reset by an administrator.');
  });
});

describe('flows and user states', () => {
  it('allows only the client\'s explicit auth flows', async () => {
    await expectCognitoError(login({ clientId: PASSWORD_CLIENT_ID }), 'InvalidParameterException', 'USER_SRP_AUTH is not enabled for the client.');
    await expectCognitoError(
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'demouser', PASSWORD: 'demoPASS123' } })),
      'InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client',
    );
    await expectCognitoError(
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: PASSWORD_CLIENT_ID, AuthParameters: { REFRESH_TOKEN: 'x' } })),
      'InvalidParameterException', 'REFRESH_TOKEN_AUTH is not enabled for the client.',
    );
  });

  it('supports USER_PASSWORD_AUTH where enabled, with the same refusals', async () => {
    const send = (PASSWORD: string) =>
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: PASSWORD_CLIENT_ID, AuthParameters: { USERNAME: 'demouser', PASSWORD } }));
    expect((await send('demoPASS123')).AuthenticationResult?.IdToken).toBeDefined();
    await expectCognitoError(send('wrongPASS123'), 'NotAuthorizedException', INCORRECT);
  });

  it('refuses an unconfirmed user after the password, then signs in once confirmed', async () => {
    const signUp = await h.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: 'signup', Password: 'SignUpPASS1' }));
    expect(signUp.UserConfirmed).toBe(false);
    await expectCognitoError(login({ username: 'signup', password: 'SignUpPASS1' }), 'UserNotConfirmedException', 'User is not confirmed.');
    await h.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: POOL.id, Username: 'signup' }));
    expect((await login({ username: 'signup', password: 'SignUpPASS1' })).AuthenticationResult).toBeDefined();
  });

  it('a pool for administrators only (AllowAdminCreateUserOnly) refuses SignUp, with AWS\'s words', async () => {
    await h.close();
    h = await startHarness({ pools: [poolModel({ allowAdminCreateUserOnly: true })] });
    await expectCognitoError(h.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: 'signup', Password: 'SignUpPASS1' })),
      'NotAuthorizedException', 'SignUp is not permitted for this user pool');
  });

  it('refuses a disabled user', async () => {
    await h.sdk.send(new AdminDisableUserCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    await expectCognitoError(login(), 'NotAuthorizedException', 'User is disabled.');
  });
});
