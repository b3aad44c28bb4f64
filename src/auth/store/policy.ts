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
 * Keychain items are global to the user, so a config directory chosen with
 * AUTHAPI_CONFIG_DIR (another installation, a test) gets its own service name and
 * never shares a profile's session with the default one.
 */
export function keychainService(ctx: Context): string {
  return ctx.env.AUTHAPI_CONFIG_DIR ? `authapi:${ctx.configDir}` : 'authapi';
}

/** What the user is told every run that reads (or stands in for reading) the plaintext store. */
export function plaintextWarning(ctx: Context, policy: StorePolicy, failures: string[] = []): string {
  return `secrets are kept in plaintext files (mode 0600) under ${fileStoreDir(ctx)}, as allowed by ${policy.fileAllowedBy}` +
    (failures.length ? ` (${failures.join('; ')})` : '');
}
