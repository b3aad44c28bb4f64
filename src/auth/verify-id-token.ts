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

export const JWKS_TIMEOUT_MS = 5_000;

/**
 * The pool's signing keys, fetched with `call`'s HTTP client (src/http/client.ts), so
 * the proxy, AWS_CA_BUNDLE and timeout apply as to every other request.
 */
export async function fetchJwks(profile: Profile, env: NodeJS.ProcessEnv): Promise<{ keys: unknown[] }> {
  const url = new URL(jwksUrl(profile));
  const [{ send }, { networkFor, serviceTimeoutMs }] = await Promise.all([import('../http/client.js'), import('../http/network.js')]);
  const { proxy, ca } = networkFor(url, env);
  const res = await send({
    method: 'GET', protocol: url.protocol === 'http:' ? 'http:' : 'https:', hostname: url.hostname, port: url.port,
    path: `${url.pathname}${url.search}`, headers: { host: url.host, accept: 'application/json' }, signature: '',
  }, { timeoutMs: serviceTimeoutMs(env, JWKS_TIMEOUT_MS), proxy, ca });
  if (res.status !== 200) throw new Error(`the JWKS at ${url.href} answered ${res.status} ${res.statusText}`.trim());
  let jwks: unknown;
  try {
    jwks = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error(`the JWKS at ${url.href} is not JSON`);
  }
  if (!jwks || typeof jwks !== 'object' || !Array.isArray((jwks as { keys?: unknown }).keys)) throw new Error(`the JWKS at ${url.href} holds no keys`);
  return jwks as { keys: unknown[] };
}

/** Resolves with the verified claims, or rejects with why they are not. */
export async function verifyIdToken(profile: Profile, idToken: string, nowMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  const jwks = createLocalJWKSet((await fetchJwks(profile, env)) as Parameters<typeof createLocalJWKSet>[0]);
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: expectedIssuers(profile),
    audience: profile.userPoolClientId,
    algorithms: ['RS256'],
    currentDate: new Date(nowMs),
  });
  if (payload.token_use !== 'id') throw new Error(`token_use is ${JSON.stringify(payload.token_use)}, not "id"`);
  return payload as Record<string, unknown>;
}
