// GetOpenIdToken's token: an OpenID Connect JWT issued by
// https://cognito-identity.amazonaws.com for an identity — `sub` the identity id,
// `aud` the identity pool id, `amr` as the trust policies see it — valid for ten
// minutes (the API reference: "The OpenID token is valid for 10 minutes").
// Unverified (no captured token): the RS512 algorithm and the exact header; the
// claim set follows the documented trust-policy keys.
// https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html
import { loadSigningKey, type LoadedKey } from '../cognito-idp/signing-keys.js';
import type { SigningKeyState } from '../cognito-idp/state.js';
import { trustContext } from './trust-policy.js';
import { jose } from '../lazy-jose.js';

export const OPENID_ISSUER = 'https://cognito-identity.amazonaws.com';
export const OPENID_TOKEN_SECONDS = 600;


const loaded = new WeakMap<SigningKeyState, LoadedKey>();
function key(state: SigningKeyState): LoadedKey {
  let k = loaded.get(state);
  if (!k) {
    k = loadSigningKey(state);
    loaded.set(state, k);
  }
  return k;
}

export interface OpenIdTokenRequest {
  identityId: string;
  identityPoolId: string;
  login?: { providerName: string; sub: string };
  nowSeconds: number;
}

export async function signOpenIdToken(state: SigningKeyState, r: OpenIdTokenRequest): Promise<string> {
  const { SignJWT } = await jose();
  const k = key(state);
  const amr = trustContext({ identityPoolId: r.identityPoolId, identityId: r.identityId, ...(r.login ? { login: r.login } : {}) }).get('cognito-identity.amazonaws.com:amr');
  return new SignJWT({ sub: r.identityId, aud: r.identityPoolId, amr, iss: OPENID_ISSUER, iat: r.nowSeconds, exp: r.nowSeconds + OPENID_TOKEN_SECONDS })
    .setProtectedHeader({ kid: k.kid, typ: 'JWS', alg: 'RS512' })
    .sign(k.privateKey);
}

export function openIdJwks(state: SigningKeyState): { keys: object[] } {
  return { keys: [{ ...key(state).publicJwk, alg: 'RS512' }] };
}
