// OS keychain backend over @napi-rs/keyring: macOS Keychain, Windows Credential
// Manager, Linux Secret Service (gnome-keyring, KWallet). The native addon costs
// ~25 ms to load, so it is imported only when the store is really opened.
//
// Traps this file avoids (docs/protocols.md, "Keychain pitfalls"):
// - On Linux the library's default silently falls back to the kernel keyring when no
//   Secret Service runs, which then "has" nothing; we pin the store to
//   "secret-service" so an absent service is an error we can explain.
// - A locked or absent Secret Service can hang a call; every call has a 3 s timeout.
// - Constructing an entry proves only that a Secret Service answers on the bus, not
//   that it can store anything: `probe()` (status, login) writes and reads for real.
import { AuthError } from '../../errors.js';
import { loadModule } from '../../util/lazy-load.js';
import type { SecretServiceFacts } from './secret-service-state.js';
import type { SecretStore, StoreProbe } from './types.js';

export const KEYCHAIN_SERVICE = 'authapi';
export const KEYCHAIN_TIMEOUT_MS = 3_000;
/** Windows caps a secret at 2,560 bytes of UTF-16: stay well below. */
export const KEYCHAIN_MAX_VALUE = 1_200;

type KeyringModule = typeof import('@napi-rs/keyring');
type AsyncEntry = InstanceType<KeyringModule['AsyncEntry']>;

const ALLOW_THE_FILE = 'or allow a 0600 file: --insecure-storage, AUTHAPI_STORE=file, or "store": "file" in the profile';

export const HOW_TO_GET_A_STORE =
  'start a Secret Service (headless Linux: `dbus-run-session -- sh -c \'printf %s PASSWORD | gnome-keyring-daemon --unlock --components=secrets; exec $SHELL\'`), ' +
  ALLOW_THE_FILE;

// A running gnome-keyring cannot be unlocked by a second `gnome-keyring-daemon --unlock`
// ("already initialized"); only --replace hands the password to a fresh daemon.
const HEADLESS_UNLOCK = '`printf %s PASSWORD | gnome-keyring-daemon --replace --unlock --components=secrets` (PASSWORD: the keyring\'s password)';

export const HOW_TO_UNLOCK =
  'unlock the default keyring: on a desktop, log in again or unlock it in "Passwords and Keys" (seahorse); ' +
  `headless, restart gnome-keyring unlocked: ${HEADLESS_UNLOCK}; ${ALLOW_THE_FILE}`;

export const HOW_TO_GET_A_DEFAULT_KEYRING =
  'create a default keyring: on a desktop, in "Passwords and Keys" (seahorse) add a password keyring and make it the default; ' +
  `headless, restart gnome-keyring with --unlock, which creates the "login" keyring: ${HEADLESS_UNLOCK}; ${ALLOW_THE_FILE}`;

/** No usable keychain, or a keychain call failed: exit 3 with what to do. */
export class SecretStoreError extends AuthError {
  constructor(message: string, hint = HOW_TO_GET_A_STORE, options?: { cause?: unknown }) {
    super(message, hint, options);
  }
}

/** A keychain call that got no answer in time (a locked keyring waiting on a prompt, or a hung service). */
class KeychainTimeoutError extends SecretStoreError {}

export function keychainLabel(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'keychain (macOS Keychain)';
  if (platform === 'win32') return 'keychain (Windows Credential Manager)';
  return 'keychain (Secret Service)';
}

export interface KeychainOptions {
  service?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  /** Asks the Secret Service about its default collection (tests inject one); default: D-Bus via dbus-send. */
  askSecretService?: () => Promise<SecretServiceFacts | undefined>;
}

export class KeychainStore implements SecretStore {
  readonly name: string;
  readonly kind = 'keychain' as const;
  readonly maxValueLength = KEYCHAIN_MAX_VALUE;

