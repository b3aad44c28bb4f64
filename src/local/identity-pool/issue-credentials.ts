// Temporary credentials in the shapes AWS uses: AccessKeyId `ASIA` + 16 upper-case
// alphanumerics, a 40-character secret, an opaque session token.
import { randomBytes } from 'node:crypto';

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Alphabets of 32 and 64 characters: a byte maps without bias. */
export function randomFrom(alphabet: string, length: number): string {
  let s = '';
  for (const b of randomBytes(length)) s += alphabet[b % alphabet.length];
  return s;
}

export function newAccessKeyId(): string {
  return `ASIA${randomFrom(UPPER_ALNUM, 16)}`;
}

export function newSecretAccessKey(): string {
  return randomFrom(SECRET_CHARS, 40);
}

export function newSessionToken(): string {
  // Real tokens are long base64 blobs; their length matters to clients that store them.
  return randomBytes(420).toString('base64');
}
