// What a User Pool refusal means for the person at the terminal: one line with
// Cognito's own words (users search for them) and, where they can act, a hint.
// Exit 3 for every refusal of the credentials themselves; exit 2 when the profile
// is wrong (client, pool, flow not enabled); 7 when throttled.
import { AuthError, ConfigError, NetworkError, ThrottledError, type UserError } from '../errors.js';
import { AwsServiceError } from './aws-json.js';
import { loginCommand } from './login-command.js';

export type AuthPhase = 'login' | 'refresh' | 'revoke';

export function userPoolError(err: unknown, phase: AuthPhase, profileName: string): unknown {
  if (!(err instanceof AwsServiceError)) return err;
  const { type, message } = err;
  const login = loginCommand(profileName);
  const fail = (hint?: string): UserError => new AuthError(message, hint, { cause: err });

  if (err.status >= 500) {
    return new NetworkError(`the User Pool failed (${type}: ${message})`, 'try again in a moment', { cause: err });
  }
  if (/secret hash|configured for secret|not configured for secret/i.test(message)) {
    return new ConfigError(message, `check clientSecret in profile "${profileName}" (\`authapi configure --profile ${profileName} --client-secret …\`)`, { cause: err });
  }
  switch (type) {
    case 'NotAuthorizedException':
      if (phase === 'refresh') return fail(`run ${login}`);
      if (/attempts exceeded/i.test(message)) return fail('the account is locked for a while after repeated failures; wait and try again');
      if (/disabled/i.test(message)) return fail('an administrator must enable the account');
      if (/session/i.test(message)) return fail('the sign-in took too long or was already used; run the login again');
      return fail();
    case 'UserNotFoundException':
      return fail('check the username (it may be case-sensitive in this pool)');
    case 'UserNotConfirmedException':
      return fail('confirm the account first (the code sent at sign-up), or ask an administrator to confirm it');
    case 'PasswordResetRequiredException':
      return fail('reset the password (forgot-password flow or an administrator), then log in again');
    case 'InvalidPasswordException':
      return fail('choose a password that meets the pool\'s policy');
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      return fail('check the code from your authenticator app or SMS and log in again');
    case 'EnableSoftwareTokenMFAException':
      return new AuthError(`the authenticator app's code was not accepted (${message})`,
        'check that the app and this machine agree on the time, then run the login again (a new key will be shown)', { cause: err });
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new ThrottledError(message, 'wait a little and try again');
    case 'InvalidParameterException':
    case 'ResourceNotFoundException':
      return new ConfigError(message, `check profile "${profileName}" (\`authapi status --profile ${profileName}\`)`, { cause: err });
    case 'UnsupportedOperationException':
    case 'UnsupportedTokenTypeException':
      return fail();
    default:
      return new AuthError(`${type}: ${message}`, undefined, { cause: err });
  }
}
