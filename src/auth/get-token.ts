// "Give me a valid ID (or access) token" for a profile, for the routes whose
// authorizer takes a user pool token instead of a SigV4 signature:
//   the profile has no session (no marker)              → NotLoggedInError;
//   the agent holds this login's token, still good       → it: no keychain, no network;
//   the stored tokens are valid for more than minValidity → the token, one store read;
//   else, under the profile's lock (re-reading first)    → REFRESH_TOKEN_AUTH, saved;
//   a refresh token Cognito refuses                       → SessionExpiredError (exit 3).
// The lock and the re-read make two processes refreshing at once do it once. What the
// store path ends with goes to the agent (ID and access tokens, never the refresh token).
import type { Context } from '../context.js';
import { agentForget, agentShare } from './agent/link.js';
import { tokenFromAgent, tokensForAgent } from './agent-token.js';
import { CorruptBlobError } from './blob-store.js';
import { ID_TOKEN_MARGIN_MS, type GetTokenOptions, type TokenKind } from './credentials.js';
import { withLock } from './lock.js';
import { refreshSessionTokens } from './renew.js';
import { readSession, type SessionRecord, type UserTokens } from './session-data.js';
import { lockDir, registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { NotLoggedInError, SessionChangedError, SessionExpiredError, SessionUnreadableError, assertSessionOfLogin } from './session-errors.js';
import { sessionAgentKey } from './session-key.js';
import { markerFor, readMarker } from './session-marker.js';
import type { SecretStore } from './store/types.js';

export async function getToken(ctx: Context, kind: TokenKind, opts: GetTokenOptions = {}, deps: SessionDeps = {}): Promise<string> {
  // The hottest path: the credentials agent (agent/), no keychain at all.
  if (!opts.forceRefresh && !deps.store) {
    const held = await tokenFromAgent(ctx, kind, opts.minValidityMs);
    if (held) return held;
  }
  return tokenFromStore(ctx, kind, opts, deps);
}

/** getToken without asking the agent first (src/http/token-source.ts asked it already). */
export async function tokenFromStore(ctx: Context, kind: TokenKind, opts: GetTokenOptions = {}, deps: SessionDeps = {}): Promise<string> {
  const profile = await ctx.profile();
  const min = opts.minValidityMs ?? ID_TOKEN_MARGIN_MS;
  const marker = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
  if (!marker) throw new NotLoggedInError(ctx.profileName);
  const agent = deps.store ? undefined : sessionAgentKey(ctx, 'user', marker);
  // The API refused the token: nobody may be handed it again (the credentials stay).
  if (agent && opts.forceRefresh) await agentForget(ctx, [agent], { only: 'tokens' });
  // Whatever this ends with, the agent gets it, unless a logout made it forget the key
  // after we read the store (after our own forget, what we get is newer by definition).
  const readAt = opts.forceRefresh ? undefined : ctx.clock.now();
  const pick = async (t: UserTokens) => {
    registerSecrets(ctx, t.idToken, t.accessToken, t.refreshToken);
    if (agent) await agentShare(ctx, agent, { tokens: tokensForAgent(t, profile) }, readAt === undefined ? {} : { readAt });
    return kind === 'id' ? t.idToken : t.accessToken;
  };
  const usable = (t: UserTokens | undefined): t is UserTokens => Boolean(t && t.expiresAt - ctx.clock.now() > min);

  const store = await sessionStore(ctx, profile, marker, deps);
  try {
    const before = userTokens(ctx, await read(ctx, store), marker.id, store.name);
    if (!opts.forceRefresh && usable(before)) return await pick(before);
    const got = await withLock(lockDir(ctx), ctx.profileName, async () => {
      // A login or logout may have happened while we waited: go by what is recorded now.
      const now = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
      if (!now) throw new NotLoggedInError(ctx.profileName);
      if (now.id !== marker.id) throw new SessionChangedError();
      const session = await read(ctx, store);
      const current = userTokens(ctx, session, now.id, store.name);
      // Another process may have refreshed while we waited: take its work. With
      // forceRefresh, only tokens other than the ones the caller saw count.
      if (usable(current) && (!opts.forceRefresh || current.accessToken !== before.accessToken)) return current;
      return refreshSessionTokens(ctx, profile, store, session!, deps);
    }, { signal: ctx.signal });
    return await pick(got);
  } catch (err) {
    // Logged in again as we waited for the lock: start over with the new login (its
    // store may be another one, its token was refused by nobody).
    if (err instanceof SessionChangedError) return tokenFromStore(ctx, kind, { ...opts, forceRefresh: false }, deps);
    // No session any more (logged out elsewhere, expired, unreadable): the agent must not keep serving it.
    if (agent && (err instanceof NotLoggedInError || err instanceof SessionUnreadableError)) await agentForget(ctx, [agent]);
    throw err;
  }
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
function userTokens(ctx: Context, session: SessionRecord | undefined, sessionId: string, storeName: string): UserTokens {
  assertSessionOfLogin(session, sessionId, { profileName: ctx.profileName, storeName, configDir: ctx.configDir });
  if (session.user.expired) throw new SessionExpiredError(ctx.profileName, session.user.expired);
  return session.user.tokens;
}
