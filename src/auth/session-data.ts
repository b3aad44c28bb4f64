// What authapi keeps per profile in the secret store, as two values so that the hot
// path (cached AWS credentials, read by every `authapi call`) reads one small item:
//
//   <profile>/session            tokens, identity ids, who, expiries  (changes on login/refresh)
//   <profile>/credentials        the user's AWS credentials           (changes hourly)
//   <profile>/guest-credentials  the guest's AWS credentials          (changes hourly)
//
// Both carry the pool ids they were made for, so a profile re-pointed at another
// pool never reuses a session it cannot belong to, and the user's carry the id of
// the login that made them (session-marker.ts), so an item of an older session is
// never taken for the current one. Serialised as ASCII-only JSON so
// that chunking by characters never splits a character (blob-store.ts).
import type { AwsCredentials } from './credentials.js';
import type { SecretStore } from './store/types.js';
import type { Profile } from '../config/profile.js';
import { CorruptBlobError, deleteBlob, readBlob, writeBlob } from './blob-store.js';

export interface UserTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** When the ID and access tokens expire (epoch ms): receipt time + the server's ExpiresIn. */
  expiresAt: number;
}

export interface UserSession {
  /** cognito:username (USER_ID_FOR_SRP): the name SECRET_HASH needs on refresh. */
  username: string;
  tokens: UserTokens;
  loggedInAt: number;
  refreshedAt?: number;
  /** The authenticated identity id: stable per user, fetched once. */
  identityId?: string;
  /** Set when the refresh token was refused: the reason, as Cognito gave it. */
  expired?: string;
  /**
   * How the user signed in, which decides how the session is refreshed and revoked:
   * 'srp' (absent in sessions stored before browser sign-in existed) uses the User
   * Pool API (InitiateAuth, RevokeToken); 'browser' the managed login's token and
   * revocation endpoints (the profile's loginUrl).
   */
  via?: SignInMethod;
}

export type SignInMethod = 'srp' | 'browser';

export interface SessionRecord {
  v: 1;
  /** The login this record belongs to (session-marker.ts); absent while only a guest has used the profile. */
  sessionId?: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  user?: UserSession;
  /** The unauthenticated identity id, kept apart from the user's. */
  guestIdentityId?: string;
}

export type StoredCredentials = AwsCredentials & { identityId: string; sessionId?: string };
export type CredentialsKind = 'user' | 'guest';

/** One identity's credentials, small enough for a single keychain item (one read on the hot path). */
export interface CredentialsRecord extends StoredCredentials {
  v: 1;
  identityPoolId: string;
}

export const sessionItem = (profileName: string) => `${profileName}/session`;
export const credentialsItem = (profileName: string, kind: CredentialsKind = 'user') =>
  kind === 'user' ? `${profileName}/credentials` : `${profileName}/guest-credentials`;

/** JSON with every non-ASCII character escaped: one character = one byte = one UTF-16 unit. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** undefined when absent; CorruptBlobError when the item is there but is not a record. */
function parse<T extends { v: number }>(text: string | undefined, name: string): T | undefined {
  if (text === undefined) return undefined;
  let v: T;
  try {
    v = JSON.parse(text) as T;
  } catch {
    throw new CorruptBlobError(`item ${name} is not JSON`);
  }
  if (!v || v.v !== 1) throw new CorruptBlobError(`item ${name} is not a version-1 record`);
  return v;
}

export function emptySession(profile: Profile): SessionRecord {
  return { v: 1, userPoolId: profile.userPoolId, clientId: profile.userPoolClientId, identityPoolId: profile.identityPoolId };
}

/**
 * The stored session, or undefined when absent or made for other pools than the
 * profile's. Throws CorruptBlobError when the item is there but cannot be read.
 */
export async function readSession(store: SecretStore, profileName: string, profile: Profile): Promise<SessionRecord | undefined> {
  const name = sessionItem(profileName);
  const s = parse<SessionRecord>(await readBlob(store, name), name);
  if (!s) return undefined;
  if (s.userPoolId !== profile.userPoolId || s.clientId !== profile.userPoolClientId || s.identityPoolId !== profile.identityPoolId) return undefined;
  return s;
}

/**
 * Cached credentials, or undefined. They are a cache: an unreadable item counts as
 * none (the caller fetches new ones and overwrites it), and so do credentials of
 * another pool or, when `sessionId` is given, of another login.
 */
export async function readCredentials(
  store: SecretStore, profileName: string, profile: Profile, kind: CredentialsKind, sessionId?: string,
): Promise<StoredCredentials | undefined> {
  const name = credentialsItem(profileName, kind);
  let c: CredentialsRecord | undefined;
  try {
    c = parse<CredentialsRecord>(await readBlob(store, name), name);
  } catch (err) {
    if (err instanceof CorruptBlobError) return undefined;
    throw err;
  }
  if (!c || c.identityPoolId !== profile.identityPoolId) return undefined;
  if (sessionId !== undefined && c.sessionId !== sessionId) return undefined;
  if (typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || typeof c.expiration !== 'number') return undefined;
  return {
    accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration,
    identityId: c.identityId, ...(c.sessionId === undefined ? {} : { sessionId: c.sessionId }),
  };
}

export async function writeSession(store: SecretStore, profileName: string, s: SessionRecord): Promise<void> {
  await writeBlob(store, sessionItem(profileName), asciiJson(s));
}

export async function writeCredentials(
  store: SecretStore, profileName: string, profile: Profile, kind: CredentialsKind, c: StoredCredentials,
): Promise<void> {
  const record: CredentialsRecord = { v: 1, identityPoolId: profile.identityPoolId, ...c };
  await writeBlob(store, credentialsItem(profileName, kind), asciiJson(record));
}

/** Drops one kind of cached credentials (the API refused them). */
export async function deleteCredentials(store: SecretStore, profileName: string, kind: CredentialsKind): Promise<void> {
  await deleteBlob(store, credentialsItem(profileName, kind));
}

/** Wipes every value: the cached credentials first, so nothing usable outlives the session. */
export async function deleteSessionData(store: SecretStore, profileName: string): Promise<void> {
  await deleteBlob(store, credentialsItem(profileName, 'user'));
  await deleteBlob(store, credentialsItem(profileName, 'guest'));
  await deleteBlob(store, sessionItem(profileName));
}
