// Signed-in user operations (access token): ChangePassword, UpdateUserAttributes,
// software token association refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AssociateSoftwareTokenCommand, ChangePasswordCommand, GetUserCommand, SetUserMFAPreferenceCommand,
  UpdateUserAttributesCommand, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLIENT_ID, POOL, TestClock, expectCognitoError, startHarness, type Harness } from './helpers/fixture.js';
import { srpLogin } from './helpers/srp-client.js';

let h: Harness;
let AccessToken: string;
beforeEach(async () => {
  h = await startHarness({ clock: new TestClock(Date.UTC(2026, 3, 10, 9, 0, 0)) });
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
  AccessToken = (await login('demoPASS123')).AuthenticationResult!.AccessToken!;
});
afterEach(() => h.close());

const login = (password: string) =>
  srpLogin({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'demouser', password, nowMs: h.clock.now() });

describe('ChangePassword', () => {
  it('changes the password when the previous one is right and the new one fits the policy', async () => {
    await expectCognitoError(h.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'wrongPASS1', ProposedPassword: 'NewerPASS123' })),
      'NotAuthorizedException', 'Incorrect username or password.');
    await expectCognitoError(h.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'demoPASS123', ProposedPassword: 'short' })),
      'InvalidPasswordException', 'Password did not conform with policy: Password not long enough');
    await h.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'demoPASS123', ProposedPassword: 'NewerPASS123' }));
    expect((await login('NewerPASS123')).AuthenticationResult).toBeDefined();
    await expectCognitoError(login('demoPASS123'), 'NotAuthorizedException', 'Incorrect username or password.');
  });
});

describe('UpdateUserAttributes', () => {
  it('updates writable attributes and refuses sub', async () => {
    await h.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'phone_number', Value: '+15555550199' }] }));
    const me = await h.sdk.send(new GetUserCommand({ AccessToken }));
    expect(me.UserAttributes).toContainEqual({ Name: 'phone_number', Value: '+15555550199' });
    await expectCognitoError(h.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'sub', Value: 'x' }] })),
      'InvalidParameterException', 'Cannot modify an attribute that is not writable: sub');
  });
});

describe('software token refusals', () => {
  it('needs an association before verification, and a phone before SMS MFA', async () => {
    await expectCognitoError(h.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: '123456' })),
      'InvalidParameterException', 'User has not associated a software token.');
    await expectCognitoError(h.sdk.send(new SetUserMFAPreferenceCommand({ AccessToken, SMSMfaSettings: { Enabled: true } })),
      'InvalidParameterException', 'User does not have a phone number; SMS MFA cannot be enabled.');
  });

  it('refuses an unknown or non-setup Session', async () => {
    await expectCognitoError(h.sdk.send(new AssociateSoftwareTokenCommand({ Session: 'bm9wZQ==' })),
      'NotAuthorizedException', 'Invalid session for the user.');
  });
});
