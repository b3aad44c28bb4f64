// The OpenID Connect discovery document of a pool, served at
// /<poolId>/.well-known/openid-configuration as Cognito serves it. The `issuer` is the
// one in the tokens (Cognito's real https URL, which libraries compare with `iss`);
// `jwks_uri` points at this emulator so verifiers can fetch the keys locally.
// The keys and values follow published samples of Cognito's document. The managed
// login endpoints (authorize, token, userInfo, logout, revoke) are left out: they
// exist only with a user pool domain, which the emulator does not run — unverified
// whether Cognito omits them for a pool without a domain.
import type { LocalResponse, UserPoolModel } from '../model.js';

export function oidcDiscovery(pool: UserPoolModel, baseUrl: string): LocalResponse {
  const body = JSON.stringify({
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: pool.issuer,
    jwks_uri: `${baseUrl}/${pool.id}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  });
  return { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }, body };
}
