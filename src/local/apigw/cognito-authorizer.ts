// A REST API method's COGNITO_USER_POOLS authorizer, as API Gateway runs it before the
// API key step: the token from the identity-source header, signed by one of the
// authorizer's pools (its JWKS: the emulator's own signing keys), issued by that pool,
// not expired. Without AuthorizationScopes the method takes an ID token whose `aud` is
// a client of the pool; with them, an access token whose `scope` holds one of them.
// What each refusal looks like is listed in docs/local-apis.md.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import type { CognitoAuthorizerModel, UserPoolModel } from '../model.js';
import { stringClaims, tokenOf } from '../httpapi/jwt-authorizer.js';
import { jose } from '../lazy-jose.js';

export type JwksSource = (userPoolId: string) => JSONWebKeySet | { keys: object[] } | undefined;

export type CognitoVerdict =
  | { ok: true; claims: Record<string, string> }
  /** 401 Unauthorized, 401 "The incoming token has expired", 403 for a scope the token lacks. */
  | { ok: false; refusal: 'unauthorized' | 'expired' | 'scope' };


const UNAUTHORIZED: CognitoVerdict = { ok: false, refusal: 'unauthorized' };

export class CognitoAuthorizers {
  private readonly poolsById: Map<string, UserPoolModel>;
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly expressions = new Map<string, RegExp>();

  constructor(pools: readonly UserPoolModel[], private readonly jwks: JwksSource) {
    this.poolsById = new Map(pools.map((p) => [p.id, p]));
  }

  /** The JWKS of a pool, made once: a pool's keys do not change while the emulator runs. */
  private async keySet(poolId: string): Promise<JWTVerifyGetKey | undefined> {
    let set = this.keySets.get(poolId);
    if (!set) {
      const keys = this.jwks(poolId);
      if (!keys) return undefined;
      set = (await jose()).createLocalJWKSet(keys as JSONWebKeySet);
      this.keySets.set(poolId, set);
    }
    return set;
  }

  async check(authorizer: CognitoAuthorizerModel, scopes: readonly string[] | undefined, headerValue: string | undefined, nowMs: number): Promise<CognitoVerdict> {
    // A `Bearer ` prefix is taken off as HTTP APIs do: AWS's own workshop material passes
    // "Bearer <token>" to a Cognito authorizer and it is accepted (no captured wire
    // sample confirms it for live calls).
    const token = tokenOf(headerValue);
    if (token === undefined) return UNAUTHORIZED;
    const { compactVerify, decodeJwt } = await jose();
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      return UNAUTHORIZED;
    }
    // The issuer picks the pool, which must be one of the authorizer's.
    const pool = authorizer.userPoolIds.map((id) => this.poolsById.get(id)).find((p) => p !== undefined && p.issuer === claims.iss);
    if (!pool) return UNAUTHORIZED;
    const keys = await this.keySet(pool.id);
    if (!keys) return UNAUTHORIZED;
    try {
      await compactVerify(token, keys, { algorithms: ['RS256'] });
    } catch {
      return UNAUTHORIZED;
    }
    if (typeof claims.exp !== 'number' || Math.floor(nowMs / 1000) >= claims.exp) return { ok: false, refusal: 'expired' };
    const clients = pool.clients.map((c) => c.clientId);
    if (!scopes || scopes.length === 0) {
      if (claims.token_use !== 'id' || typeof claims.aud !== 'string' || !clients.includes(claims.aud)) return UNAUTHORIZED;
      if (authorizer.validationExpression !== undefined && !this.expression(authorizer.validationExpression).test(claims.aud)) return UNAUTHORIZED;
    } else {
      // An ID token has no scope: a method with scopes takes access tokens only.
      if (claims.token_use !== 'access' || typeof claims.client_id !== 'string' || !clients.includes(claims.client_id)) return UNAUTHORIZED;
      const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      if (!scopes.some((s) => granted.includes(s))) return { ok: false, refusal: 'scope' };
    }
    return { ok: true, claims: claimStrings(claims) };
  }

  /** ValidationExpression against the whole aud (AWS does not say whole or part). */
  private expression(source: string): RegExp {
    let re = this.expressions.get(source);
    if (!re) this.expressions.set(source, (re = new RegExp(`^(?:${source})$`)));
    return re;
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sun Jan 08 08:12:34 UTC 2017`: how REST APIs hand `exp` and `iat` to the integration. */
export function claimDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The claims as `requestContext.authorizer.claims`: every value a string, as HTTP APIs
 * hand them too (`stringClaims`), except that captured REST events show `exp`/`iat` as
 * dates (`claimDate`). Arrays (`cognito:groups`) become `[a b]` — not confirmed by a
 * captured REST sample.
 */
export function claimStrings(claims: Record<string, unknown>): Record<string, string> {
  const out = stringClaims(claims);
  for (const name of ['exp', 'iat'] as const) {
    const value = claims[name];
    if (typeof value === 'number') out[name] = claimDate(value);
  }
  return out;
}
