// MFA with amazon-cognito-identity-js and the AWS SDK: software tokens (RFC 6238),
// SMS codes delivered through the log, MFA_SETUP, SELECT_MFA_TYPE, and chains.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand, GetUserCommand, SetUserMFAPreferenceCommand, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { totpCode } from '../../../src/local/cognito-idp/totp.js';
import { CLIENT_ID, POOL, poolModel, startHarness, expectCognitoError, wrongTotp, type Harness } from './helpers/fixture.js';
import {
  associateInSession, authenticate, completeNewPassword, makeUser, selectMfa, sendMfaCode, verifyInSession,
} from './helpers/identity-js.js';

let h: Harness;
afterEach(() => h?.close());

async function signIn(username: string, password: string) {
  const out = await authenticate(makeUser(h.url, POOL.id, CLIENT_ID, username), username, password);
  if (out.kind !== 'success') throw new Error(`sign-in: ${out.kind} ${JSON.stringify(out)}`);
  return out.session.getAccessToken().getJwtToken();
}

/** Gives `username` a verified, preferred software token; returns its secret. */
async function enrolTotp(username: string, password: string): Promise<string> {
  const AccessToken = await signIn(username, password);
  const { SecretCode } = await h.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  expect(SecretCode).toMatch(/^[A-Z2-7]{52}$/);
  await expectCognitoError(
    h.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: wrongTotp((ms) => totpCode(SecretCode!, ms), h.clock.now()) })),
    'EnableSoftwareTokenMFAException', 'Code mismatch',
  );
  const verified = await h.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode!, h.clock.now()) }));
  expect(verified.Status).toBe('SUCCESS');
  await h.sdk.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const me = await h.sdk.send(new GetUserCommand({ AccessToken }));
  expect(me.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
  expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
  return SecretCode!;
}

