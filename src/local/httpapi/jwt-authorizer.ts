// An HTTP API's JWT authorizer, in the order AWS documents
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
// the token from the identity source (alone, or after `Bearer `), decoded; its
// algorithm and signature checked with the issuer's keys (here: the emulated user
// pool whose issuer URL it is); then kid, iss, aud — or client_id when the token has
// no aud — exp, nbf, iat; then the route's scopes (one of them in `scope`).
//
// The refusal descriptions: "token contains an invalid number of segments" and "the
// token does not have a valid audience" are confirmed by captured samples; the others
// are not (the signature and time ones follow the wording of the Go JWT library the
// confirmed segment message comes from, the issuer one follows the audience one).
import type { JSONWebKeySet } from 'jose';
import type { Clock, JwtAuthorizerModel } from '../model.js';
import { jose } from '../lazy-jose.js';


/** The issuer's public keys (JWKS), or undefined when the emulator does not know the issuer. */
export type IssuerKeys = (issuer: string) => { keys: object[] } | undefined;

export type JwtVerdict =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; refusal: 'no-token' }
  | { ok: false; refusal: 'invalid-token'; description: string }
  | { ok: false; refusal: 'insufficient-scope' };

/** The token in the identity source's value: alone, or after `Bearer ` (any case). */
export function tokenOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const m = /^bearer\s+(.*)$/is.exec(v);
  const token = (m ? m[1]! : v).trim();
  return token === '' ? undefined : token;
}

/** Go's time.Duration formatting for whole seconds: 90 → `1m30s`, 3600 → `1h0m0s`. */
export function goDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/**
 * Claims as HTTP APIs hand them to the function: every value a string. Arrays are
 * written the way Go prints them (`[a b]`), as observed in deployed APIs (not confirmed
 * by a captured sample of ours); objects as JSON.
 */
export function stringClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}]`;
    else if (v !== null && typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

const keySets = new Map<string, ReturnType<typeof import('jose').createLocalJWKSet>>();

export async function authorizeJwt(
  authorizer: JwtAuthorizerModel,
  headerValue: string | undefined,
  routeScopes: readonly string[] | undefined,
  issuerKeys: IssuerKeys,
  clock: Clock,
): Promise<JwtVerdict> {
  const token = tokenOf(headerValue);
  if (token === undefined) return { ok: false, refusal: 'no-token' };
  const invalid = (description: string): JwtVerdict => ({ ok: false, refusal: 'invalid-token', description });
  if (token.split('.').length !== 3) return invalid('token contains an invalid number of segments');

  const { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader } = await jose();
  let header: { alg?: string; kid?: string };
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return invalid('token is malformed');
  }
  // API Gateway accepts RSA signatures only.
  if (!header.alg || !/^RS(256|384|512)$/.test(header.alg)) return invalid(`signing method ${header.alg ?? 'none'} is invalid`);
  const keys = issuerKeys(authorizer.issuer);
  if (!keys || !keys.keys.some((k) => (k as { kid?: string }).kid === header.kid)) return invalid('the token was not signed by a key of the issuer');
  const cacheKey = `${authorizer.issuer}\0${keys.keys.map((k) => (k as { kid?: string }).kid).join(',')}`;
  let set = keySets.get(cacheKey);
  if (!set) {
    if (keySets.size > 64) keySets.clear();
    set = createLocalJWKSet(keys as JSONWebKeySet);
    keySets.set(cacheKey, set);
  }
  try {
    await compactVerify(token, set, { algorithms: [header.alg] });
  } catch {
    return invalid('crypto/rsa: verification error');
  }

  if (claims.iss !== authorizer.issuer) return invalid('the token does not have a valid issuer');
  // aud when present (a string or a list), else client_id (Cognito access tokens).
  const audiences = claims.aud !== undefined ? (Array.isArray(claims.aud) ? claims.aud : [claims.aud]) : claims.client_id !== undefined ? [claims.client_id] : [];
  if (!audiences.some((a) => typeof a === 'string' && authorizer.audience.includes(a))) return invalid('the token does not have a valid audience');
  const now = Math.floor(clock.now() / 1000);
  if (typeof claims.exp !== 'number') return invalid('token is missing the exp claim');
  if (now >= claims.exp) return invalid(`token is expired by ${goDuration(now - claims.exp)}`);
  if (typeof claims.nbf === 'number' && now < claims.nbf) return invalid('token is not valid yet');
  if (typeof claims.iat === 'number' && now < claims.iat) return invalid('Token used before issued');

  const tokenScopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : Array.isArray(claims.scp) ? claims.scp.map(String) : [];
  if (routeScopes && routeScopes.length > 0) {
    if (!routeScopes.some((s) => tokenScopes.includes(s))) return { ok: false, refusal: 'insufficient-scope' };
    return { ok: true, claims: stringClaims(claims), scopes: tokenScopes };
  }
  // A route without scopes hands the function `scopes: null` (observed in deployed APIs).
  return { ok: true, claims: stringClaims(claims), scopes: null };
}
