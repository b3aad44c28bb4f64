// Which secret store to use: an ordered registry of backends (OS keychain first, the
// plaintext file only where the user allowed it) and the first one that opens wins.
// Never a silent fallback to plaintext: the file is used only with --insecure-storage,
// AUTHAPI_STORE=file or `"store": "file"` in the profile, and announced on stderr
// every time. With neither a keychain nor that permission: exit 3 saying what to do.
import type { Context } from '../../context.js';
import { FileStore } from './file.js';
import { fileStoreDir, keychainService, storePolicy, warnPlaintextOnce, type StorePolicy } from './policy.js';
import { SecretStoreError, keychainLabel, openKeychain } from './keychain.js';
import type { SecretStore, StoreKind } from './types.js';

export { fileStoreDir, keychainService, storePolicy, type StorePolicy };

interface Backend {
  kind: StoreKind;
  label(ctx: Context): string;
  open(ctx: Context): Promise<SecretStore>;
}

/** The registry, in order of preference. */
export const BACKENDS: readonly Backend[] = [
  { kind: 'keychain', label: () => keychainLabel(), open: (ctx) => openKeychain({ service: keychainService(ctx) }) },
  { kind: 'file', label: (ctx) => `file (${fileStoreDir(ctx)})`, open: async (ctx) => new FileStore(fileStoreDir(ctx)) },
];

const opened = new WeakMap<Context, Map<string, Promise<SecretStore>>>();

/** The store for this context (the injected one in tests), opened once per context. */
export function openStore(ctx: Context, profileStore?: 'keychain' | 'file'): Promise<SecretStore> {
  if (ctx.secretStore) return Promise.resolve(ctx.secretStore);
  const policy = storePolicy(ctx, profileStore);
  const key = policy.order.join(',');
  let perCtx = opened.get(ctx);
  if (!perCtx) opened.set(ctx, (perCtx = new Map()));
  let p = perCtx.get(key);
  if (!p) {
    p = choose(ctx, policy);
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
  return choose(ctx, { order: [kind], ...(allowedBy === undefined ? {} : { fileAllowedBy: allowedBy }) });
}

async function choose(ctx: Context, policy: StorePolicy): Promise<SecretStore> {
  const failures: string[] = [];
  for (const kind of policy.order) {
    const backend = BACKENDS.find((b) => b.kind === kind)!;
    try {
      const store = await backend.open(ctx);
      if (kind === 'file') warnPlaintextOnce(ctx, policy.fileAllowedBy, failures);
      ctx.io.debug(`secret store: ${store.name}`);
      return store;
    } catch (err) {
      if (!(err instanceof SecretStoreError)) throw err;
      failures.push(err.message);
    }
  }
  throw new SecretStoreError(failures.join('; ') || 'no secret store is usable');
}

export interface BackendStatus {
  kind: StoreKind;
  name: string;
  available: boolean;
  allowed: boolean;
  /** Why it is not available, when it is not. */
  problem?: string;
}

/** Every registered backend: can it open here, and does the user allow it (for `authapi status`). */
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
    try {
      const store = await b.open(ctx);
      out.push({ kind: b.kind, name: store.name, available: true, allowed });
    } catch (err) {
      out.push({ kind: b.kind, name: b.label(ctx), available: false, allowed, problem: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
