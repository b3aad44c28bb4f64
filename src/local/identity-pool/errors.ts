// The Identity Pool's refusals, with AWS's exact messages as captured from the service
// (error types: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/CommonErrors.html). Turned into the JSON 1.1 error shape in one place (service.ts).
export class IdentityError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

export const MSG = {
  unauthNotSupported: 'Unauthenticated access is not supported for this identity pool.',
  loginsDontMatch: "Logins don't match. Please include at least one valid login for this identity or identity pool.",
  badRoles: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
  poolNotFound: (id: string) => `IdentityPool '${id}' not found.`,
  identityNotFound: (id: string) => `Identity '${id}' not found.`,
  tokenExpired: (now: number, exp: number) => `Invalid login token. Token expired: ${now} >= ${exp}`,
  issuerMismatch: "Invalid login token. Issuer doesn't match providerName",
  cannotVerify: "Invalid login token. Couldn't verify signed token.",
  missingAud: 'Invalid login token. Missing a required claim: aud',
  unsupportedProvider: 'Token is not from a supported provider of this identity pool.',
  // Uncertain (no capture): what AWS says for a token that is not a JWT at all.
  notAJwt: 'Invalid login token. Not a valid OpenId Connect identity token.',
  // Uncertain: an ID-token-shaped JWT whose token_use is not "id".
  notIdToken: 'Invalid login token. Token is not an ID token.',
} as const;
