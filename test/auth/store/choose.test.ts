// Choosing the store: keychain first; the plaintext file only when allowed, and then
// announced on stderr; neither → exit 3 with what to do.
import { describe, expect, it, vi } from 'vitest';
import { createContext } from '../../../src/context.js';
import { testIO } from '../../../src/io.js';
import { MemoryStore } from '../../../src/auth/store/memory.js';
import { BACKENDS, describeBackends, keychainService, openStore, storePolicy } from '../../../src/auth/store/choose.js';
import { FileStore } from '../../../src/auth/store/file.js';
import * as keychain from '../../../src/auth/store/keychain.js';
import { tempDir } from '../../helpers/cli.js';

function ctx(env: Record<string, string> = {}, insecureStorage = false) {
  const io = testIO();
  return { io, ctx: createContext({ io, env: { AUTHAPI_CONFIG_DIR: tempDir(), ...env }, insecureStorage, profile: 'p' }) };
}

describe('storePolicy', () => {
  it('keychain only by default', () => {
    expect(storePolicy(ctx().ctx)).toEqual({ order: ['keychain'] });
  });
  it('--insecure-storage allows the file after the keychain', () => {
    expect(storePolicy(ctx({}, true).ctx)).toEqual({ order: ['keychain', 'file'], fileAllowedBy: '--insecure-storage' });
  });
  it('AUTHAPI_STORE=file or the profile\'s "store": "file" choose the file outright', () => {
    expect(storePolicy(ctx({ AUTHAPI_STORE: 'file' }).ctx)).toEqual({ order: ['file'], fileAllowedBy: 'AUTHAPI_STORE=file' });
    expect(storePolicy(ctx().ctx, 'file')).toEqual({ order: ['file'], fileAllowedBy: '"store": "file" in profile "p"' });
    expect(storePolicy(ctx({ AUTHAPI_STORE: 'keychain' }).ctx, 'file')).toEqual({ order: ['keychain'] });
  });
  it('an unknown AUTHAPI_STORE is a usage error', () => {
    expect(() => storePolicy(ctx({ AUTHAPI_STORE: 'plaintext' }).ctx)).toThrow(/AUTHAPI_STORE=plaintext is not a store/);
  });
});

