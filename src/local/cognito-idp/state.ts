// The emulator's persistent User Pool state: what snapshot() returns and what a
// restarted service is given back. Plain JSON only (no bigint, no KeyObject), so the
// owner can write it to disk as is. Passwords are never part of it: a user has a
// salt and an SRP verifier, exactly what Cognito stores.

/** EXTERNAL_PROVIDER: a federated user, created by a sign-in through an identity provider. */
export type UserStatus = 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'UNCONFIRMED' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER';
export type MfaName = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';

export interface UserMfaState {
  smsEnabled: boolean;
  totpEnabled: boolean;
  preferred?: MfaName;
  /** Verified TOTP secret (base32). */
  totpSecret?: string;
  /** Secret handed out by AssociateSoftwareToken(AccessToken), not yet verified. */
  pendingTotpSecret?: string;
  /** Highest 30 s step accepted so far: a code is good once (RFC 6238 §5.2). */
  lastTotpStep?: number;
}

export interface LockoutState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export interface UserRecord {
  /** The username as created; also USER_ID_FOR_SRP and cognito:username. */
  username: string;
  sub: string;
  /** All attributes including `sub`. */
  attributes: Record<string, string>;
  status: UserStatus;
  enabled: boolean;
  /** padHex'd salt and hex verifier v = g^x mod N. */
  salt: string;
  verifier: string;
  passwordSetAt: number;
  createdAt: number;
  updatedAt: number;
  mfa: UserMfaState;
  lockout: LockoutState;
  /** Group names (the `cognito:groups` claim); federated users are in `<poolId>_<ProviderName>`. */
  groups?: string[];
  /** Pending ForgotPassword / AdminResetUserPassword code (delivered through the log). */
  resetCode?: { code: string; expiresAt: number };
}

export interface SigningKeyState {
  kid: string;
  /** Private RSA key as JWK (the public half is derived from it). */
  jwk: Record<string, string>;
}

export interface RefreshTokenRecord {
  /** Normalised user key in `users`. */
  userKey: string;
  clientId: string;
  originJti: string;
  authTime: number;
  expiresAt: number;
  revoked: boolean;
  /**
   * Set when GetTokensFromRefreshToken rotated this token out: it keeps working until
   * then (the client's RetryGracePeriodSeconds), so a client may retry a lost answer.
   */
  rotatedOutUntil?: number;
}

export interface PoolState {
  users: Record<string, UserRecord>;
  keys?: { id: SigningKeyState; access: SigningKeyState };
  /** Keyed by SHA-256 of the refresh token (the token itself is never stored). */
  refreshTokens: Record<string, RefreshTokenRecord>;
  /** origin_jti → epoch ms until which the revocation must be remembered. */
  revokedOrigins: Record<string, number>;
  /** HMAC key for the stable fake salt of unknown users. */
  fakeSaltKey: string;
  /** Epoch ms of the pool's first use in this state (DescribeUserPool's CreationDate). */
  createdAt?: number;
}

export interface CognitoIdpState {
  version: 1;
  pools: Record<string, PoolState>;
}

export function emptyState(): CognitoIdpState {
  return { version: 1, pools: {} };
}
