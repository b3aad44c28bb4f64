// "Give me a valid ID (or access) token" for a profile, for the routes whose
// authorizer takes a user pool token instead of a SigV4 signature:
//   the profile has no session (no marker)            → NotLoggedInError;
//   the stored tokens are valid for more than minValidity → the token, one store read;
//   else, under the profile's lock (re-reading first)  → REFRESH_TOKEN_AUTH, saved;
//   a refresh token Cognito refuses                     → SessionExpiredError (exit 3).
// The lock and the re-read make two processes refreshing at once do it once.
import type { Context } from '../context.js';
import { CorruptBlobError } from './blob-store.js';
import { ID_TOKEN_MARGIN_MS, type GetTokenOptions, type TokenKind } from './credentials.js';
import { withLock } from './lock.js';
import { refreshSessionTokens } from './renew.js';
import { readSession, type SessionRecord, type UserTokens } from './session-data.js';
import { lockDir, registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { NotLoggedInError, SessionExpiredError, SessionUnreadableError } from './session-errors.js';
import { markerFor, readMarker } from './session-marker.js';
import type { SecretStore } from './store/types.js';

export async function getToken(ctx: Context, kind: TokenKind, opts: GetTokenOptions = {}, deps: SessionDeps = {}): Promise<string> {
  const profile = await ctx.profile();
  const min = opts.minValidityMs ?? ID_TOKEN_MARGIN_MS;
  const marker = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
  if (!marker) throw new NotLoggedInError(ctx.profileName);
  const store = await sessionStore(ctx, profile, marker, deps);
  const pick = (t: UserTokens) => {
    registerSecrets(ctx, t.idToken, t.accessToken, t.refreshToken);
    return kind === 'id' ? t.idToken : t.accessToken;
  };
  const usable = (t: UserTokens | undefined): t is UserTokens => Boolean(t && t.expiresAt - ctx.clock.now() > min);

  const before = userTokens(await read(ctx, store), ctx.profileName, marker.id, store.name);
  if (!opts.forceRefresh && usable(before)) return pick(before);
  return withLock(lockDir(ctx), ctx.profileName, async () => {
    const now = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
    if (!now) throw new NotLoggedInError(ctx.profileName);
    const session = await read(ctx, store);
    const current = userTokens(session, ctx.profileName, now.id, store.name);
    // Another process may have refreshed while we waited: take its work.
    if (usable(current) && (!opts.forceRefresh || current.accessToken !== before?.accessToken)) return pick(current);
    return pick(await refreshSessionTokens(ctx, profile, store, session!, deps));
  }, { signal: ctx.signal });
}

async function read(ctx: Context, store: SecretStore): Promise<SessionRecord | undefined> {
  const profile = await ctx.profile();
  try {
    return await readSession(store, ctx.profileName, profile);
  } catch (err) {
    if (err instanceof CorruptBlobError) throw new SessionUnreadableError(ctx.profileName, `${store.name}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The tokens of the login recorded now, with the same refusals as the credentials path. */
function userTokens(session: SessionRecord | undefined, profileName: string, sessionId: string, storeName: string): UserTokens {
  if (!session) throw new SessionUnreadableError(profileName, `it is missing from the ${storeName}`);
  if (session.sessionId !== sessionId || !session.user) {
    throw new SessionUnreadableError(profileName, `the ${storeName} holds another session than the login recorded`);
  }
  if (session.user.expired) throw new SessionExpiredError(profileName, session.user.expired);
  return session.user.tokens;
}
