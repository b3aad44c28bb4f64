// Token refresh: REFRESH_TOKEN_AUTH (InitiateAuth) and GetTokensFromRefreshToken.
// With the app client's RefreshTokenRotation on, only GetTokensFromRefreshToken may
// refresh; each call hands out a new refresh token with the session's original
// expiry, and the one it replaces keeps working for RetryGracePeriodSeconds so a
// client can retry an answer it lost.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
import { timingSafeEqual } from 'node:crypto';
import type { UserPoolClientModel } from '../model.js';
import type { IdpContext, PoolRuntime } from './context.js';
import { MSG, invalidParameter, missingParameter, notAuthorized } from './errors.js';
import { checkSecretHash, checkSecretHashPresence } from './secret-hash.js';
import { issueTokens, lookupRefreshToken } from './tokens.js';
import { validate } from './validate.js';

type Body = Record<string, unknown>;

/**
 * What REFRESH_TOKEN_AUTH gets from a rotating client. Cognito refuses it (the
 * developer guide: "You can't authenticate with REFRESH_TOKEN_AUTH in app clients
 * with refresh token rotation enabled"); the exact words are unverified — no capture.
 */
export const ROTATION_REFUSAL = 'Refresh token rotation is enabled for this app client. Use GetTokensFromRefreshToken to refresh tokens.';

/** InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens, never a refresh token. */
export async function refreshAuth(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, params: Record<string, unknown>) {
  const token = params.REFRESH_TOKEN;
  if (typeof token !== 'string' || token === '') throw missingParameter('REFRESH_TOKEN');
  if (client.refreshTokenRotation.enabled) throw invalidParameter(ROTATION_REFUSAL);
  checkSecretHashPresence(client, params.SECRET_HASH);
  const rec = lookupRefreshToken(ctx, pool, token, client.clientId);
  const user = pool.state.users[rec.userKey];
  if (!user) throw notAuthorized(MSG.refreshInvalid);
  // The hash is over the user's internal username (cognito:username), not an alias.
  checkSecretHash(client, params.SECRET_HASH, user.username);
  if (!user.enabled) throw notAuthorized(MSG.disabled);
  const result = await issueTokens(ctx, pool, client, user, { authTime: rec.authTime, originJti: rec.originJti, withRefreshToken: false });
  return { AuthenticationResult: result, ChallengeParameters: {} };
}

/** GetTokensFromRefreshToken { RefreshToken, ClientId, ClientSecret? } → { AuthenticationResult }. */
export async function getTokensFromRefreshToken(ctx: IdpContext, body: Body): Promise<unknown> {
  validate(body, [
    { name: 'RefreshToken', required: true, min: 1 },
    { name: 'ClientId', required: true, min: 1, max: 128 },
    { name: 'ClientSecret', min: 1, max: 64 },
  ]);
  const { pool, client } = ctx.clientById(body.ClientId as string);
  checkClientSecret(client, body.ClientSecret);
  const token = body.RefreshToken as string;
  const rec = lookupRefreshToken(ctx, pool, token, client.clientId);
  const user = pool.state.users[rec.userKey];
  if (!user) throw notAuthorized(MSG.refreshInvalid);
  if (!user.enabled) throw notAuthorized(MSG.disabled);
  const rotation = client.refreshTokenRotation;
  const result = await issueTokens(ctx, pool, client, user, {
    authTime: rec.authTime,
    originJti: rec.originJti,
    withRefreshToken: rotation.enabled,
    refreshExpiresAt: rec.expiresAt,
  });
  if (rotation.enabled && rec.rotatedOutUntil === undefined) {
    // A retry inside the grace period gets tokens again but does not extend it.
    rec.rotatedOutUntil = ctx.clock.now() + rotation.retryGracePeriodSeconds * 1000;
    ctx.changed();
  }
  return { AuthenticationResult: result };
}

/**
 * GetTokensFromRefreshToken takes the client secret itself (not a SECRET_HASH).
 * The messages mirror SECRET_HASH's (AWS's for that case); unverified for this operation.
 */
function checkClientSecret(client: UserPoolClientModel, given: unknown): void {
  if (client.clientSecret === undefined) {
    if (given !== undefined && given !== null && given !== '') {
      throw invalidParameter(`App client ${client.clientId} is not configured for secret but secret was received`);
    }
    return;
  }
  if (typeof given !== 'string' || given === '') throw notAuthorized(`Client ${client.clientId} is configured for secret but secret was not received`);
  const a = Buffer.from(given);
  const b = Buffer.from(client.clientSecret);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw notAuthorized(`Unable to verify secret for client ${client.clientId}`);
}
