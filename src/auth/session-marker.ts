// Which session a profile has right now, outside the secret store: a small 0600 file
// per profile, `<configDir>/sessions/<profile>.json`, written by `login` after the
// store and removed by `logout`. It holds no secret — a random session id, the
// store the session went to, the pools and the user — and it is what makes every
// command agree on the session:
//   - the id is new at every login, and the credentials agent holds credentials under
//     a key that names it, so a new login or a logout takes effect for the very next
//     command without asking the agent to forget anything (it is told anyway);
//   - the store is remembered, so a session kept in the plaintext file store
//     (`login --insecure-storage`) is found later without the flag;
//   - the stored session and credentials carry the id too: an item left by an older
//     session or another config directory is never taken for this one.
// Reading it is one small synchronous file read: cheap enough for every `call`.
import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Profile } from '../config/profile.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { SessionUnreadableError } from './session-errors.js';

/** Where the session's secrets live; 'injected' is a store a test put in the context. */
export type MarkerStore = 'keychain' | 'file' | 'injected';

export interface SessionMarker {
  v: 1;
  /** Random, new at every login. */
  id: string;
  store: MarkerStore;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  username: string;
  loggedInAt: number;
}

/** Profile names are free text: keep [A-Za-z0-9._-], percent-encode the rest. */
export function markerPath(configDir: string, profileName: string): string {
  const safe = profileName.replace(/[^A-Za-z0-9._-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  return join(configDir, 'sessions', `${safe}.json`);
}

export function newSessionId(): string {
  // Not secret, only unique: 96 random bits.
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

const STORES: readonly string[] = ['keychain', 'file', 'injected'];

function valid(m: Partial<SessionMarker> | null): m is SessionMarker {
  return Boolean(m && typeof m === 'object' && m.v === 1 && typeof m.id === 'string' && m.id.length > 0 &&
    typeof m.store === 'string' && STORES.includes(m.store) && typeof m.userPoolId === 'string' &&
    typeof m.clientId === 'string' && typeof m.identityPoolId === 'string' && typeof m.username === 'string' &&
    typeof m.loggedInAt === 'number');
}

/**
 * The profile's session marker; undefined when nobody is logged in. A marker that
 * cannot be read or parsed is reported as such (exit 3), never taken for "logged out".
 */
export function readMarker(configDir: string, profileName: string): SessionMarker | undefined {
  const path = markerPath(configDir, profileName);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SessionUnreadableError(profileName, `${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: Partial<SessionMarker> | null;
  try {
    parsed = JSON.parse(text) as Partial<SessionMarker> | null;
  } catch {
    throw new SessionUnreadableError(profileName, `${path} is not JSON`);
  }
  if (!valid(parsed)) throw new SessionUnreadableError(profileName, `${path} is not a session record`);
  return parsed;
}

/** The marker when it belongs to the profile's pools; a profile re-pointed elsewhere has no session. */
export function markerFor(marker: SessionMarker | undefined, profile: Profile): SessionMarker | undefined {
  if (!marker) return undefined;
  return marker.userPoolId === profile.userPoolId && marker.clientId === profile.userPoolClientId &&
    marker.identityPoolId === profile.identityPoolId ? marker : undefined;
}

export async function writeMarker(configDir: string, profileName: string, marker: SessionMarker): Promise<void> {
  await writeFileAtomic(markerPath(configDir, profileName), JSON.stringify(marker) + '\n', 0o600);
}

export async function deleteMarker(configDir: string, profileName: string): Promise<void> {
  try {
    await unlink(markerPath(configDir, profileName));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
