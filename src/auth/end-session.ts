// `authapi logout` for one profile: revoke the refresh token (RevokeToken after SRP,
// the managed login's /oauth2/revoke after a browser sign-in), then
// wipe what is stored and remove the login's marker, so the very next command of
// any kind sees no session, and tell the credentials agent to forget it.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import type { UserError } from '../errors.js';
import { agentEnabled, agentForget, agentKey } from './agent/link.js';
import { CorruptBlobError } from './blob-store.js';
import { withLock } from './lock.js';
import { deleteSessionData, readSession, type SessionRecord } from './session-data.js';
import { lockDir, registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { deleteMarker, markerFor, readMarker, type SessionMarker } from './session-marker.js';
import { endpointError, OAuthEndpointError, revokeRefreshToken } from './browser-login/token-client.js';
import { revokeToken, httpUserPoolTransport } from './user-pool.js';
import { userPoolError } from './user-pool-errors.js';

export interface LogoutOutcome {
  /** Whether there was a user session. */
  hadSession: boolean;
  /** 'revoked', 'not-needed' (no refresh token), or the reason the revoke failed. */
  revoke: 'revoked' | 'not-needed' | { failed: UserError | Error };
  /** The session was a browser sign-in: the browser's own managed-login session outlives it. */
  browserSignIn: boolean;
}

/**
 * Revokes the refresh token and wipes the profile's stored session and credentials.
 * The local wipe happens even when the revoke fails (offline, server error) or the
 * stored session is unreadable: the caller reports the failure.
 */
export async function endSession(
  ctx: Context, profileName: string, profile: Profile, deps: SessionDeps = {},
): Promise<LogoutOutcome> {
  let anyMarker: SessionMarker | undefined;
  let unreadable = false;
  try {
    anyMarker = readMarker(ctx.configDir, profileName);
  } catch {
    unreadable = true; // removed below all the same
  }
  // A login made for other pools (the profile was re-pointed) is wiped, not revoked:
  // this client could not revoke it.
  const marker = markerFor(anyMarker, profile);
  const store = await sessionStore(ctx, profile, anyMarker, deps);
  return withLock(lockDir(ctx), profileName, async () => {
    let session: SessionRecord | undefined;
    try {
      session = await readSession(store, profileName, profile);
    } catch (err) {
      if (!(err instanceof CorruptBlobError)) throw err;
    }
    const ours = marker && session?.sessionId === marker.id ? session : undefined;
    const refreshToken = ours?.user?.tokens.refreshToken;
    let revoke: LogoutOutcome['revoke'] = 'not-needed';
    if (refreshToken && !ours?.user?.expired) {
      registerSecrets(ctx, refreshToken);
      try {
        if (ours!.user!.via === 'browser' && profile.loginUrl) {
          // A browser sign-in is revoked where it was made: the managed login's
          // revocation endpoint (which also ends the tokens issued from it).
          await revokeAtEndpoint(ctx, profile, profileName, refreshToken);
        } else {
          const send = deps.userPool ?? httpUserPoolTransport(profile, { signal: ctx.signal, debug: (l) => ctx.io.debug(l), timeoutMs: 10_000 });
          await revokeToken(send, profile, refreshToken);
        }
        revoke = 'revoked';
      } catch (err) {
        const mapped = userPoolError(err, 'revoke', profileName);
        revoke = { failed: mapped instanceof Error ? mapped : new Error(String(mapped)) };
      }
    }
    // The marker first: from here on no command takes the session for a live one.
    await deleteMarker(ctx.configDir, profileName);
    await deleteSessionData(store, profileName);
    if (agentEnabled(ctx)) {
      await agentForget(ctx, [
        ...(anyMarker ? [agentKey(ctx.configDir, profileName, 'user', anyMarker.id)] : []),
        agentKey(ctx.configDir, profileName, 'guest'),
      ]);
    }
    return { hadSession: Boolean(anyMarker) || unreadable, revoke, browserSignIn: ours?.user?.via === 'browser' };
  }, { signal: ctx.signal });
}

async function revokeAtEndpoint(ctx: Context, profile: Profile, profileName: string, refreshToken: string): Promise<void> {
  ctx.io.debug(`revoking the refresh token at ${profile.loginUrl}/oauth2/revoke`);
  try {
    await revokeRefreshToken(profile, refreshToken, AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]));
  } catch (err) {
    throw err instanceof OAuthEndpointError ? endpointError(err, 'revocation endpoint', profileName) : err;
  }
}
