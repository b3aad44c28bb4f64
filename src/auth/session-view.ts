// What is stored for a profile, for `authapi status`: the login recorded in the
// profile's marker, read from the store it went to — the same answer `call` acts on.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { CorruptBlobError } from './blob-store.js';
import { readCredentials, readSession, type SessionRecord, type StoredCredentials } from './session-data.js';
import { registerSecrets, sessionStore, type SessionDeps } from './session-deps.js';
import { assertSessionOfLogin, SessionUnreadableError } from './session-errors.js';
import { markerFor, readMarker, type SessionMarker } from './session-marker.js';
import { announceFileStore } from './session-key.js';
import type { SecretStore } from './store/types.js';

export interface SessionView {
  store: SecretStore;
  marker?: SessionMarker;
  session?: SessionRecord;
  credentials: { user?: StoredCredentials; guest?: StoredCredentials };
}

/**
 * The profile's session as `call` would find it. Registers every secret for
 * redaction. Throws SessionUnreadableError when a login is recorded but its session
 * cannot be read, SecretStoreError when the store cannot be opened.
 */
export async function readSessionView(ctx: Context, profile: Profile, deps: SessionDeps = {}): Promise<SessionView> {
  const marker = markerFor(readMarker(ctx.configDir, ctx.profileName), profile);
  const store = await sessionStore(ctx, profile, marker, deps);
  announceFileStore(ctx, marker, profile.store);
  let session: SessionRecord | undefined;
  try {
    session = await readSession(store, ctx.profileName, profile);
  } catch (err) {
    if (!(err instanceof CorruptBlobError)) throw err;
    if (marker) throw new SessionUnreadableError(ctx.profileName, `${store.name}: ${err.message}`, { cause: err });
  }
  if (marker) assertSessionOfLogin(session, marker.id, { profileName: ctx.profileName, storeName: store.name, configDir: ctx.configDir });
  // Without a login, a user part left in the store (an older version's, another login's) is not a session.
  if (!marker && session?.user) session = { ...session, user: undefined };
  const [user, guest] = await Promise.all([
    marker ? readCredentials(store, ctx.profileName, profile, 'user', marker.id) : undefined,
    readCredentials(store, ctx.profileName, profile, 'guest'),
  ]);
  const t = session?.user?.tokens;
  registerSecrets(ctx, t?.idToken, t?.accessToken, t?.refreshToken,
    user?.secretAccessKey, user?.sessionToken, guest?.secretAccessKey, guest?.sessionToken);
  return { store, marker, session, credentials: { user, guest } };
}

/** True when the profile has a user session that has not been found expired. No network. */
export async function isLoggedIn(ctx: Context): Promise<boolean> {
  const view = await readSessionView(ctx, await ctx.profile());
  return Boolean(view.session?.user && !view.session.user.expired);
}
