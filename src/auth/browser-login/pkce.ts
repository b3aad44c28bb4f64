// PKCE (RFC 7636, S256 — the only method Cognito takes) and the random `state`.
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** 43 characters of base64url (32 random bytes): sent only to the token endpoint. */
  verifier: string;
  /** BASE64URL(SHA-256(verifier)) without padding: sent to /oauth2/authorize. */
  challenge: string;
}

export function newPkce(random: (n: number) => Buffer = randomBytes): Pkce {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function newState(random: (n: number) => Buffer = randomBytes): string {
  return random(24).toString('base64url');
}
