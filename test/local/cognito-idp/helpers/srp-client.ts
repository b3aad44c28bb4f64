// A small SRP client for tests that need to bend the protocol (stale TIMESTAMP, A = 0,
// SECRET_HASH…), written from docs/protocols.md with the shared constants; the "nobody here
// wrote it" proof is amazon-cognito-identity-js in srp-login.test.ts.
import { randomBytes } from 'node:crypto';
import {
  InitiateAuthCommand, RespondToAuthChallengeCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  N, g, k, modPow, computeU, computeX, deriveKey, claimSignature, cognitoTimestamp, secretHash,
} from '../../../../src/shared/srp-constants.js';

export interface SrpLoginOptions {
  sdk: CognitoIdentityProviderClient;
  poolId: string;
  clientId: string;
  username: string;
  password: string;
  clientSecret?: string;
  /** Override SRP_A (e.g. "0" or N). */
  srpA?: string;
  /** TIMESTAMP to send (default: now by `nowMs`, correct format). */
  timestamp?: (now: Date) => string;
  nowMs?: number;
  /** Name hashed into SECRET_HASH at the second step (default: USER_ID_FOR_SRP). */
  secondStepHashName?: (userIdForSrp: string) => string;
  secretHashOverride?: string | null;
}

export async function srpInitiate(o: SrpLoginOptions) {
  const a = BigInt('0x' + randomBytes(128).toString('hex'));
  const A = modPow(g, a, N);
  const params: Record<string, string> = { USERNAME: o.username, SRP_A: o.srpA ?? A.toString(16) };
  if (o.secretHashOverride !== undefined) {
    if (o.secretHashOverride !== null) params.SECRET_HASH = o.secretHashOverride;
  } else if (o.clientSecret) params.SECRET_HASH = secretHash(o.clientSecret, o.username, o.clientId);
  const init = await o.sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: o.clientId, AuthParameters: params }));
  return { a, A, init };
}

/** Full SRP sign-in; returns the RespondToAuthChallenge output. */
export async function srpLogin(o: SrpLoginOptions) {
  const { a, A, init } = await srpInitiate(o);
  const cp = init.ChallengeParameters!;
  const userIdForSrp = cp.USER_ID_FOR_SRP!;
  const B = BigInt('0x' + cp.SRP_B!);
  const poolName = o.poolId.split('_')[1]!;
  const u = computeU(A, B);
  const x = computeX(cp.SALT!, poolName, userIdForSrp, o.password);
  const S = modPow((B - ((k * modPow(g, x, N)) % N) + N) % N, a + u * x, N);
  const key = deriveKey(S, u);
  const now = new Date(o.nowMs ?? Date.now());
  const timestamp = o.timestamp ? o.timestamp(now) : cognitoTimestamp(now);
  const responses: Record<string, string> = {
    USERNAME: userIdForSrp,
    PASSWORD_CLAIM_SECRET_BLOCK: cp.SECRET_BLOCK!,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: claimSignature(key, poolName, userIdForSrp, cp.SECRET_BLOCK!, timestamp),
  };
  if (o.clientSecret) {
    const name = o.secondStepHashName ? o.secondStepHashName(userIdForSrp) : userIdForSrp;
    responses.SECRET_HASH = secretHash(o.clientSecret, name, o.clientId);
  }
  return o.sdk.send(new RespondToAuthChallengeCommand({
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: o.clientId,
    ChallengeResponses: responses,
  }));
}
