// The client half of Cognito's SRP-6a (docs/protocols.md, "SRP, as Cognito does it"), on the
// native-BigInt helpers in src/shared/srp-constants.ts: ~50 ms of CPU per login where
// amazon-cognito-identity-js's jsbn AuthenticationHelper spends ~400 ms. The password
// never leaves the machine: only A and the HMAC claim do.
import { randomBytes } from 'node:crypto';
import {
  N, g, k, claimSignature, cognitoTimestamp, computeU, computeX, deriveKey, modPow,
} from '../shared/srp-constants.js';

export interface SrpStart {
  /** Secret ephemeral a (never sent). */
  a: bigint;
  /** Public A = g^a mod N, sent as SRP_A in hex. */
  A: bigint;
}

/** Picks a (1024 random bits, as the AWS SDKs do) and computes A; A mod N = 0 is retried. */
export function startSrp(random: (n: number) => Buffer = randomBytes): SrpStart {
  for (;;) {
    const a = BigInt('0x' + random(128).toString('hex')) % N;
    if (a === 0n) continue;
    const A = modPow(g, a, N);
    if (A % N !== 0n) return { a, A };
  }
}

export interface PasswordVerifierChallenge {
  SALT: string;
  SRP_B: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
}

export interface PasswordClaim {
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

/**
 * Answers PASSWORD_VERIFIER: S = (B − k·g^x)^(a + u·x) mod N, key = HKDF(S, u),
 * signature = HMAC(key, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp).
 * Throws on a hostile or broken B (B mod N = 0) or u = 0, as SRP-6a requires.
 */
export function passwordClaim(
  start: SrpStart,
  challenge: PasswordVerifierChallenge,
  poolId: string,
  password: string,
  now: Date,
): PasswordClaim {
  const B = BigInt('0x' + challenge.SRP_B);
  if (B % N === 0n) throw new Error('the server sent an invalid SRP_B');
  const u = computeU(start.A, B);
  if (u === 0n) throw new Error('the server sent an SRP_B that makes u zero');
  const poolName = poolId.split('_')[1] ?? poolId;
  const x = computeX(challenge.SALT, poolName, challenge.USER_ID_FOR_SRP, password);
  const base = (((B - ((k * modPow(g, x, N)) % N)) % N) + N) % N;
  const S = modPow(base, start.a + u * x, N);
  const key = deriveKey(S, u);
  const timestamp = cognitoTimestamp(now);
  return {
    PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE: claimSignature(key, poolName, challenge.USER_ID_FOR_SRP, challenge.SECRET_BLOCK, timestamp),
    TIMESTAMP: timestamp,
  };
}