  constructor(
    private readonly mod: KeyringModule,
    private readonly opts: KeychainOptions = {},
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

  /**
   * Writes, reads back and deletes an item of its own (named by pid, so two processes
   * probing at once do not meet), each step under the usual timeout; on failure asks
   * the Secret Service what is the matter.
   */
  async probe(): Promise<StoreProbe> {
    const key = `probe.${process.pid}`;
    const value = `probe ${Date.now()}`;
    let written = false;
    try {
      await this.set(key, value);
      written = true;
      const back = await this.get(key);
      if (back !== value) throw new SecretStoreError(`the ${this.name} read back something other than what was written`);
      await this.delete(key);
      written = false;
      return { state: 'available', message: `the ${this.name} is available and unlocked (a probe item was written, read back and deleted)` };
    } catch (err) {
      if (written) await this.delete(key).catch(() => {});
      return this.diagnose(err instanceof SecretStoreError ? err : new SecretStoreError(describe(err)));
    }
  }

  private async diagnose(err: SecretStoreError): Promise<StoreProbe> {
    const linux = (this.opts.platform ?? process.platform) === 'linux';
    let facts: SecretServiceFacts | undefined;
    if (linux) {
      const ask = this.opts.askSecretService ?? (async () => (await import('./secret-service-state.js')).askSecretService());
      facts = await ask();
    }
    const state = classifyFailure(err, facts);
    const said = err.cause === undefined ? err.message : describe(err.cause);
    if (state === 'locked') {
      return { state, message: `the ${this.name} is locked: its default keyring stores nothing until it is unlocked (${said})`, hint: HOW_TO_UNLOCK };
    }
    if (state === 'no-default-collection') {
      return {
        state,
        message: `the ${this.name} is running but has no default keyring to store in, as when gnome-keyring was started by D-Bus activation without --unlock (${said})`,
        hint: HOW_TO_GET_A_DEFAULT_KEYRING,
      };
    }
    return { state, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }

  /** Every call races a timer as well as passing the signal, in case the addon ignores it. */
  private async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new KeychainTimeoutError(`the ${this.name} did not answer a ${what} within ${ms / 1000} s (is it locked?)`, HOW_TO_UNLOCK));
      }, ms);
      timer.unref?.();
    });
    try {
      return await Promise.race([fn(controller.signal), timeout]);
    } catch (err) {
      if (err instanceof SecretStoreError) throw err;
      const refused = new SecretStoreError(`the ${this.name} refused a ${what}: ${describe(err)}`, undefined, { cause: err });
      // The library's words alone (no D-Bus question on this path) pick the advice.
      const state = classifyFailure(refused, undefined);
      if (state === 'locked') throw new SecretStoreError(refused.message, HOW_TO_UNLOCK, { cause: err });
      if (state === 'no-default-collection') throw new SecretStoreError(refused.message, HOW_TO_GET_A_DEFAULT_KEYRING, { cause: err });
      throw refused;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Which state a failed probe means. The service's own answer (over D-Bus) decides when
 * there is one; otherwise the library's words: "no result found" is what a write gets
 * when the default alias names no collection, a dismissed unlock prompt (headless) or
 * no answer at all (a prompt waiting on a desktop) is a locked keyring.
 */
export function classifyFailure(err: SecretStoreError, facts: SecretServiceFacts | undefined): StoreProbe['state'] {
  if (facts) {
    if (facts.defaultCollection === undefined) return 'no-default-collection';
    return facts.locked ? 'locked' : 'failing';
  }
  if (/no result found/i.test(err.message)) return 'no-default-collection';
  if (err instanceof KeychainTimeoutError || /unlock prompt|is locked/i.test(err.message)) return 'locked';
  return 'failing';
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.replace(/^Platform failure: /, '').replace(/^Couldn't access platform storage: /, '');
}

function unavailable(err: unknown): SecretStoreError {
  const why = describe(err);
  // A session bus that knows no Secret Service: none is installed (or it was removed).
  const hint = /not provided by any \.service files/.test(why)
    ? 'install and start one (Debian: `apt-get install gnome-keyring`, then `printf %s PASSWORD | gnome-keyring-daemon --unlock --components=secrets`), ' + ALLOW_THE_FILE
    : HOW_TO_GET_A_STORE;
  return new SecretStoreError(`no OS keychain is usable: ${why}`, hint, { cause: err });
}

/**
 * Loads the addon and checks that a real backend is reachable (on Linux: a Secret
 * Service on the session bus). Throws SecretStoreError saying why not.
 */
export async function openKeychain(opts: KeychainOptions = {}): Promise<KeychainStore> {
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

/** The keychain's state for `authapi status`: "absent" when it cannot even be opened, else what probe() finds. */
export async function probeKeychain(opts: KeychainOptions = {}): Promise<StoreProbe> {
  let store: KeychainStore;
  try {
    store = await openKeychain(opts);
  } catch (err) {
    if (!(err instanceof SecretStoreError)) throw err;
    return { state: 'absent', message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  return store.probe();
}