describe('openStore', () => {
  it('an injected store wins (tests)', async () => {
    const store = new MemoryStore();
    const io = testIO();
    expect(await openStore(createContext({ io, env: {}, secretStore: store }))).toBe(store);
  });

  it('no keychain and no permission for the file: exit 3, saying how to start a keychain or allow the file', async () => {
    const spy = vi.spyOn(keychain, 'openKeychain').mockRejectedValue(new keychain.SecretStoreError('no OS keychain is usable: no D-Bus'));
    try {
      const { ctx: c } = ctx();
      const err = await openStore(c).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 3, message: 'no OS keychain is usable: no D-Bus' });
      expect((err as keychain.SecretStoreError).hint).toMatch(/dbus-run-session.*gnome-keyring-daemon --unlock --components=secrets.*--insecure-storage.*AUTHAPI_STORE=file/);
    } finally {
      spy.mockRestore();
    }
  });

  it('with --insecure-storage and no keychain: the 0600 file, announced on stderr with the reason', async () => {
    const spy = vi.spyOn(keychain, 'openKeychain').mockRejectedValue(new keychain.SecretStoreError('no OS keychain is usable: no D-Bus'));
    try {
      const { ctx: c, io } = ctx({}, true);
      const store = await openStore(c);
      expect(store).toBeInstanceOf(FileStore);
      expect(io.stderrText()).toMatch(/warning: secrets are kept in plaintext files \(mode 0600\) under .*secrets, as allowed by --insecure-storage \(no OS keychain is usable: no D-Bus\)/);
    } finally {
      spy.mockRestore();
    }
  });

  it('AUTHAPI_STORE=file: the file without touching the keychain, announced every time', async () => {
    const spy = vi.spyOn(keychain, 'openKeychain');
    try {
      for (let i = 0; i < 2; i++) {
        const { ctx: c, io } = ctx({ AUTHAPI_STORE: 'file' });
        expect(await openStore(c)).toBeInstanceOf(FileStore);
        expect(io.stderrText()).toContain('as allowed by AUTHAPI_STORE=file');
      }
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('describeBackends', () => {
  it('lists every registered backend in order, with availability and permission', async () => {
    const spy = vi.spyOn(keychain, 'probeKeychain').mockResolvedValue({ state: 'absent', message: 'no OS keychain is usable: no D-Bus', hint: 'start one' });
    try {
      const list = await describeBackends(ctx().ctx);
      expect(list.map((b) => b.kind)).toEqual(BACKENDS.map((b) => b.kind));
      expect(list[0]).toEqual({
        kind: 'keychain', name: 'keychain (Secret Service)', available: false, allowed: true,
        state: 'absent', problem: 'no OS keychain is usable: no D-Bus', hint: 'start one',
      });
      expect(list[1]).toMatchObject({ kind: 'file', available: true, allowed: false });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('describeBackends probes only what the profile may use', () => {
  it('AUTHAPI_STORE=file: the keychain is opened, not written to', async () => {
    const probe = vi.spyOn(keychain, 'probeKeychain');
    const open = vi.spyOn(keychain, 'openKeychain').mockRejectedValue(new keychain.SecretStoreError('no OS keychain is usable: no D-Bus'));
    try {
      const list = await describeBackends(ctx({ AUTHAPI_STORE: 'file' }).ctx);
      expect(list[0]).toMatchObject({ kind: 'keychain', available: false, allowed: false, problem: 'no OS keychain is usable: no D-Bus' });
      expect(list[0]!.state).toBeUndefined();
      expect(probe).not.toHaveBeenCalled();
    } finally {
      probe.mockRestore();
      open.mockRestore();
    }
  });
});

describe('openStore with a probe (login)', () => {
  const locked = { state: 'locked' as const, message: 'the keychain (Secret Service) is locked: …', hint: 'unlock it' };
  function lockedKeychain() {
    const store = Object.assign(new MemoryStore(), { probe: vi.fn(async () => locked) });
    return { store, spy: vi.spyOn(keychain, 'openKeychain').mockResolvedValue(store as unknown as keychain.KeychainStore) };
  }

  it('a keychain that opens but cannot store: exit 3 with its own message and hint', async () => {
    const { store, spy } = lockedKeychain();
    try {
      const err = await openStore(ctx().ctx, undefined, { probe: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 3, message: locked.message, hint: 'unlock it' });
      expect(store.probe).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('with --insecure-storage: the 0600 file, announced with the keychain\'s state', async () => {
    const { spy } = lockedKeychain();
    try {
      const { ctx: c, io } = ctx({}, true);
      expect(await openStore(c, undefined, { probe: true })).toBeInstanceOf(FileStore);
      expect(io.stderrText()).toContain('as allowed by --insecure-storage (the keychain (Secret Service) is locked: …)');
    } finally {
      spy.mockRestore();
    }
  });

  it('without a probe (the path of call) the keychain is only opened', async () => {
    const { store, spy } = lockedKeychain();
    try {
      expect(await openStore(ctx().ctx)).toBe(store);
      expect(store.probe).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('keychainService', () => {
  it('each config dir (HOME, XDG_CONFIG_HOME, AUTHAPI_CONFIG_DIR) has its own service name, so sessions never mix', () => {
    const io = testIO();
    expect(keychainService(createContext({ io, env: { HOME: '/home/me' } }))).toBe('authapi:/home/me/.config/authapi');
    expect(keychainService(createContext({ io, env: { HOME: '/home/you' } }))).toBe('authapi:/home/you/.config/authapi');
    expect(keychainService(createContext({ io, env: { HOME: '/home/me', XDG_CONFIG_HOME: '/cfg' } }))).toBe('authapi:/cfg/authapi');
    expect(keychainService(createContext({ io, env: { AUTHAPI_CONFIG_DIR: '/tmp/x' } }))).toBe('authapi:/tmp/x');
  });
});
