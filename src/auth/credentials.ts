// The AWS credentials the session layer hands out, and the rule for when cached ones
// are still good enough. One home for both sides: the session layer (src/auth) makes
// them, `call`, `batch` and `credentials` (src/http, src/commands) use them, and
// imports run one way only (commands → http → auth → store).

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds, from the server's Expiration. */
  expiration: number;
}

/** Cached credentials must stay valid this long to be handed out without a refresh. */
export const DEFAULT_MIN_VALIDITY_MS = 5 * 60_000;

/** An ID token this close to expiry is refreshed before it is sent to the Identity Pool. */
export const ID_TOKEN_MARGIN_MS = 2 * 60_000;

export interface GetCredentialsOptions {
  /** The Identity Pool's unauthenticated identity instead of the logged-in user. */
  guest?: boolean;
  /** Cached credentials must be valid at least this long (default DEFAULT_MIN_VALIDITY_MS). */
  minValidityMs?: number;
  /**
   * The API refused the cached credentials: drop them everywhere (agent and store) and
   * get new ones from the tokens; still done once across processes.
   */
  forceRefresh?: boolean;
}

/** The user pool tokens an authorizer takes: the ID token or the access token. */
export type TokenKind = 'id' | 'access';

export interface GetTokenOptions {
  /** The token must stay valid at least this long (default ID_TOKEN_MARGIN_MS). */
  minValidityMs?: number;
  /** The API refused the token (expired, revoked): refresh even if it looks valid. */
  forceRefresh?: boolean;
}
