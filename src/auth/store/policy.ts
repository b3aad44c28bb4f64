// Which secret stores the user allows, and where each keeps its secrets: the part of
// store selection (choose.ts) that opens nothing, so the credentials agent's fast
// path (src/http/signer.ts) can tell the user about plaintext storage without loading
// any backend.
import { join } from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { StoreKind } from './types.js';

export interface StorePolicy {
  /** Backends to try, in order. */
  order: StoreKind[];
  /** Why the file backend is allowed ("--insecure-storage", "AUTHAPI_STORE=file", …), if it is. */
  fileAllowedBy?: string;
}

export function storePolicy(ctx: Context, profileStore?: 'keychain' | 'file'): StorePolicy {
  const env = ctx.env.AUTHAPI_STORE;
  if (env !== undefined && env !== '' && env !== 'keychain' && env !== 'file') {
    throw new UsageError(`AUTHAPI_STORE=${env} is not a store; use "keychain" or "file"`);
  }
  if (env === 'file') return { order: ['file'], fileAllowedBy: 'AUTHAPI_STORE=file' };
  if (env !== 'keychain' && profileStore === 'file') return { order: ['file'], fileAllowedBy: `"store": "file" in profile "${ctx.profileName}"` };
  if (ctx.flags.insecureStorage) return { order: ['keychain', 'file'], fileAllowedBy: '--insecure-storage' };
  return { order: ['keychain'] };
}

export function fileStoreDir(ctx: Context): string {
  return join(ctx.configDir, 'secrets');
}

/**
 * Keychain items are global to the OS user, and so would be one profile name used
 * by two config directories (two HOMEs, XDG_CONFIG_HOME, AUTHAPI_CONFIG_DIR): each
 * config directory gets its own service name, so they never see, use or log out
 * each other's sessions.
 */
export function keychainService(ctx: Context): string {
  return `authapi:${ctx.configDir}`;
}

/** What the user is told every run that reads (or stands in for reading) the plaintext store. */
export function plaintextWarning(ctx: Context, allowedBy: string | undefined, failures: string[] = []): string {
  return `secrets are kept in plaintext files (mode 0600) under ${fileStoreDir(ctx)}, as allowed by ${allowedBy ?? 'an earlier `authapi login --insecure-storage`'}` +
    (failures.length ? ` (${failures.join('; ')})` : '');
}

const warned = new WeakSet<Context>();

/**
 * The plaintext warning, at most once per command however many paths reach the
 * file store (the store itself, the credentials agent standing in for it).
 */
export function warnPlaintextOnce(ctx: Context, allowedBy: string | undefined, failures: string[] = []): void {
  if (warned.has(ctx)) return;
  warned.add(ctx);
  ctx.io.warn(plaintextWarning(ctx, allowedBy, failures));
}

/**
 * Why the file store is in use for a session recorded there at login (session-marker.ts):
 * what allows it now, if anything does, else that login.
 */
export function fileReasonForLogin(ctx: Context, profileStore?: 'keychain' | 'file'): string | undefined {
  const policy = storePolicy(ctx, profileStore);
  return policy.order.includes('file') ? policy.fileAllowedBy : `the login of profile "${ctx.profileName}" (it was stored there then)`;
}
