// "Give me valid credentials" for a profile (DESIGN.md, auth/session.ts):
//   cached credentials valid for more than minValidityMs  → them, no network call;
//   else the ID token is still valid                      → new credentials;
//   else REFRESH_TOKEN_AUTH                                → new tokens → credentials;
//   else                                                   → "session expired, run `authapi login`" (exit 3).
// Everything that talks to the network runs under the profile's lock and re-reads
// the store first, so two processes refreshing at once do the work once and never
// lose the refresh token. Expiries come from the server (ExpiresIn, Expiration);
// all time from ctx.clock.
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { AuthError, UserError } from '../errors.js';
import { DEFAULT_MIN_VALIDITY_MS } from '../http/credential-source.js';
import { AwsServiceError } from './aws-json.js';
import {
  createIdentityPoolApi, fetchIdentityCredentials, identityError, IdTokenRejectedError,
  type AwsCredentials, type IdentityPoolApi,
} from './identity.js';
import { decodeClaims, stringClaim } from './jwt.js';
import { readBlob } from './blob-store.js';
import { withLock } from './lock.js';
import { agentEnabled, agentForget, agentGet, agentKey, agentShare } from './agent/link.js';
import {
  deleteSessionData, emptySession, sessionItem, readCredentials, readSession, writeCredentials, writeSession,
  type SessionRecord, type StoredCredentials, type UserTokens,
} from './session-data.js';
import { openStore, storePolicy } from './store/choose.js';
import type { SecretStore } from './store/types.js';
import { httpUserPoolTransport, refreshTokens, revokeToken, type AuthenticationResult, type UserPoolTransport } from './user-pool.js';
import { userPoolError } from './user-pool-errors.js';
import { loginCommand } from './login-command.js';

export type { AwsCredentials } from './identity.js';

export { DEFAULT_MIN_VALIDITY_MS } from '../http/credential-source.js';
/** An ID token this close to expiry is refreshed before it is sent to the Identity Pool. */
export const ID_TOKEN_MARGIN_MS = 2 * 60_000;

function loginHint(profileName: string): string {
  return `run ${loginCommand(profileName)}`;
}

/** No session for this profile (never logged in, logged out, or made for another pool). */
export class NotLoggedInError extends AuthError {
  constructor(readonly profileName: string, message = `not logged in (profile "${profileName}")`, options?: { cause?: unknown }) {
    super(message, loginHint(profileName), options);
  }
}

/** There was a session but it can no longer be refreshed. */
export class SessionExpiredError extends NotLoggedInError {
  constructor(profileName: string, reason?: string, options?: { cause?: unknown }) {
    super(profileName, `session expired${reason ? ` (${reason})` : ''}, run \`authapi login${profileName === 'default' ? '' : ` --profile ${profileName}`}\``, options);
  }
}

/** Seams for tests and for callers that already hold a client. */
export interface SessionDeps {
  store?: SecretStore;
  identityApi?: IdentityPoolApi;
  userPool?: UserPoolTransport;
}

export interface GetCredentialsOptions {
  /** The Identity Pool's unauthenticated identity instead of the logged-in user. */
  guest?: boolean;
  /** Cached credentials must be valid at least this long (default 5 min). */
  minValidityMs?: number;
  /** Ignore the cached credentials (e.g. the API said they expired); still done once across processes. */
  forceRefresh?: boolean;
}

function strip(c: StoredCredentials): AwsCredentials {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration };
}

export function lockDir(ctx: Context): string {
  return join(ctx.configDir, 'locks');
}

function registerSecrets(ctx: Context, ...values: (string | undefined)[]): void {
  ctx.io.redactor.add(...values);
}

async function storeFor(ctx: Context, profile: Profile, deps: SessionDeps): Promise<SecretStore> {
  return deps.store ?? openStore(ctx, profile.store);
}

function identityApiFor(ctx: Context, profile: Profile, deps: SessionDeps): () => Promise<IdentityPoolApi> {
  let api: Promise<IdentityPoolApi> | undefined;
  return () => (api ??= deps.identityApi ? Promise.resolve(deps.identityApi) : createIdentityPoolApi(profile, { signal: ctx.signal }));
}

