// ID, access and refresh tokens with Cognito's claims (docs/protocols.md, "Tokens and JWKS").
// ID/access tokens are RS256 JWTs signed with the pool's two keys; the refresh token
// is an opaque string shaped like Cognito's 5-part JWE, known to the server only by
// its SHA-256 (so the state file holds no usable token).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { UserPoolClientModel } from '../model.js';
import type { IdpContext, PoolRuntime } from './context.js';
import { userKey } from './context.js';
import { notAuthorized, MSG, CognitoError } from './errors.js';
import type { RefreshTokenRecord, UserRecord } from './state.js';
import { jose } from '../lazy-jose.js';


export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  IdToken: string;
  RefreshToken?: string;
  TokenType: 'Bearer';
}

export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Looks like Cognito's refresh token: header.encryptedKey.iv.ciphertext.tag. */
function newRefreshTokenString(): string {
  const header = b64url(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' }));
  return [header, b64url(randomBytes(256)), b64url(randomBytes(12)), b64url(randomBytes(1200)), b64url(randomBytes(16))].join('.');
}

/** Readable attributes as ID token claims; the *_verified flags become booleans. */
function attributeClaims(user: UserRecord): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === 'sub') continue;
    if (name === 'identities') claims[name] = identitiesClaim(value);
    else claims[name] = name.endsWith('_verified') ? value === 'true' : value;
  }
  return claims;
}

/**
 * A federated user's `identities` attribute is a JSON string (primary a boolean,
 * dateCreated epoch ms, as the developer guide's linking example shows); in the ID
 * token it is an array of objects whose primary and dateCreated are strings, as in
 * ID tokens people have published (no capture of our own).
 */
function identitiesClaim(value: string): unknown {
  try {
    const list = JSON.parse(value) as Record<string, unknown>[];
    return list.map((i) => ({ ...i, primary: String(i.primary), dateCreated: String(i.dateCreated) }));
  } catch {
    return value;
  }
}

/** `cognito:groups` in both tokens when the user is in a group. */
function groupClaims(user: UserRecord): Record<string, unknown> {
  return user.groups?.length ? { 'cognito:groups': [...user.groups] } : {};
}

export interface IssueOptions {
  authTime: number;           // epoch seconds of the original sign-in
  originJti?: string;         // kept on refresh
  withRefreshToken: boolean;
  /** A rotated refresh token keeps the session's original expiry (epoch ms). */
  refreshExpiresAt?: number;
}

export async function issueTokens(
  ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord, opts: IssueOptions,
): Promise<AuthenticationResult> {
  const { SignJWT } = await jose();
  const keys = ctx.keys(pool);
  const now = ctx.clock.now();
  const iat = Math.floor(now / 1000);
  const originJti = opts.originJti ?? randomUUID();
  const eventId = randomUUID();

  const idClaims = {
    sub: user.sub,
    ...groupClaims(user),
    ...attributeClaims(user),
    iss: pool.model.issuer,
    'cognito:username': user.username,
    origin_jti: originJti,
    aud: client.clientId,
    event_id: eventId,
    token_use: 'id',
    auth_time: opts.authTime,
    exp: iat + client.idTokenValiditySeconds,
    iat,
    jti: randomUUID(),
  };
  const accessClaims = {
    sub: user.sub,
    ...groupClaims(user),
    iss: pool.model.issuer,
    client_id: client.clientId,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: opts.authTime,
    exp: iat + client.accessTokenValiditySeconds,
    iat,
    jti: randomUUID(),
    username: user.username,
  };
  const IdToken = await new SignJWT(idClaims).setProtectedHeader({ kid: keys.id.kid, alg: 'RS256' }).sign(keys.id.privateKey);
  const AccessToken = await new SignJWT(accessClaims)
    .setProtectedHeader({ kid: keys.access.kid, alg: 'RS256' })
    .sign(keys.access.privateKey);

  const result: AuthenticationResult = { AccessToken, ExpiresIn: client.accessTokenValiditySeconds, IdToken, TokenType: 'Bearer' };
  if (opts.withRefreshToken) {
    const token = newRefreshTokenString();
    pool.state.refreshTokens[refreshTokenHash(token)] = {
      userKey: userKey(pool.model, user.username),
      clientId: client.clientId,
      originJti,
      authTime: opts.authTime,
      expiresAt: opts.refreshExpiresAt ?? now + client.refreshTokenValiditySeconds * 1000,
      revoked: false,
    };
    result.RefreshToken = token;
    ctx.changed();
  }
  return result;
}

/** Finds a refresh token's record; the errors are Cognito's, in its order. */
export function lookupRefreshToken(ctx: IdpContext, pool: PoolRuntime, token: string, clientId: string): RefreshTokenRecord {
  const rec = pool.state.refreshTokens[refreshTokenHash(token)];
  if (!rec || rec.clientId !== clientId) throw notAuthorized(MSG.refreshInvalid);
  if (rec.revoked || pool.state.revokedOrigins[rec.originJti] !== undefined) throw notAuthorized(MSG.refreshRevoked);
  if (ctx.clock.now() >= rec.expiresAt) throw notAuthorized(MSG.refreshExpired);
  // A token rotated out and past its grace period. Unverified: no capture shows
  // Cognito's words for it; "Invalid Refresh Token." is its answer for an unknown one.
  if (rec.rotatedOutUntil !== undefined && ctx.clock.now() >= rec.rotatedOutUntil) throw notAuthorized(MSG.refreshInvalid);
  return rec;
}

/** Revokes a sign-in session: its refresh token and every access token it produced. */
export function revokeOrigin(pool: PoolRuntime, rec: RefreshTokenRecord): void {
  rec.revoked = true;
  pool.state.revokedOrigins[rec.originJti] = rec.expiresAt;
}

export interface AccessClaims {
  sub: string;
  username: string;
  client_id: string;
  origin_jti: string;
  exp: number;
  iat: number;
  token_use: string;
}

/** Verifies an access token issued by this pool (signature, use, expiry, revocation). */
export async function verifyAccessToken(ctx: IdpContext, token: unknown): Promise<{ pool: PoolRuntime; claims: AccessClaims }> {
  if (typeof token !== 'string' || token.split('.').length !== 3) throw notAuthorized(MSG.accessInvalid);
  const { compactVerify, decodeProtectedHeader } = await jose();
  let payload: AccessClaims;
  let pool: PoolRuntime;
  try {
    const header = decodeProtectedHeader(token);
    const unverified = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iss?: unknown };
    const poolId = typeof unverified.iss === 'string' ? unverified.iss.split('/').pop() ?? '' : '';
    pool = ctx.pool(poolId);
    const keys = ctx.keys(pool);
    if (header.kid !== keys.access.kid || header.alg !== 'RS256') throw new Error('kid');
    const { payload: bytes } = await compactVerify(token, keys.access.publicKey);
    payload = JSON.parse(Buffer.from(bytes).toString('utf8')) as AccessClaims;
  } catch (err) {
    if (err instanceof CognitoError && err.type !== 'ResourceNotFoundException') throw err;
    throw notAuthorized(MSG.accessInvalid);
  }
  if (payload.token_use !== 'access') throw notAuthorized(MSG.accessInvalid);
  if (pool.state.revokedOrigins[payload.origin_jti] !== undefined) throw notAuthorized(MSG.accessRevoked);
  if (Math.floor(ctx.clock.now() / 1000) >= payload.exp) throw notAuthorized(MSG.accessExpired);
  return { pool, claims: payload };
}
