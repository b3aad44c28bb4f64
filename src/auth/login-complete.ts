// After a successful sign-in: fetch credentials with the new ID token, store the
// whole session under a new session id, and only then record the login in the
// profile's marker (session-marker.ts). From that moment every command — in this
// process or another, with or without the credentials agent — uses the new session;
// the agent is also told, so it drops the old one at once.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { AuthError } from '../errors.js';
import { agentEnabled, agentForget, agentKey, agentShare } from './agent/link.js';
import { tokensForAgent } from './agent-token.js';
import { CorruptBlobError } from './blob-store.js';
import type { AwsCredentials } from './credentials.js';
import { fetchIdentityCredentials, identityError, IdTokenRejectedError } from './identity.js';
import { decodeClaims, stringClaim } from './jwt.js';
import { withLock } from './lock.js';
import {
  deleteSessionData, emptySession, readSession, writeCredentials, writeSession, type SessionRecord, type SignInMethod,
} from './session-data.js';
import { identityApiFor, lockDir, registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { newSessionId, readMarker, writeMarker, type SessionMarker } from './session-marker.js';
import { openStoreOfKind } from './store/choose.js';
import { FileStore } from './store/file.js';
import { fileStoreDir } from './store/policy.js';
import type { SecretStore } from './store/types.js';
import type { AuthenticationResult } from './user-pool.js';

export interface LoginOutcome {
  username: string;
  identityId: string;
  credentials: AwsCredentials;
  tokensExpireAt: number;
}

/**
 * Stores the session of a user who just signed in. The identity id of the same user
 * is reused (it is stable per user). `deps.store` is where the session goes (login
 * opened it before asking for a password); without it, the store the policy allows.
 */
export async function completeLogin(
  ctx: Context,
  profile: Profile,
  tokens: AuthenticationResult & { refreshToken: string },
  userIdForSrp: string,
  deps: SessionDeps = {},
  via: SignInMethod = 'srp',
): Promise<LoginOutcome> {
  const store = await sessionStore(ctx, profile, undefined, deps);
  registerSecrets(ctx, tokens.idToken, tokens.accessToken, tokens.refreshToken);
  const claims = decodeClaims(tokens.idToken);
  const username = stringClaim(claims, 'cognito:username') ?? userIdForSrp;
  const receivedAt = ctx.clock.now();

  return withLock(lockDir(ctx), ctx.profileName, async () => {
    const oldMarker = readMarkerQuietly(ctx);
    let previous: SessionRecord | undefined;
    try {
      previous = await readSession(store, ctx.profileName, profile);
    } catch (err) {
      if (!(err instanceof CorruptBlobError)) throw err; // replaced below
    }
    const sameUser = previous?.user?.username === username ? previous.user : undefined;
    const api = await identityApiFor(ctx, profile, deps)();
    let got;
    try {
      got = await fetchIdentityCredentials(api, profile, { idToken: tokens.idToken, identityId: sameUser?.identityId });
    } catch (err) {
      const mapped = identityError(err, ctx.profileName, false);
      if (mapped instanceof IdTokenRejectedError) {
        throw new AuthError(`the Identity Pool refused the new ID token: ${mapped.serviceMessage}`, 'check this machine\'s clock');
      }
      throw mapped;
    }
    registerSecrets(ctx, got.credentials.secretAccessKey, got.credentials.sessionToken);
    const id = newSessionId();
    const session: SessionRecord = {
      ...emptySession(profile),
      ...(previous?.guestIdentityId ? { guestIdentityId: previous.guestIdentityId } : {}),
      sessionId: id,
      user: {
        username,
        tokens: { idToken: tokens.idToken, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: receivedAt + tokens.expiresIn * 1000 },
        loggedInAt: receivedAt,
        identityId: got.identityId,
        via,
      },
    };
    await writeSession(store, ctx.profileName, session);
    await writeCredentials(store, ctx.profileName, profile, 'user', { ...got.credentials, identityId: got.identityId, sessionId: id });
    const marker: SessionMarker = {
      v: 1, id, store: store.kind ?? 'injected',
      userPoolId: profile.userPoolId, clientId: profile.userPoolClientId, identityPoolId: profile.identityPoolId,
      username, loggedInAt: receivedAt,
    };
    await writeMarker(ctx.configDir, ctx.profileName, marker);
    // The session of the previous login, if it went to another store, goes too.
    if (oldMarker && oldMarker.store !== marker.store) await wipeOldStore(ctx, oldMarker);
    if (agentEnabled(ctx)) {
      // Old key forgotten, new one (credentials and ID/access tokens) held by a running
      // agent; login starts none (its own cost matters): the next command does.
      if (oldMarker) await agentForget(ctx, [agentKey(ctx.configDir, ctx.profileName, 'user', oldMarker.id)]);
      await agentShare(ctx, agentKey(ctx.configDir, ctx.profileName, 'user', id), {
        credentials: { ...got.credentials, identityId: got.identityId, identityPoolId: profile.identityPoolId },
        tokens: tokensForAgent(session.user!.tokens, profile),
      }, { start: false });
    }
    return { username, identityId: got.identityId, credentials: got.credentials, tokensExpireAt: session.user!.tokens.expiresAt };
  }, { signal: ctx.signal });
}

function readMarkerQuietly(ctx: Context): SessionMarker | undefined {
  try {
    return readMarker(ctx.configDir, ctx.profileName);
  } catch {
    return undefined; // an unreadable marker is simply replaced
  }
}

async function wipeOldStore(ctx: Context, old: SessionMarker): Promise<void> {
  if (old.store !== 'file' && old.store !== 'keychain') return;
  try {
    // The file store is opened directly: nothing is kept there any more, so no warning.
    const store: SecretStore = old.store === 'file' ? new FileStore(fileStoreDir(ctx)) : await openStoreOfKind(ctx, 'keychain');
    await deleteSessionData(store, ctx.profileName);
  } catch (err) {
    ctx.io.warn(`the previous session of profile "${ctx.profileName}" could not be removed from the ${old.store} store: ${(err as Error).message}`);
  }
}
