// "Give me valid credentials" for a profile:
//   the profile has no session (no marker)                → NotLoggedInError (a user), or a guest's;
//   the agent holds this login's credentials, still good  → them: no keychain, no network;
//   the store holds them, valid for more than minValidity → them, one store read;
//   else, under the profile's lock: the ID token is valid → new credentials;
//   else REFRESH_TOKEN_AUTH                                → new tokens → credentials;
//   else                                                   → SessionExpiredError (exit 3).
// Everything that talks to the network runs under the lock and re-reads the store
// first, so two processes refreshing at once do the work once and never lose the
// refresh token. Expiries come from the server (ExpiresIn, Expiration); time from ctx.clock.
import type { Context } from '../context.js';
import { agentForget, agentGet, agentShare } from './agent/link.js';
import { tokensForAgent } from './agent-token.js';
import { DEFAULT_MIN_VALIDITY_MS, type AwsCredentials, type GetCredentialsOptions } from './credentials.js';
import { withLock } from './lock.js';
import { guestCredentials, userCredentials } from './renew.js';
import { CorruptBlobError } from './blob-store.js';
import {
  deleteCredentials, readCredentials, readSession, writeCredentials, type CredentialsKind, type SessionRecord, type StoredCredentials,
  type UserTokens,
} from './session-data.js';
import { lockDir, registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { NotLoggedInError, SessionChangedError, SessionUnreadableError } from './session-errors.js';
import { markerFor, readMarker } from './session-marker.js';
import { announceFileStore, sessionAgentKey } from './session-key.js';

export function strip(c: StoredCredentials): AwsCredentials {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration };
}

export async function getCredentials(ctx: Context, opts: GetCredentialsOptions = {}, deps: SessionDeps = {}): Promise<AwsCredentials> {
  const profile = await ctx.profile();
  const kind: CredentialsKind = opts.guest ? 'guest' : 'user';
  const min = opts.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
  const usable = (c: StoredCredentials | undefined): c is StoredCredentials => Boolean(c && c.expiration - ctx.clock.now() > min);

  const marker = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
  if (kind === 'user' && !marker) throw new NotLoggedInError(ctx.profileName);
  const sessionId = kind === 'user' ? marker!.id : undefined;

  // The hottest path: the credentials agent (agent/), no keychain at all.
  const agent = deps.store ? undefined : sessionAgentKey(ctx, kind, marker);
  if (agent && opts.forceRefresh) {
    // The API refused what we hold: nobody may be handed those again.
    await agentForget(ctx, [agent]);
  } else if (agent) {
    const held = await agentGet(ctx, agent);
    if (held && held.identityPoolId === profile.identityPoolId) {
      registerSecrets(ctx, held.secretAccessKey, held.sessionToken);
      if (usable(held)) {
        ctx.io.debug('credentials from agent');
        announceFileStore(ctx, marker, profile.store);
        return strip(held);
      }
    }
  }
  // Whatever the store path ends with, the agent gets it (or is started with it),
  // unless a logout made it forget the key after we read the store.
  // (After our own forget of refused credentials, what we fetch is newer by definition.)
  // A user's tokens go along when the session was read (token routes take them from the agent).
  const readAt = opts.forceRefresh ? undefined : ctx.clock.now();
  let tokens: UserTokens | undefined;
  const share = async (c: StoredCredentials) => {
    if (agent) {
      await agentShare(ctx, agent, {
        credentials: { ...strip(c), identityId: c.identityId, identityPoolId: profile.identityPoolId },
        ...(tokens ? { tokens: tokensForAgent(tokens, profile) } : {}),
      }, readAt === undefined ? {} : { readAt });
    }
    return strip(c);
  };

  const store = await sessionStore(ctx, profile, marker, deps);
  // The hot path without an agent: one read, no lock, no network.
  const before = await readCredentials(store, ctx.profileName, profile, kind, sessionId);
  if (before) registerSecrets(ctx, before.secretAccessKey, before.sessionToken);
  if (!opts.forceRefresh && usable(before)) return share(before);

  let got: StoredCredentials;
  try {
    got = await withLock(lockDir(ctx), ctx.profileName, async () => {
      // A login or logout may have happened while we waited: go by what is recorded now.
      const now = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
      if (kind === 'user' && now?.id !== sessionId) {
        if (!now) throw new NotLoggedInError(ctx.profileName);
        throw new SessionChangedError();
      }
      const current = await readCredentials(store, ctx.profileName, profile, kind, sessionId);
      // Another process may have refreshed while we waited: take its work. With
      // forceRefresh, only credentials other than the ones the caller saw count.
      if (usable(current) && (!opts.forceRefresh || current.accessKeyId !== before?.accessKeyId)) {
        registerSecrets(ctx, current.secretAccessKey, current.sessionToken);
        return current;
      }
      // Refused credentials go from the store before anything else can fail.
      if (opts.forceRefresh && current) await deleteCredentials(store, ctx.profileName, kind);
      let session: SessionRecord | undefined;
      let corrupt = false;
      try {
        session = await readSession(store, ctx.profileName, profile);
      } catch (err) {
        if (!(err instanceof CorruptBlobError)) throw err;
        if (kind === 'user') throw new SessionUnreadableError(ctx.profileName, `${store.name}: ${err.message}`, { cause: err });
        corrupt = true; // a guest needs none of it; it is left as it is for the user to see
      }
      const fresh = kind === 'guest'
        ? await guestCredentials(ctx, profile, store, session, deps, { remember: !corrupt })
        : await userCredentials(ctx, profile, store, session, marker!, deps);
      await writeCredentials(store, ctx.profileName, profile, kind, fresh);
      // userCredentials refreshed them in `session` if it had to.
      if (kind === 'user') tokens = session?.user?.tokens;
      return fresh;
    }, { signal: ctx.signal });
  } catch (err) {
    // Logged in again as we waited for the lock: start over with the new login.
    if (err instanceof SessionChangedError) return getCredentials(ctx, { ...opts, forceRefresh: false }, deps);
    // No session (logged out elsewhere, expired): the agent must not keep serving it.
    if (agent && (err instanceof NotLoggedInError || err instanceof SessionUnreadableError)) await agentForget(ctx, [agent]);
    throw err;
  }
  return share(got);
}

