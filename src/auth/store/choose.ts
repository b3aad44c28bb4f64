// Which secret store to use: an ordered registry of backends (OS keychain first, the
// plaintext file only where the user allowed it) and the first one that opens wins.
// Never a silent fallback to plaintext: the file is used only with --insecure-storage,
// AUTHAPI_STORE=file or `"store": "file"` in the profile, and announced on stderr
// every time. With neither a keychain nor that permission: exit 3 saying what to do.
import type { Context } from '../../context.js';
import { FileStore } from './file.js';
import { fileStoreDir, keychainService, storePolicy, warnPlaintextOnce, type StorePolicy } from './policy.js';
import { SecretStoreError, keychainLabel, openKeychain, probeKeychain } from './keychain.js';
import type { SecretStore, StoreKind, StoreProbe } from './types.js';

export { fileStoreDir, keychainService, storePolicy, type StorePolicy };

interface Backend {
  kind: StoreKind;
  label(ctx: Context): string;
  open(ctx: Context): Promise<SecretStore>;
  /** Its state, found by using it for real (status); absent: usable whenever it opens. */
  probe?(ctx: Context): Promise<StoreProbe>;
}

/** The registry, in order of preference. */
export const BACKENDS: readonly Backend[] = [
  {
    kind: 'keychain',
    label: () => keychainLabel(),
    open: (ctx) => openKeychain({ service: keychainService(ctx) }),
    probe: (ctx) => probeKeychain({ service: keychainService(ctx) }),
  },
  { kind: 'file', label: (ctx) => `file (${fileStoreDir(ctx)})`, open: async (ctx) => new FileStore(fileStoreDir(ctx)) },
];

const opened = new WeakMap<Context, Map<string, Promise<SecretStore>>>();

/**
 * The store for this context (the injected one in tests), opened once per context.
 * With `probe` (login: before any network work) each backend is also tried for real
 * and one that cannot store (a locked keyring, one with no default collection) counts
 * as not usable, so the next allowed one is taken or the login fails saying why. The
 * path of `call` never probes: opening costs no round trip to the keychain.
 */
export function openStore(ctx: Context, profileStore?: 'keychain' | 'file', opts: { probe?: boolean } = {}): Promise<SecretStore> {
  if (ctx.secretStore) return Promise.resolve(ctx.secretStore);
  const policy = storePolicy(ctx, profileStore);
  const key = policy.order.join(',') + (opts.probe ? ':probed' : '');
  let perCtx = opened.get(ctx);
  if (!perCtx) opened.set(ctx, (perCtx = new Map()));
  let p = perCtx.get(key);
  if (!p) {
    p = choose(ctx, policy, Boolean(opts.probe));
    perCtx.set(key, p);
    p.catch(() => perCtx!.delete(key));
  }
  return p;
}

/**
 * The store a session was recorded in at login (session-marker.ts), whatever this
 * command's flags allow: the user allowed it then, and the session is there. A
 * plaintext store is announced as always.
 */
export function openStoreOfKind(ctx: Context, kind: StoreKind, allowedBy?: string): Promise<SecretStore> {
  if (ctx.secretStore) return Promise.resolve(ctx.secretStore);
  return choose(ctx, { order: [kind], ...(allowedBy === undefined ? {} : { fileAllowedBy: allowedBy }) }, false);
}

async function choose(ctx: Context, policy: StorePolicy, probe: boolean): Promise<SecretStore> {

  const failures: string[] = [];
  let firstHint: string | undefined;
  for (const kind of policy.order) {
    const backend = BACKENDS.find((b) => b.kind === kind)!;
    try {
      const store = await backend.open(ctx);
      const found = probe ? await store.probe?.() : undefined;
      if (found && found.state !== 'available') throw new SecretStoreError(found.message, found.hint);
      if (kind === 'file') warnPlaintextOnce(ctx, policy.fileAllowedBy, failures);
      ctx.io.debug(`secret store: ${store.name}`);
      return store;
    } catch (err) {
      if (!(err instanceof SecretStoreError)) throw err;
      failures.push(err.message);
      firstHint ??= err.hint;
    }
  }
  throw new SecretStoreError(failures.join('; ') || 'no secret store is usable', firstHint);
}

export interface BackendStatus {
  kind: StoreKind;
  name: string;
  available: boolean;
  allowed: boolean;
  /** What a probe found (backends that can be half-working: the keychain). */
  state?: StoreProbe['state'];
  /** Why it is not available, when it is not. */
  problem?: string;
  /** What to do about the problem. */
  hint?: string;
}

/**
 * Every registered backend: can it open here (for an allowed keychain, a real write and
 * read), and does the user allow it (for `authapi status`).
 */
export async function describeBackends(ctx: Context, profileStore?: 'keychain' | 'file'): Promise<BackendStatus[]> {
  let policy: StorePolicy;
  try {
    policy = storePolicy(ctx, profileStore);
  } catch {
    policy = { order: ['keychain'] };
  }
  const out: BackendStatus[] = [];
  for (const b of BACKENDS) {
    const allowed = policy.order.includes(b.kind);
    // Only a store the profile may use is probed: writing to a keychain the user keeps
    // out of it could pop up an unlock prompt on a desktop for nothing.
    if (b.probe && allowed) {
      const found = await b.probe(ctx);
      const usable = found.state === 'available';
      out.push({
        kind: b.kind, name: b.label(ctx), available: usable, allowed, state: found.state,
        ...(usable ? {} : { problem: found.message, ...(found.hint ? { hint: found.hint } : {}) }),
      });
      continue;
    }
    try {
      const store = await b.open(ctx);
      out.push({ kind: b.kind, name: store.name, available: true, allowed });
    } catch (err) {
      out.push({ kind: b.kind, name: b.label(ctx), available: false, allowed, problem: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
