// What the Identity Pool remembers across restarts: the identities it handed out
// and, for authenticated ones, the login (provider + sub) each belongs to.
export interface IdentityRecord {
  identityPoolId: string;
  /** Provider name → the user's sub; empty for a guest (unauthenticated) identity. */
  logins: Record<string, string>;
  createdAt: number;
}

export interface IdentityPoolState {
  identities: Record<string, IdentityRecord>;
  /** RSA key of GetOpenIdToken's tokens (private JWK), made on first use. */
  openIdKey?: { kid: string; jwk: Record<string, string> };
}

export function emptyIdentityPoolState(): IdentityPoolState {
  return { identities: {} };
}
