// OS keychain backend over @napi-rs/keyring: macOS Keychain, Windows Credential
// Manager, Linux Secret Service (gnome-keyring, KWallet). The native addon costs
// ~25 ms to load, so it is imported only when the store is really opened.
//
// Two traps this file avoids (DESIGN.md, "Pitfalls: keychain"):
// - On Linux the library's default silently falls back to the kernel keyring when no
//   Secret Service runs, which then "has" nothing; we pin the store to
//   "secret-service" so an absent service is an error we can explain.
// - A locked or absent Secret Service can hang a call; every call has a 3 s timeout.
import { AuthError } from '../../errors.js';
import { loadModule } from '../../util/lazy-load.js';
import type { SecretStore } from './types.js';

export const KEYCHAIN_SERVICE = 'authapi';
export const KEYCHAIN_TIMEOUT_MS = 3_000;
/** Windows caps a secret at 2,560 bytes of UTF-16: stay well below. */
export const KEYCHAIN_MAX_VALUE = 1_200;

type KeyringModule = typeof import('@napi-rs/keyring');
type AsyncEntry = InstanceType<KeyringModule['AsyncEntry']>;

export const HOW_TO_GET_A_STORE =
  'start a Secret Service (headless Linux: `dbus-run-session -- sh -c \'printf %s PASSWORD | gnome-keyring-daemon --unlock --components=secrets; exec $SHELL\'`), ' +
  'or allow a 0600 file: --insecure-storage, AUTHAPI_STORE=file, or "store": "file" in the profile';

/** No usable keychain, or a keychain call failed: exit 3 with what to do. */
export class SecretStoreError extends AuthError {
  constructor(message: string, hint = HOW_TO_GET_A_STORE, options?: { cause?: unknown }) {
    super(message, hint, options);
  }
}

export function keychainLabel(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'keychain (macOS Keychain)';
  if (platform === 'win32') return 'keychain (Windows Credential Manager)';
  return 'keychain (Secret Service)';
}

export class KeychainStore implements SecretStore {
  readonly name: string;
  readonly kind = 'keychain' as const;
  readonly maxValueLength = KEYCHAIN_MAX_VALUE;

  constructor(
    private readonly mod: KeyringModule,
    private readonly opts: { service?: string; timeoutMs?: number; platform?: NodeJS.Platform } = {},
  ) {
    this.name = keychainLabel(opts.platform);
  }

  /** Linux: pinned to the Secret Service; constructing throws when none is reachable. */
  entry(key: string): AsyncEntry {
    const linux = (this.opts.platform ?? process.platform) === 'linux';
    try {
      return new this.mod.AsyncEntry(this.opts.service ?? KEYCHAIN_SERVICE, key, linux ? { linux: { store: 'secret-service' } } : undefined);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.call('read', (signal) => this.entry(key).getPassword(signal));
    return value ?? undefined;
  }

  async set(key: string, value: string): Promise<void> {
    await this.call('write', (signal) => this.entry(key).setPassword(value, signal));
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', (signal) => this.entry(key).deleteCredential(signal));
  }

  /** Every call races a timer as well as passing the signal, in case the addon ignores it. */
  private async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new SecretStoreError(`the ${this.name} did not answer a ${what} within ${ms / 1000} s (is it locked?)`,
          'unlock it (log in to the desktop, or `gnome-keyring-daemon --unlock`), or ' + HOW_TO_GET_A_STORE.split(', or ')[1]));
      }, ms);
      timer.unref?.();
    });
    try {
      return await Promise.race([fn(controller.signal), timeout]);
    } catch (err) {
      if (err instanceof SecretStoreError) throw err;
      throw new SecretStoreError(`the ${this.name} refused a ${what}: ${describe(err)}`, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.replace(/^Platform failure: /, '');
}

function unavailable(err: unknown): SecretStoreError {
  return new SecretStoreError(`no OS keychain is usable: ${describe(err)}`, undefined, { cause: err });
}

/**
 * Loads the addon and checks that a real backend is reachable (on Linux: a Secret
 * Service on the session bus). Throws SecretStoreError saying why not.
 */
export async function openKeychain(opts: { service?: string; timeoutMs?: number; platform?: NodeJS.Platform } = {}): Promise<KeychainStore> {
  let mod: KeyringModule;
  try {
    mod = await loadModule<KeyringModule>('@napi-rs/keyring');
  } catch (err) {
    throw new SecretStoreError(`the keychain module could not be loaded: ${describe(err)}`, undefined, { cause: err });
  }
  const store = new KeychainStore(mod, opts);
  store.entry('probe'); // throws now, with the reason, when no Secret Service is reachable
  return store;
}
