// Password reset: AdminResetUserPassword → PasswordResetRequiredException at sign-in,
// ForgotPassword / ConfirmForgotPassword with the code read from the emulator's log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AdminResetUserPasswordCommand, ConfirmForgotPasswordCommand, ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLIENT_ID, LEGACY_CLIENT_ID, POOL, TestClock, expectCognitoError, startHarness, type Harness } from './helpers/fixture.js';
import { srpLogin } from './helpers/srp-client.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ clock: new TestClock(Date.UTC(2026, 6, 20, 16, 0, 0)) });
  h.service.seedUser(POOL.id, 'demouser', 'demoPASS123', { email: 'demo@example.com' });
});
afterEach(() => h.close());

const login = (password: string) =>
  srpLogin({ sdk: h.sdk, poolId: POOL.id, clientId: CLIENT_ID, username: 'demouser', password, nowMs: h.clock.now() });
const lastCode = () => {
  const line = [...h.logs].reverse().find((l) => l.includes('password reset code'));
  if (!line) throw new Error('no code in the log');
  return line.slice(-6);
};
const confirm = (ConfirmationCode: string, Password = 'ResetPASS123') =>
  h.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'demouser', ConfirmationCode, Password }));

describe('AdminResetUserPassword', () => {
  it('blocks sign-in until the user sets a new password with the code', async () => {
    await h.sdk.send(new AdminResetUserPasswordCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    await expectCognitoError(login('demoPASS123'), 'PasswordResetRequiredException', 'Password reset required for the user');
    const code = lastCode();
    expect(h.logs.at(-1)).toBe(`EMAIL to d***@e*** for demouser: password reset code ${code}`);
    await expectCognitoError(confirm(code === '000000' ? '000001' : '000000'), 'CodeMismatchException', 'Invalid verification code provided, please try again.');
    await expectCognitoError(confirm(code, 'weakpass'), 'InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters');
    await confirm(code);
    expect((await login('ResetPASS123')).AuthenticationResult).toBeDefined();
    await expectCognitoError(confirm(code), 'ExpiredCodeException', 'Invalid code provided, please request a code again.');
  });
});

describe('ForgotPassword', () => {
  it('sends a code that expires after an hour', async () => {
    const out = await h.sdk.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'demouser' }));
    expect(out.CodeDeliveryDetails).toEqual({ Destination: 'd***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const code = lastCode();
    h.clock.advance(3600_000);
    await expectCognitoError(confirm(code), 'ExpiredCodeException', 'Invalid code provided, please request a code again.');
  });

  it('hides unknown users when the client prevents existence errors, and reveals them otherwise', async () => {
    const out = await h.sdk.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'ghost' }));
    expect(out.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    await expectCognitoError(h.sdk.send(new ForgotPasswordCommand({ ClientId: LEGACY_CLIENT_ID, Username: 'ghost' })),
      'UserNotFoundException', 'Username/client id combination not found.');
  });

  it('needs somewhere to send the code', async () => {
    h.service.seedUser(POOL.id, 'nomail', 'NoMailPASS1');
    await expectCognitoError(h.sdk.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'nomail' })),
      'InvalidParameterException', 'Cannot reset password for the user as there is no registered/verified email or phone_number');
  });
});

describe('seedUser', () => {
  it('is idempotent for the same password and resets a different one', async () => {
    const before = h.changes.count;
    const salt = h.service.snapshot().pools[POOL.id]!.users.demouser!.salt;
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123', { email: 'demo@example.com' });
    expect(h.changes.count).toBe(before);
    expect(h.service.snapshot().pools[POOL.id]!.users.demouser!.salt).toBe(salt);
    h.service.seedUser(POOL.id, 'demouser', 'OtherPASS123');
    expect(h.changes.count).toBeGreaterThan(before);
    await expectCognitoError(login('demoPASS123'), 'NotAuthorizedException', 'Incorrect username or password.');
    expect((await login('OtherPASS123')).AuthenticationResult).toBeDefined();
  });
});
