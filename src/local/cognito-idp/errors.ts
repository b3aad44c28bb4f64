// Cognito's error vocabulary. Every refusal the emulator makes is a CognitoError,
// turned into AWS's JSON 1.1 error shape in one place (service.ts). The exact
// messages are AWS's, as captured from the service — clients and users grep for them
// (types: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html).

export class CognitoError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

export const MSG = {
  incorrect: 'Incorrect username or password.',
  lockedOut: 'Password attempts exceeded',
  userNotFound: 'User does not exist.',
  notConfirmed: 'User is not confirmed.',
  disabled: 'User is disabled.',
  resetRequired: 'Password reset required for the user',
  tempPasswordExpired: 'Temporary password has expired and must be reset by an administrator.',
  sessionInvalid: 'Invalid session for the user.',
  sessionUsed: 'Invalid session for the user, session can only be used once.',
  sessionExpired: 'Invalid session for the user, session is expired.',
  refreshInvalid: 'Invalid Refresh Token.',
  refreshExpired: 'Refresh Token has expired',
  refreshRevoked: 'Refresh Token has been revoked',
  accessInvalid: 'Invalid Access Token',
  accessExpired: 'Access Token has expired',
  accessRevoked: 'Access Token has been revoked',
  codeMismatch: 'Invalid code received for user',
  totpReused: 'Your software token has already been used once.',
  timestampFormat: 'TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.',
} as const;

export const notAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message);
export const invalidParameter = (message: string) => new CognitoError('InvalidParameterException', message);
export const missingParameter = (name: string) => invalidParameter(`Missing required parameter ${name}`);

/** The "1 validation error detected" wording AWS uses for a missing top-level member. */
export function validationNull(member: string): CognitoError {
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return new CognitoError(
    'InvalidParameterException',
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
