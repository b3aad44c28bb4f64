// One logical value (a profile's session, its credentials) stored across as many
// SecretStore items as the backend needs. Windows Credential Manager caps a secret at
// 2,560 bytes (about 1,200 characters as UTF-16) and a Cognito session is ~5 KB, so:
//
//   <name>             "=" + the value itself, when it fits in one item (one read), or
//                      "@" + manifest {"v":1,"slot":"a","n":4,"sha256":"…"}
//   <name>.a.1 … .a.n  the chunks, each ≤ maxValueLength
//
// A writer fills the slot the manifest does NOT point at, then flips the manifest,
// then deletes the old slot; a reader that raced it sees a hash mismatch and reads
// again. So readers see the old value or the new one, never a mix. Writers of one
// profile are serialised by the session lock (lock.ts).
import { createHash } from 'node:crypto';
import type { SecretStore } from './store/types.js';

interface Manifest {
  v: 1;
  /** Small values live in the manifest item itself: one item, one round trip. */
  inline?: string;
  slot?: 'a' | 'b';
  n?: number;
  sha256?: string;
}

const INLINE = '=';
const CHUNKED = '@';

const READ_ATTEMPTS = 4;

/** An item is there but does not hold a value this module wrote (or its chunks do not add up). */
export class CorruptBlobError extends Error {}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

function parseManifest(text: string | undefined): Manifest | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith(INLINE)) return { v: 1, inline: text.slice(1) };
  if (!text.startsWith(CHUNKED)) return undefined;
  try {
    const m = JSON.parse(text.slice(1)) as Manifest;
    return m && m.v === 1 && (m.slot === 'a' || m.slot === 'b') && Number.isInteger(m.n) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The value, or undefined when there is none; CorruptBlobError when there is one but it cannot be read. */
export async function readBlob(store: SecretStore, name: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const text = await store.get(name);
    if (text === undefined) return undefined;
    const manifest = parseManifest(text);
    if (!manifest) throw new CorruptBlobError(`item ${name} is not in authapi's format`);
    if (manifest.inline !== undefined) return manifest.inline;
    if (!manifest.slot || !manifest.n) throw new CorruptBlobError(`item ${name} has a bad manifest`);
    const parts = await Promise.all(
      Array.from({ length: manifest.n }, (_, i) => store.get(`${name}.${manifest.slot}.${i + 1}`)));
    if (parts.every((p): p is string => p !== undefined)) {
      const value = parts.join('');
      if (sha256(value) === manifest.sha256) return value;
    }
    // A writer flipped the manifest under us: read it again.
  }
  throw new CorruptBlobError(`the parts of item ${name} are missing or do not match its checksum`);
}

export async function writeBlob(store: SecretStore, name: string, value: string): Promise<void> {
  const max = store.maxValueLength;
  const old = parseManifest(await store.get(name));
  const inline = INLINE + value;
  if (max === undefined || inline.length <= max) {
    await store.set(name, inline);
  } else {
    const slot = old?.slot === 'a' ? 'b' : 'a';
    const n = Math.ceil(value.length / max);
    await Promise.all(Array.from({ length: n }, (_, i) =>
      store.set(`${name}.${slot}.${i + 1}`, value.slice(i * max, (i + 1) * max))));
    await store.set(name, CHUNKED + JSON.stringify({ v: 1, slot, n, sha256: sha256(value) } satisfies Manifest));
  }
  if (old?.slot && old.n) await deleteSlot(store, name, old.slot, old.n);
}

export async function deleteBlob(store: SecretStore, name: string): Promise<void> {
  const old = parseManifest(await store.get(name));
  // Manifest first: from here on readers see "nothing", never a half-deleted value.
  await store.delete(name);
  if (old?.slot && old.n) await deleteSlot(store, name, old.slot, old.n);
  // Leftovers of a writer that crashed between its chunks and its manifest.
  for (const slot of ['a', 'b'] as const) {
    for (let i = 1; (await store.get(`${name}.${slot}.${i}`)) !== undefined; i++) await store.delete(`${name}.${slot}.${i}`);
  }
}

async function deleteSlot(store: SecretStore, name: string, slot: 'a' | 'b', n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => store.delete(`${name}.${slot}.${i + 1}`)));
}