export async function getCredentials(ctx: Context, opts: GetCredentialsOptions = {}, deps: SessionDeps = {}): Promise<AwsCredentials> {
  const profile = await ctx.profile();
  const kind = opts.guest ? 'guest' : 'user';
  const min = opts.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
  const usable = (c: StoredCredentials | undefined): c is StoredCredentials => Boolean(c && c.expiration - ctx.clock.now() > min);

  // The hottest path: the credentials agent (agent/), no keychain at all.
  const agent = !deps.store && agentEnabled(ctx) ? agentKey(ctx.configDir, ctx.profileName, kind) : undefined;
  if (agent && !opts.forceRefresh) {
    const held = await agentGet(ctx, agent);
    if (held && held.identityPoolId === profile.identityPoolId) {
      registerSecrets(ctx, held.secretAccessKey, held.sessionToken);
      if (usable(held)) {
        ctx.io.debug('credentials from agent');
        // The session still lives in plaintext files when that is the only store
        // allowed: say so every run, as if the file had been read (it is free to open).
        if (storePolicy(ctx, profile.store).order.join() === 'file') await storeFor(ctx, profile, deps);
        return strip(held);
      }
    }
  }
  // Whatever the keychain path ends with, the agent gets it (or is started with it),
  // unless a logout made it forget the profile after we read the store.
  const readAt = ctx.clock.now();
  const share = async (c: StoredCredentials) => {
    if (agent) await agentShare(ctx, agent, { ...strip(c), identityId: c.identityId, identityPoolId: profile.identityPoolId }, { readAt });
    return strip(c);
  };

  const store = await storeFor(ctx, profile, deps);
  // The hot path without an agent: one read, no lock, no network.
  const before = await readCredentials(store, ctx.profileName, profile, kind);
  if (before) registerSecrets(ctx, before.secretAccessKey, before.sessionToken);
  if (!opts.forceRefresh && usable(before)) return share(before);

  let got: StoredCredentials;
  try {
    got = await withLock(lockDir(ctx), ctx.profileName, async () => {
      const current = await readCredentials(store, ctx.profileName, profile, kind);
      // Another process may have refreshed while we waited: take its work. With
      // forceRefresh, only credentials other than the ones the caller saw count.
      if (usable(current) && (!opts.forceRefresh || current.accessKeyId !== before?.accessKeyId)) {
        registerSecrets(ctx, current.secretAccessKey, current.sessionToken);
        return current;
      }
      const session = await readSession(store, ctx.profileName, profile);
      const fresh = opts.guest
        ? await guestCredentials(ctx, profile, store, session, deps)
        : await userCredentials(ctx, profile, store, session, deps);
      await writeCredentials(store, ctx.profileName, profile, kind, fresh);
      return fresh;
    }, { signal: ctx.signal });
  } catch (err) {
    // No session (logged out elsewhere, expired): the agent must not keep serving it.
    if (agent && err instanceof NotLoggedInError) await agentForget(ctx, [agent]);
    throw err;
  }
  return share(got);
}

async function guestCredentials(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord | undefined, deps: SessionDeps,
): Promise<StoredCredentials> {
  const api = await identityApiFor(ctx, profile, deps)();
  let got;
  try {
    got = await fetchIdentityCredentials(api, profile, { identityId: session?.guestIdentityId });
  } catch (err) {
    throw identityError(err, ctx.profileName, true);
  }
  registerSecrets(ctx, got.credentials.secretAccessKey, got.credentials.sessionToken);
  if (got.identityId !== session?.guestIdentityId) {
    await writeSession(store, ctx.profileName, { ...(session ?? emptySession(profile)), guestIdentityId: got.identityId });
  }
  return { ...got.credentials, identityId: got.identityId };
}

async function userCredentials(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord | undefined, deps: SessionDeps,
): Promise<StoredCredentials> {
  const user = session?.user;
  if (!session || !user) throw new NotLoggedInError(ctx.profileName);
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
  return { ...got.credentials, identityId: got.identityId };
}

