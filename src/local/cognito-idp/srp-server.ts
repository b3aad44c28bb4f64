// The server half of Cognito's SRP-6a (docs/protocols.md, "SRP, as Cognito does it"), on
// native BigInt. Never crypto.createDiffieHellman: its parameter check alone costs
// ~2 s of CPU per object on the project's machine.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { N, g, k, modPow, padHex, computeU, computeX, deriveKey, claimSignature } from '../../shared/srp-constants.js';

export interface PasswordVerifier {
  /** padHex form, so that client (which reads it as a number) and server hash the same bytes. */
  salt: string;
  verifier: string;
}

function randomBigInt(bytes: number): bigint {
  return BigInt('0x' + randomBytes(bytes).toString('hex'));
}

/** Salt + verifier for a password; the password itself is not kept anywhere. */
export function makeVerifier(poolName: string, userIdForSrp: string, password: string): PasswordVerifier {
  const salt = padHex(randomBigInt(16));
  const x = computeX(salt, poolName, userIdForSrp, password);
  return { salt, verifier: modPow(g, x, N).toString(16) };
}

/** USER_PASSWORD_AUTH: recompute v from the password and compare (one exponentiation). */
export function passwordMatches(stored: PasswordVerifier, poolName: string, userIdForSrp: string, password: string): boolean {
  const x = computeX(stored.salt, poolName, userIdForSrp, password);
  return modPow(g, x, N) === BigInt('0x' + stored.verifier);
}

/** A salt that is the same on every attempt for one unknown name, so probing cannot tell. */
export function fakeSalt(keyHex: string, normalisedName: string): string {
  const digest = createHmac('sha256', Buffer.from(keyHex, 'hex')).update(normalisedName).digest('hex').slice(0, 32);
  return padHex(BigInt('0x' + digest));
}

/** Parses SRP_A; undefined when it is not hex or when A ≡ 0 (mod N) (RFC 5054 §2.5.4). */
export function parseA(hex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length > 2048) return undefined;
  const A = BigInt('0x' + hex);
  return A % N === 0n ? undefined : A;
}

export interface ServerEphemeral {
  b: bigint;
  B: bigint;
}

/**
 * B = (k·v + g^b) mod N with a fresh b. A b whose B is 0 mod N, or whose u would be 0,
 * is thrown away and drawn again (both would void the proof).
 */
export function serverEphemeral(verifier: bigint, A: bigint): ServerEphemeral {
  for (;;) {
    const b = randomBigInt(64);
    const B = (k * verifier + modPow(g, b, N)) % N;
    if (B === 0n || computeU(A, B) === 0n) continue;
    return { b, B };
  }
}

/** The 16-byte session key: S = (A·v^u)^b mod N, then Cognito's HKDF step. */
export function serverKey(A: bigint, B: bigint, b: bigint, verifier: bigint): Buffer {
  const u = computeU(A, B);
  const S = modPow((A * modPow(verifier, u, N)) % N, b, N);
  return deriveKey(S, u);
}

/** Constant-time check of PASSWORD_CLAIM_SIGNATURE. */
export function signatureMatches(
  key: Buffer, poolName: string, userIdForSrp: string, secretBlock: string, timestamp: string, signatureB64: string,
): boolean {
  const expected = Buffer.from(claimSignature(key, poolName, userIdForSrp, secretBlock, timestamp), 'base64');
  const given = Buffer.from(signatureB64, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
