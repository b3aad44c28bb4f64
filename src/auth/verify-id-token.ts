// `authapi status --verify`: check the ID token's RS256 signature against the pool's
// JWKS (fetched from the User Pool endpoint), plus iss, aud, token_use and exp, so the
// claims shown can be labelled "verified". Without --verify they are shown as
// "unverified": decoded locally, which proves nothing about who signed them.
import type { Profile } from '../config/profile.js';
import { regionOfPool } from '../config/profile.js';
import { userPoolEndpoint } from './user-pool.js';

export function jwksUrl(profile: Profile): string {
  return `${userPoolEndpoint(profile).replace(/\/+$/, '')}/${profile.userPoolId}/.well-known/jwks.json`;
}

export function expectedIssuers(profile: Profile): string[] {
  const aws = `https://cognito-idp.${regionOfPool(profile.userPoolId)}.amazonaws.com/${profile.userPoolId}`;
  const override = profile.endpoints?.cognitoIdp ? `${profile.endpoints.cognitoIdp.replace(/\/+$/, '')}/${profile.userPoolId}` : undefined;
  return override ? [aws, override] : [aws];
}

/** Resolves with the verified claims, or rejects with why they are not. */
export async function verifyIdToken(profile: Profile, idToken: string, nowMs: number): Promise<Record<string, unknown>> {
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const jwks = createRemoteJWKSet(new URL(jwksUrl(profile)), { timeoutDuration: 5_000 });
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: expectedIssuers(profile),
    audience: profile.userPoolClientId,
    algorithms: ['RS256'],
    currentDate: new Date(nowMs),
  });
  if (payload.token_use !== 'id') throw new Error(`token_use is ${JSON.stringify(payload.token_use)}, not "id"`);
  return payload as Record<string, unknown>;
}
