// New credentials when the cached ones will not do (get-credentials.ts calls these
// under the profile's lock): a guest's from the Identity Pool; a user's from the ID
// token, refreshing the tokens first (the User Pool API after SRP, the token
// endpoint after a browser sign-in) when it is near expiry or the pool refuses it.
// A refresh token Cognito refuses is remembered as expired, so the next command
// fails fast; a refresh that fails for any other reason (network,
// throttling) changes nothing stored.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { ConfigError } from '../errors.js';
import { AwsServiceError } from './aws-json.js';
import { ID_TOKEN_MARGIN_MS } from './credentials.js';
import { fetchIdentityCredentials, identityError, IdTokenRejectedError } from './identity.js';
import { emptySession, writeSession, type SessionRecord, type StoredCredentials, type UserTokens } from './session-data.js';
import { endpointError, OAuthEndpointError, refreshGrant } from './browser-login/token-client.js';
import { loginHint } from './login-command.js';
import { identityApiFor, registerSecrets, type SessionDeps } from './session-deps.js';
import { assertSessionOfLogin, NotLoggedInError, SessionExpiredError } from './session-errors.js';
import type { SessionMarker } from './session-marker.js';
import type { SecretStore } from './store/types.js';
import { httpUserPoolTransport, refreshTokens, type AuthenticationResult } from './user-pool.js';
import { userPoolError } from './user-pool-errors.js';

export async function guestCredentials(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord | undefined, deps: SessionDeps,
  opts: { remember: boolean },
): Promise<StoredCredentials> {
  const api = await identityApiFor(ctx, profile, deps)();
  let got;
  try {
    got = await fetchIdentityCredentials(api, profile, { identityId: session?.guestIdentityId });
  } catch (err) {
    throw identityError(err, ctx.profileName, true);
  }
  registerSecrets(ctx, got.credentials.secretAccessKey, got.credentials.sessionToken);
  if (opts.remember && got.identityId !== session?.guestIdentityId) {
    await writeSession(store, ctx.profileName, { ...(session ?? emptySession(profile)), guestIdentityId: got.identityId });
  }
  return { ...got.credentials, identityId: got.identityId };
}

export async function userCredentials(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord | undefined, marker: SessionMarker, deps: SessionDeps,
): Promise<StoredCredentials> {
  assertSessionOfLogin(session, marker.id, { profileName: ctx.profileName, storeName: store.name, configDir: ctx.configDir });
  const user = session.user;
  if (user.expired) throw new SessionExpiredError(ctx.profileName, user.expired);
  registerSecrets(ctx, user.tokens.idToken, user.tokens.accessToken, user.tokens.refreshToken);

  let tokens = user.tokens;
  let refreshed = false;
  const refresh = async () => {
    tokens = await refreshSessionTokens(ctx, profile, store, session, deps);
    refreshed = true;
  };
  if (tokens.expiresAt - ctx.clock.now() <= ID_TOKEN_MARGIN_MS) await refresh();

  const api = await identityApiFor(ctx, profile, deps)();
  let got;
  for (;;) {
    try {
      got = await fetchIdentityCredentials(api, profile, { idToken: tokens.idToken, identityId: session.user!.identityId });
      break;
    } catch (err) {
      const mapped = identityError(err, ctx.profileName, false);
      // The pool says the ID token expired (clock skew, or a server-side revocation): refresh once.
      if (mapped instanceof IdTokenRejectedError && !refreshed) {
        await refresh();
        continue;
      }
      if (mapped instanceof IdTokenRejectedError) throw new SessionExpiredError(ctx.profileName, mapped.serviceMessage);
      throw mapped;
    }
  }
  registerSecrets(ctx, got.credentials.secretAccessKey, got.credentials.sessionToken);
  if (got.identityId !== session.user!.identityId) {
    session.user = { ...session.user!, identityId: got.identityId };
    await writeSession(store, ctx.profileName, session);
  }
  return { ...got.credentials, identityId: got.identityId, sessionId: marker.id };
}

/**
 * New ID and access tokens from the refresh token, in the way the user signed in:
 * after SRP, the User Pool API (REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken for a
 * rotating client); after a browser sign-in, the managed login's token endpoint
 * (`grant_type=refresh_token`), which is what a code-flow client is allowed to use.
 * Saves the new tokens — a rotated refresh token in place of the old one — before
 * returning them, so a rotated token is stored before anything uses it.
 */
export async function refreshSessionTokens(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord, deps: SessionDeps,
): Promise<UserTokens> {
  const user = session.user;
  if (!user) throw new NotLoggedInError(ctx.profileName);
  ctx.io.debug(`refreshing the tokens of ${user.username} (profile ${ctx.profileName}${user.via === 'browser' ? ', browser sign-in: token endpoint' : ''})`);
  const expire = async (reason: string, cause: unknown): Promise<never> => {
    // The refresh token is dead (expired, revoked, invalid): remember it, so the
    // next command fails fast, and say so.
    session.user = { ...user, expired: reason };
    await writeSession(store, ctx.profileName, session);
    throw new SessionExpiredError(ctx.profileName, reason, { cause });
  };
  let result: AuthenticationResult;
  if (user.via === 'browser') {
    result = await refreshAtTokenEndpoint(ctx, profile, user.tokens.refreshToken, expire);
  } else {
    const send = deps.userPool ?? httpUserPoolTransport(profile, { signal: ctx.signal, debug: (l) => ctx.io.debug(l) });
    try {
      result = await refreshTokens(send, profile, user.tokens.refreshToken, user.username);
    } catch (err) {
      if (err instanceof AwsServiceError && err.type === 'NotAuthorizedException' && err.status < 500) return expire(err.message, err);
      throw userPoolError(err, 'refresh', ctx.profileName);
    }
  }
  registerSecrets(ctx, result.idToken, result.accessToken, result.refreshToken);
  const tokens: UserTokens = {
    idToken: result.idToken,
    accessToken: result.accessToken,
    refreshToken: result.refreshToken ?? user.tokens.refreshToken,
    expiresAt: ctx.clock.now() + result.expiresIn * 1000,
  };
  session.user = { ...user, tokens, refreshedAt: ctx.clock.now() };
  await writeSession(store, ctx.profileName, session);
  return tokens;
}

/** The token endpoint's refresh grant; `invalid_grant` (revoked, expired, unknown token) ends the session. */
async function refreshAtTokenEndpoint(
  ctx: Context, profile: Profile, refreshToken: string, expire: (reason: string, cause: unknown) => Promise<never>,
): Promise<AuthenticationResult> {
  if (!profile.loginUrl) {
    throw new ConfigError(`profile "${ctx.profileName}" signed in through the browser but has no loginUrl, where its session is refreshed`,
      `add "loginUrl" back to the profile, or ${loginHint(ctx.profileName)}`);
  }
  try {
    const t = await refreshGrant(profile, refreshToken, ctx.signal);
    return { idToken: t.id_token!, accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in };
  } catch (err) {
    if (!(err instanceof OAuthEndpointError)) throw err;
    if (err.error === 'invalid_grant' && err.status < 500) return expire('the token endpoint refused the refresh token (invalid_grant)', err);
    throw endpointError(err, 'token endpoint', ctx.profileName);
  }
}