describe('software token MFA', () => {
  it('asks for a TOTP code, refuses a wrong one without burning the session, accepts the right one', async () => {
    h = await startHarness();
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    const secret = await enrolTotp('demouser', 'demoPASS123');
    h.clock.advance(30_000); // the enrolment code's step is spent

    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    expect((await authenticate(user, 'demouser', 'demoPASS123')).kind).toBe('totpRequired');
    const good = totpCode(secret, h.clock.now());
    const wrong = wrongTotp((ms) => totpCode(secret, ms), h.clock.now());
    expect(await sendMfaCode(user, wrong, 'SOFTWARE_TOKEN_MFA')).toMatchObject({
      kind: 'failure', error: { code: 'CodeMismatchException', message: 'Invalid code received for user' },
    });
    expect((await sendMfaCode(user, good, 'SOFTWARE_TOKEN_MFA')).kind).toBe('success');
    // The same session again: single use.
    expect(await sendMfaCode(user, good, 'SOFTWARE_TOKEN_MFA')).toMatchObject({
      kind: 'failure', error: { code: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' },
    });

    // A code is good once: a new sign-in within the same 30 s step is refused.
    const second = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    expect((await authenticate(second, 'demouser', 'demoPASS123')).kind).toBe('totpRequired');
    expect(await sendMfaCode(second, good, 'SOFTWARE_TOKEN_MFA')).toMatchObject({
      kind: 'failure', error: { code: 'ExpiredCodeException', message: 'Your software token has already been used once.' },
    });
    h.clock.advance(30_000);
    expect((await sendMfaCode(second, totpCode(secret, h.clock.now()), 'SOFTWARE_TOKEN_MFA')).kind).toBe('success');
  });

  it('sets up TOTP inside the sign-in when the pool requires MFA (MFA_SETUP)', async () => {
    h = await startHarness({ pools: [poolModel({ mfaConfiguration: 'ON', enabledMfas: ['SOFTWARE_TOKEN_MFA'] })] });
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    expect((await authenticate(user, 'demouser', 'demoPASS123')).kind).toBe('mfaSetup');
    const secret = await associateInSession(user);
    const out = await verifyInSession(user, totpCode(secret, h.clock.now()));
    expect(out.kind).toBe('success');
    h.clock.advance(30_000);
    const next = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    expect((await authenticate(next, 'demouser', 'demoPASS123')).kind).toBe('totpRequired');
    expect((await sendMfaCode(next, totpCode(secret, h.clock.now()), 'SOFTWARE_TOKEN_MFA')).kind).toBe('success');
  });
});

describe('SMS MFA', () => {
  it('delivers the code to the log with Cognito\'s masked destination', async () => {
    h = await startHarness();
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123', { phone_number: '+447700904114' });
    await h.sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: POOL.id, Username: 'demouser', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    const out = await authenticate(user, 'demouser', 'demoPASS123');
    expect(out).toMatchObject({
      kind: 'mfaRequired',
      challengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+********4114' },
    });
    const line = h.logs.find((l) => l.startsWith('SMS to +********4114 for demouser: code '));
    expect(line).toBeDefined();
    const code = line!.slice(-6);
    expect(await sendMfaCode(user, code === '000000' ? '000001' : '000000', 'SMS_MFA')).toMatchObject({
      kind: 'failure', error: { code: 'CodeMismatchException', message: 'Invalid code received for user' },
    });
    expect((await sendMfaCode(user, code, 'SMS_MFA')).kind).toBe('success');
  });

  it('chains NEW_PASSWORD_REQUIRED then SMS_MFA when the pool requires MFA', async () => {
    h = await startHarness({ pools: [poolModel({ mfaConfiguration: 'ON', enabledMfas: ['SMS_MFA'] })] });
    await h.sdk.send(new AdminCreateUserCommand({
      UserPoolId: POOL.id, Username: 'carol', TemporaryPassword: 'TempPASS123', MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }],
    }));
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'carol');
    expect((await authenticate(user, 'carol', 'TempPASS123')).kind).toBe('newPasswordRequired');
    const mfa = await completeNewPassword(user, 'CarolPASS789');
    expect(mfa).toMatchObject({ kind: 'mfaRequired', challengeParameters: { CODE_DELIVERY_DESTINATION: '+*******0123' } });
    const code = h.logs.find((l) => l.includes('for carol: code'))!.slice(-6);
    expect((await sendMfaCode(user, code, 'SMS_MFA')).kind).toBe('success');
  });
});

describe('SELECT_MFA_TYPE', () => {
  it('lets a user with both factors and no preference choose', async () => {
    h = await startHarness();
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    await h.sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId: POOL.id, Username: 'demouser', UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }] }));
    const secret = await enrolTotp('demouser', 'demoPASS123');
    await h.sdk.send(new AdminSetUserMFAPreferenceCommand({
      UserPoolId: POOL.id, Username: 'demouser',
      SMSMfaSettings: { Enabled: true, PreferredMfa: false }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
    }));
    h.clock.advance(30_000);
    const user = makeUser(h.url, POOL.id, CLIENT_ID, 'demouser');
    const out = await authenticate(user, 'demouser', 'demoPASS123');
    expect(out.kind).toBe('selectMFAType');
    if (out.kind !== 'selectMFAType') return;
    expect(JSON.parse(out.challengeParameters.MFAS_CAN_CHOOSE!)).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    expect((await selectMfa(user, 'SOFTWARE_TOKEN_MFA')).kind).toBe('totpRequired');
    expect((await sendMfaCode(user, totpCode(secret, h.clock.now()), 'SOFTWARE_TOKEN_MFA')).kind).toBe('success');
  });

  it('refuses to enable TOTP before a token was verified', async () => {
    h = await startHarness();
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    await expectCognitoError(
      h.sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: POOL.id, Username: 'demouser', SoftwareTokenMfaSettings: { Enabled: true } })),
      'InvalidParameterException', 'User has not verified software token mfa',
    );
  });
});