/** REFRESH_TOKEN_AUTH; saves the new tokens (and a rotated refresh token) before returning them. */
async function refreshSessionTokens(
  ctx: Context, profile: Profile, store: SecretStore, session: SessionRecord, deps: SessionDeps,
): Promise<UserTokens> {
  const user = session.user!;
  const send = deps.userPool ?? httpUserPoolTransport(profile, { signal: ctx.signal, debug: (l) => ctx.io.debug(l) });
  let result: AuthenticationResult;
  try {
    ctx.io.debug(`refreshing the tokens of ${user.username} (profile ${ctx.profileName})`);
    result = await refreshTokens(send, profile, user.tokens.refreshToken, user.username);
  } catch (err) {
    if (err instanceof AwsServiceError && err.type === 'NotAuthorizedException' && err.status < 500) {
      // The refresh token is dead (expired, revoked, invalid): remember it, so the
      // next command fails fast, and say so.
      session.user = { ...user, expired: err.message };
      await writeSession(store, ctx.profileName, session);
      throw new SessionExpiredError(ctx.profileName, err.message, { cause: err });
    }
    throw userPoolError(err, 'refresh', ctx.profileName);
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

/** True when the profile has a user session that has not been found expired. No network. */
export async function isLoggedIn(ctx: Context): Promise<boolean> {
  const profile = await ctx.profile();
  const store = await openStore(ctx, profile.store);
  const session = await readSession(store, ctx.profileName, profile);
  return Boolean(session?.user && !session.user.expired);
}

export interface LoginOutcome {
  username: string;
  identityId: string;
  credentials: AwsCredentials;
  tokensExpireAt: number;
}

/**
 * After a successful sign-in: fetch credentials with the new ID token and store the
 * whole session. The identity id of the same user is reused (it is stable per user).
 */
export async function completeLogin(
  ctx: Context,
  profile: Profile,
  tokens: AuthenticationResult & { refreshToken: string },
  userIdForSrp: string,
  deps: SessionDeps = {},
): Promise<LoginOutcome> {
  const store = await storeFor(ctx, profile, deps);
  registerSecrets(ctx, tokens.idToken, tokens.accessToken, tokens.refreshToken);
  const claims = decodeClaims(tokens.idToken);
  const username = stringClaim(claims, 'cognito:username') ?? userIdForSrp;
  const receivedAt = ctx.clock.now();

  return withLock(lockDir(ctx), ctx.profileName, async () => {
    const previous = await readSession(store, ctx.profileName, profile);
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
    const session: SessionRecord = {
      ...(previous ?? emptySession(profile)),
      user: {
        username,
        tokens: { ...tokens, expiresAt: receivedAt + tokens.expiresIn * 1000 },
        loggedInAt: receivedAt,
        identityId: got.identityId,
      },
    };
    delete (session.user!.tokens as Partial<AuthenticationResult>).expiresIn;
    await writeSession(store, ctx.profileName, session);
    await writeCredentials(store, ctx.profileName, profile, 'user', { ...got.credentials, identityId: got.identityId });
    // A new login (perhaps as someone else) replaces what a running agent held for the
    // profile; login itself starts none (its own cost matters), the next command does.
    if (!deps.store && agentEnabled(ctx)) {
      await agentShare(ctx, agentKey(ctx.configDir, ctx.profileName, 'user'),
        { ...got.credentials, identityId: got.identityId, identityPoolId: profile.identityPoolId }, { start: false });
    }
    return { username, identityId: got.identityId, credentials: got.credentials, tokensExpireAt: session.user!.tokens.expiresAt };
  }, { signal: ctx.signal });
}

export interface SessionView {
  store: SecretStore;
  session?: SessionRecord;
  credentials: { user?: StoredCredentials; guest?: StoredCredentials };
}

/** What is stored for the profile, for `authapi status`. Registers every secret for redaction. */
export async function readSessionView(ctx: Context, profile: Profile, deps: SessionDeps = {}): Promise<SessionView> {
  const store = await storeFor(ctx, profile, deps);
  const [session, user, guest] = await Promise.all([
    readSession(store, ctx.profileName, profile),
    readCredentials(store, ctx.profileName, profile, 'user'),
    readCredentials(store, ctx.profileName, profile, 'guest'),
  ]);
  const t = session?.user?.tokens;
  registerSecrets(ctx, t?.idToken, t?.accessToken, t?.refreshToken,
    user?.secretAccessKey, user?.sessionToken, guest?.secretAccessKey, guest?.sessionToken);
  return { store, session, credentials: { user, guest } };
}

export interface LogoutOutcome {
  /** Whether there was a user session. */
  hadSession: boolean;
  /** 'revoked', 'not-needed' (no refresh token), or the reason the revoke failed. */
  revoke: 'revoked' | 'not-needed' | { failed: UserError | Error };
}

/**
 * Revokes the refresh token (RevokeToken) and wipes the profile's stored session and
 * credentials. The local wipe happens even when the revoke fails (offline, server
 * error): the caller reports the failure.
 */
export async function endSession(
  ctx: Context, profileName: string, profile: Profile, deps: SessionDeps = {},
): Promise<LogoutOutcome> {
  const store = await storeFor(ctx, profile, deps);
  return withLock(lockDir(ctx), profileName, async () => {
    const session = await readSession(store, profileName, profile);
    // A session made for other pools (the profile was re-pointed) is wiped, not revoked:
    // this client could not revoke it.
    const foreign = session ? undefined : await readAnySession(store, profileName);
    const refreshToken = session?.user?.tokens.refreshToken;
    let revoke: LogoutOutcome['revoke'] = 'not-needed';
    if (refreshToken && !session?.user?.expired) {
      registerSecrets(ctx, refreshToken);
      const send = deps.userPool ?? httpUserPoolTransport(profile, { signal: ctx.signal, debug: (l) => ctx.io.debug(l), timeoutMs: 10_000 });
      try {
        await revokeToken(send, profile, refreshToken);
        revoke = 'revoked';
      } catch (err) {
        const mapped = userPoolError(err, 'revoke', profileName);
        revoke = { failed: mapped instanceof Error ? mapped : new Error(String(mapped)) };
      }
    }
    await deleteSessionData(store, profileName);
    if (!deps.store && agentEnabled(ctx)) {
      await agentForget(ctx, [agentKey(ctx.configDir, profileName, 'user'), agentKey(ctx.configDir, profileName, 'guest')]);
    }
    return { hadSession: Boolean(session?.user ?? foreign?.user), revoke };
  }, { signal: ctx.signal });
}

async function readAnySession(store: SecretStore, profileName: string): Promise<SessionRecord | undefined> {
  try {
    const v = JSON.parse((await readBlob(store, sessionItem(profileName))) ?? 'null') as SessionRecord | null;
    return v?.v === 1 ? v : undefined;
  } catch {
    return undefined;
  }
}
