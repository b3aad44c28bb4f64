// Checks one entry of a Logins map the way the Identity Pool does: the key names a
// provider of this pool, the value is that user pool's ID token — signed by one of
// its keys (JWKS), issued by it, for the registered client, not expired.
import type { JSONWebKeySet } from 'jose';
import type { Clock, IdentityPoolModel } from '../model.js';
import { IdentityError, MSG } from './errors.js';
import { jose } from '../lazy-jose.js';

export interface VerifiedLogin {
  providerName: string;
  sub: string;
  userPoolId: string;
}

export type JwksSource = (userPoolId: string) => JSONWebKeySet | { keys: object[] } | undefined;

const notAuthorized = (message: string) => new IdentityError('NotAuthorizedException', message);


export async function verifyLogin(
  pool: IdentityPoolModel,
  providerName: string,
  token: unknown,
  jwks: JwksSource,
  clock: Clock,
): Promise<VerifiedLogin> {
  const { compactVerify, createLocalJWKSet, decodeJwt } = await jose();
  const provider = pool.providers.find((p) => p.providerName === providerName);
  if (!provider) throw notAuthorized(MSG.unsupportedProvider);
  if (typeof token !== 'string') throw notAuthorized(MSG.notAJwt);
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw notAuthorized(MSG.notAJwt);
  }
  if (claims.iss !== `https://${providerName}`) throw notAuthorized(MSG.issuerMismatch);
  const userPoolId = providerName.slice(providerName.lastIndexOf('/') + 1);
  const keys = jwks(userPoolId);
  if (!keys) throw notAuthorized(MSG.cannotVerify);
  try {
    await compactVerify(token, createLocalJWKSet(keys as JSONWebKeySet), { algorithms: ['RS256'] });
  } catch {
    throw notAuthorized(MSG.cannotVerify);
  }
  // An access token has no aud (it has client_id): AWS names the missing claim.
  if (claims.aud === undefined) throw notAuthorized(MSG.missingAud);
  const nowSeconds = Math.floor(clock.now() / 1000);
  if (typeof claims.exp !== 'number' || nowSeconds >= claims.exp) throw notAuthorized(MSG.tokenExpired(nowSeconds, Number(claims.exp)));
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(provider.clientId)) throw notAuthorized(MSG.unsupportedProvider);
  if (claims.token_use !== 'id') throw notAuthorized(MSG.notIdToken);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw notAuthorized(MSG.cannotVerify);
  return { providerName, sub: claims.sub, userPoolId };
}
