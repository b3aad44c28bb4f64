// The SRP client and the challenge loop against the local stack's User Pool.
import { afterEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../src/auth/aws-json.js';
import { srpLogin, type LoginPrompts, type TotpSetupInfo } from '../../src/auth/srp-login.js';
import { totpCode } from '../../src/local/cognito-idp/totp.js';
import { httpUserPoolTransport, refreshTokens, type UserPoolTransport } from '../../src/auth/user-pool.js';
import { userPoolError } from '../../src/auth/user-pool-errors.js';
import { decodeClaims } from '../../src/auth/jwt.js';
import { AuthError, ConfigError } from '../../src/errors.js';
import { createForceChangeUser, DEMO, enableSmsMfa, enrolTotp, lastSmsCode, startStack, type Stack } from './helpers/stack.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function noPrompts(over: Partial<LoginPrompts> = {}): LoginPrompts {
  return {
    mfaAttempts: 1,
    newPassword: async () => { throw new Error('unexpected NEW_PASSWORD_REQUIRED'); },
    mfaCode: async () => { throw new Error('unexpected MFA'); },
    selectMfa: async () => { throw new Error('unexpected SELECT_MFA_TYPE'); },
    totpSetup: async () => { throw new Error('unexpected MFA_SETUP'); },
    ...over,
  };
}

/** Records every operation and its body (tests assert on SECRET_HASH and USERNAME). */
function recording(send: UserPoolTransport) {
  const calls: { op: string; body: Record<string, any> }[] = [];
  const wrapped: UserPoolTransport = async (op, body) => {
    calls.push({ op, body: JSON.parse(JSON.stringify(body)) });
    return send(op, body);
  };
  return { calls, send: wrapped };
}

async function login(st: Stack, username: string, password: string, prompts = noPrompts()) {
  const rec = recording(httpUserPoolTransport(st.profile));
  const result = await srpLogin({ profile: st.profile, username, password, prompts, send: rec.send, clock: st.clock });
  return { ...result, calls: rec.calls };
}

async function loginError(st: Stack, username: string, password: string, prompts = noPrompts()) {
  try {
    await login(st, username, password, prompts);
  } catch (err) {
    return err;
  }
  throw new Error('login succeeded');
}

describe('SRP login', () => {
  it('signs demouser in: tokens for the pool and client, no password on the wire', async () => {
    s = await startStack();
    const out = await login(s, DEMO.username, DEMO.password);
    const id = decodeClaims(out.tokens.idToken)!;
    expect(id).toMatchObject({ token_use: 'id', aud: s.profile.userPoolClientId, 'cognito:username': 'demouser' });
    expect(out.tokens.expiresIn).toBe(3600);
    expect(out.tokens.refreshToken.length).toBeGreaterThan(100);
    expect(out.userIdForSrp).toBe('demouser');
    expect(out.challenges).toEqual([]);
    expect(out.calls.map((c) => c.op)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    expect(JSON.stringify(out.calls)).not.toContain(DEMO.password);
    expect(out.calls[1]!.body.ChallengeResponses.TIMESTAMP).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [1-9]\d? \d\d:\d\d:\d\d UTC \d{4}$/);
    expect(out.srpCpuMs).toBeGreaterThan(0);
    expect(out.srpCpuMs).toBeLessThan(1000);
  });

  it('wrong password: NotAuthorizedException "Incorrect username or password." → AuthError (exit 3)', async () => {
    s = await startStack();
    const err = await loginError(s, DEMO.username, 'wrongPASS123');
    expect(err).toBeInstanceOf(AwsServiceError);
    expect(err).toMatchObject({ type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const mapped = userPoolError(err, 'login', 'local');
    expect(mapped).toBeInstanceOf(AuthError);
    expect(mapped).toMatchObject({ exitCode: 3, message: 'Incorrect username or password.' });
  });

  it('unknown user: hidden behind "Incorrect username or password." by default, UserNotFoundException with legacy errors', async () => {
    s = await startStack();
    expect(await loginError(s, 'nobody', 'whatEVER123')).toMatchObject({ type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    await s.close();
    s = await startStack({ legacyUserExistenceErrors: true });
    const err = await loginError(s, 'nobody', 'whatEVER123');
    expect(err).toMatchObject({ type: 'UserNotFoundException', message: 'User does not exist.' });
    expect(userPoolError(err, 'login', 'local')).toMatchObject({ exitCode: 3, message: 'User does not exist.', hint: expect.stringContaining('username') });
  });

  it('locked out after repeated failures: "Password attempts exceeded" even with the right password', async () => {
    s = await startStack();
    for (let i = 0; i < 5; i++) await loginError(s, DEMO.username, `wrongPASS${i}x`);
    let err: unknown;
    for (let i = 0; i < 3 && !(err instanceof AwsServiceError && /exceeded/.test(err.message)); i++) {
      err = await loginError(s, DEMO.username, DEMO.password);
    }
    expect(err).toMatchObject({ type: 'NotAuthorizedException', message: 'Password attempts exceeded' });
    expect(userPoolError(err, 'login', 'local')).toMatchObject({ exitCode: 3, hint: expect.stringContaining('locked') });
  });

  it('a client secret works: SECRET_HASH with the typed name first, then USER_ID_FOR_SRP; refresh uses cognito:username', async () => {
    s = await startStack({ clientSecret: true });
    expect(s.profile.clientSecret).toBeTruthy();
    const out = await login(s, 'DemoUser', DEMO.password); // case-insensitive pool: typed ≠ canonical
    expect(out.calls[0]!.body.AuthParameters.SECRET_HASH).toBeTruthy();
    expect(out.calls[1]!.body.ChallengeResponses.USERNAME).toBe('demouser');
    const refreshed = await refreshTokens(httpUserPoolTransport(s.profile), s.profile, out.tokens.refreshToken, 'demouser');
    expect(decodeClaims(refreshed.idToken)!['cognito:username']).toBe('demouser');
    expect(refreshed.refreshToken).toBeUndefined();
  });

  it('a client secret the profile lacks, or gets wrong, is a config problem (exit 2) in Cognito\'s words', async () => {
    s = await startStack({ clientSecret: true });
    const missing = await loginError({ ...s, profile: { ...s.profile, clientSecret: undefined } }, DEMO.username, DEMO.password);
    expect(missing).toMatchObject({ message: `Client ${s.profile.userPoolClientId} is configured for secret but secret was not received` });
    expect(userPoolError(missing, 'login', 'local')).toBeInstanceOf(ConfigError);
    const wrong = await loginError({ ...s, profile: { ...s.profile, clientSecret: 'bm90IHRoZSBzZWNyZXQ' } }, DEMO.username, DEMO.password);
    expect(wrong).toMatchObject({ message: `Unable to verify secret hash for client ${s.profile.userPoolClientId}` });
  });
});

describe('challenges', () => {
  it('NEW_PASSWORD_REQUIRED: asks for a new one; the pool\'s policy errors come back in its words', async () => {
    s = await startStack();
    await createForceChangeUser(s, 'newbie', 'TempPASS123');
    const weak = await loginError(s, 'newbie', 'TempPASS123', noPrompts({ newPassword: async () => ({ password: 'short' }) }));
    expect(weak).toMatchObject({ type: 'InvalidPasswordException', message: expect.stringMatching(/^Password did not conform with policy: /) });
    expect(userPoolError(weak, 'login', 'local')).toMatchObject({ exitCode: 3 });

    const asked: unknown[] = [];
    const out = await login(s, 'newbie', 'TempPASS123', noPrompts({
      newPassword: async (info) => { asked.push(info); return { password: 'NewPASS456' }; },
    }));
    expect(out.challenges).toEqual(['NEW_PASSWORD_REQUIRED']);
    expect(asked).toEqual([{ requiredAttributes: [], attempt: 1, refused: undefined }]);
    // The new password is now the password.
    expect((await login(s, 'newbie', 'NewPASS456')).challenges).toEqual([]);
  });

  it('SOFTWARE_TOKEN_MFA: a wrong code is asked again (same session), the right one signs in', async () => {
    s = await startStack();
    const code = await enrolTotp(s, DEMO.username, DEMO.password);
    const attempts: number[] = [];
    const out = await login(s, DEMO.username, DEMO.password, noPrompts({
      mfaAttempts: 3,
      mfaCode: async ({ challenge, attempt }) => {
        expect(challenge).toBe('SOFTWARE_TOKEN_MFA');
        attempts.push(attempt);
        return attempt === 1 ? (code(s!.clock.now()) === '000000' ? '111111' : '000000') : code(s!.clock.now());
      },
    }));
    expect(attempts).toEqual([1, 2]);
    expect(out.challenges).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('a wrong code with no retries left is CodeMismatchException → exit 3', async () => {
    s = await startStack();
    const code = await enrolTotp(s, DEMO.username, DEMO.password);
    const err = await loginError(s, DEMO.username, DEMO.password, noPrompts({
      mfaCode: async () => (code(s!.clock.now()) === '000000' ? '111111' : '000000'),
    }));
    expect(err).toMatchObject({ type: 'CodeMismatchException', message: 'Invalid code received for user' });
    expect(userPoolError(err, 'login', 'local')).toMatchObject({ exitCode: 3 });
  });

  it('SMS_MFA: the masked destination is passed on and the code accepted', async () => {
    s = await startStack();
    await enableSmsMfa(s, DEMO.username);
    const seen: unknown[] = [];
    const out = await login(s, DEMO.username, DEMO.password, noPrompts({
      mfaCode: async (info) => { seen.push(info); return lastSmsCode(s!)!; },
    }));
    expect(out.challenges).toEqual(['SMS_MFA']);
    expect(seen).toEqual([{ challenge: 'SMS_MFA', destination: expect.stringMatching(/^\+\*+0100$/), attempt: 1 }]);
  });

  it('MFA_SETUP: the pool requires MFA, the account has none: an authenticator app is set up inside the sign-in', async () => {
    s = await startStack({ mfaRequired: true });
    const seen: TotpSetupInfo[] = [];
    const out = await login(s, DEMO.username, DEMO.password, noPrompts({
      mfaAttempts: 3,
      totpSetup: async (info) => {
        seen.push(info);
        const good = totpCode(info.secretCode, s!.clock.now());
        return info.attempt === 1 ? (good === '000000' ? '111111' : '000000') : good; // a wrong first code is asked again
      },
    }));
    expect(out.challenges).toEqual(['MFA_SETUP']);
    expect(seen.map((x) => x.attempt)).toEqual([1, 2]);
    const { secretCode, otpauthUri } = seen[0]!;
    expect(secretCode).toMatch(/^[A-Z2-7]{16,}$/);
    expect(otpauthUri).toBe(`otpauth://totp/${encodeURIComponent(`${s.profile.userPoolId}:${DEMO.username}`)}?secret=${secretCode}&issuer=${encodeURIComponent(s.profile.userPoolId)}`);
    expect(out.calls.map((c) => c.op)).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'AssociateSoftwareToken', 'VerifySoftwareToken', 'VerifySoftwareToken', 'RespondToAuthChallenge']);
    expect(out.calls.at(-1)!.body).toMatchObject({ ChallengeName: 'MFA_SETUP', ChallengeResponses: { USERNAME: DEMO.username } });

    // From now on the account has an authenticator app: the next sign-in asks for its code.
    s.clock.advance(60_000);
    const next = await login(s, DEMO.username, DEMO.password, noPrompts({ mfaCode: async () => totpCode(secretCode, s!.clock.now()) }));
    expect(next.challenges).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('MFA_SETUP with a wrong code and no retries left: exit 3 in Cognito\'s words, with what to do', async () => {
    s = await startStack({ mfaRequired: true });
    const err = await loginError(s, DEMO.username, DEMO.password, noPrompts({ totpSetup: async () => '000000x' }));
    expect(err).toMatchObject({ type: 'EnableSoftwareTokenMFAException', message: 'Code mismatch' });
    expect(userPoolError(err, 'login', 'local')).toMatchObject({ exitCode: 3, message: "the authenticator app's code was not accepted (Code mismatch)" });
  });

  it('chained: a new password, then an SMS code', async () => {
    s = await startStack();
    await createForceChangeUser(s, 'chained', 'TempPASS123', { phone_number: '+15555550123', phone_number_verified: 'true' });
    await enableSmsMfa(s, 'chained', '+15555550123');
    const out = await login(s, 'chained', 'TempPASS123', noPrompts({
      newPassword: async () => ({ password: 'ChainPASS789' }),
      mfaCode: async () => lastSmsCode(s!)!,
    }));
    expect(out.challenges).toEqual(['NEW_PASSWORD_REQUIRED', 'SMS_MFA']);
  });
});

describe('userPoolError', () => {
  it('reset required: Cognito\'s words plus what to do, exit 3', () => {
    const err = new AwsServiceError('PasswordResetRequiredException', 'Password reset required for the user', 400);
    expect(userPoolError(err, 'login', 'p')).toMatchObject({ exitCode: 3, message: 'Password reset required for the user', hint: expect.stringContaining('reset the password') });
  });
  it('throttling is exit 7, a 5xx is exit 6, anything else keeps its type in the message', () => {
    expect(userPoolError(new AwsServiceError('TooManyRequestsException', 'Rate exceeded', 400), 'login', 'p')).toMatchObject({ exitCode: 7 });
    expect(userPoolError(new AwsServiceError('InternalErrorException', 'boom', 500), 'login', 'p')).toMatchObject({ exitCode: 6 });
    expect(userPoolError(new AwsServiceError('WeirdException', 'odd', 400), 'login', 'p')).toMatchObject({ exitCode: 3, message: 'WeirdException: odd' });
  });
  it('a refused refresh says to log in again, naming the profile', () => {
    expect(userPoolError(new AwsServiceError('NotAuthorizedException', 'Refresh Token has expired', 400), 'refresh', 'prod'))
      .toMatchObject({ exitCode: 3, hint: 'run `authapi login --profile prod`' });
  });
  it('leaves non-service errors alone', () => {
    const e = new Error('x');
    expect(userPoolError(e, 'login', 'p')).toBe(e);
  });
});
