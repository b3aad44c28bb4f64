import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandOf } from '../src/launch.js';
import { ROOT, runBinary, tempDir } from './helpers/cli.js';

describe('launcher with a V8 code cache', () => {
  it('names the cache after the command the run is for, wherever the global options are', () => {
    for (const argv of [
      ['--profile', 'local', 'call', 'no-auth'], ['--profile=local', 'call', 'no-auth'], ['-p', 'local', 'call', 'no-auth'],
      ['-plocal', 'call', 'no-auth'], ['-vp', 'local', 'call', 'x'], ['-v', '--no-color', '--insecure-storage', 'call', 'x'],
      ['call', 'local', '--profile', 'local'], ['call', '--profile', 'batch', 'no-auth'],
    ]) expect(commandOf(argv), argv.join(' ')).toBe('call');
    expect(commandOf(['--profile', 'call', 'local'])).toBe('local');
    expect(commandOf(['--profile', 'local'])).toBe('main');
    expect(commandOf(['--version'])).toBe('main');
    expect(commandOf(['help', 'call'])).toBe('main');
    expect(commandOf(['--nope', 'call', 'x'])).toBe('main');
    expect(commandOf(['--', 'call', 'x'])).toBe('main');
  });

  it('knows every command by name (it cannot import them: start-up)', async () => {
    const { COMMANDS } = await import('../src/commands/index.js');
    const { COMMAND_NAMES } = await import('../src/commands/command-word.js');
    expect([...COMMAND_NAMES].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('`call` gets its own bundle and cache whatever the order of the global options', async () => {
    for (const argv of [['--profile', 'local', 'call', 'no-auth'], ['call', 'no-auth', '--profile', 'local'], ['--profile=local', 'call', 'no-auth'], ['-plocal', 'call', 'no-auth']]) {
      const cache = tempDir();
      const r = await runBinary(argv, { env: { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() } });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/no profile "local"/);
      // Only the call bundle ran: the full CLI (a hand-over) would have left a cli-* cache.
      expect(readdirSync(join(cache, 'authapi')), argv.join(' ')).toEqual([expect.stringMatching(/^call-[0-9a-f]{16}-v/)]);
    }
  });

  it('writes one 0600 cache per command under XDG_CACHE_HOME, reuses it, and still works without it', async () => {
    const cache = tempDir();
    const env = { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() };
    const first = await runBinary(['--version'], { env });
    expect(first.code).toBe(0);
    const dir = join(cache, 'authapi');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^cli-main-[0-9a-f]{16}-${process.version}-\\d+-\\d+\\.v8cache$`));
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    const mtime = statSync(join(dir, files[0]!)).mtimeMs;

    const second = await runBinary(['--version'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(join(dir, files[0]!)).mtimeMs).toBe(mtime); // accepted, not rewritten

    await runBinary(['status', '--json'], { env });
    const after = readdirSync(dir);
    expect(after).toHaveLength(2);
    expect(after).toEqual(expect.arrayContaining([files[0], expect.stringMatching(/^cli-status-/)]));

    const off = await runBinary(['--version'], { env: { ...env, AUTHAPI_NO_CODE_CACHE: '1' } });
    expect(off.stdout).toBe(first.stdout);
  });

  it('a corrupt cache is rejected by V8 and rebuilt, never fatal', async () => {
    const cache = tempDir();
    const env = { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() };
    await runBinary(['--version'], { env });
    const dir = join(cache, 'authapi');
    const [name] = readdirSync(dir);
    writeFileSync(join(dir, name!), Buffer.alloc(4096, 7));
    const r = await runBinary(['--version'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(statSync(join(dir, name!)).size).not.toBe(4096);
  });

  it('`call` runs from its own bundle and hands help and mistakes to the full CLI, whose cache is its own', async () => {
    const cache = tempDir();
    const env = { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() };
    const dir = join(cache, 'authapi');

    // A hand-over first: the call bundle's cache is not written from it (it would hold
    // only the parser), the full CLI's is.
    const help = await runBinary(['call', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: authapi call [options] <target>');
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^cli-call-/)]);

    const call = await runBinary(['call', 'no-auth'], { env });
    expect(call.code).toBe(2);
    expect(call.stderr).toMatch(/^authapi: no profile "default" in .*config\.json — run `authapi configure --profile default`/);
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/^call-[0-9a-f]{16}-v/), expect.stringMatching(/^cli-call-/)]);

    const unknown = await runBinary(['call', 'no-auth', '--nope'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("authapi: unknown option '--nope' (see `authapi call --help`)\n");
    const missing = await runBinary(['call'], { env });
    expect(missing.stderr).toBe("authapi: missing required argument 'target' (see `authapi call --help`)\n");
  });

  it('two installations keep a cache each instead of evicting each other on every run', async () => {
    const cache = tempDir();
    const env = { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() };
    const copy = tempDir();
    cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    expect((await runBinary(['--version'], { env })).code).toBe(0);
    const other = await runBinary(['--version'], { env, bin: join(copy, 'bin', 'authapi.js') });
    expect(other.code).toBe(0);
    const files = readdirSync(join(cache, 'authapi'));
    expect(files).toHaveLength(2);
    const mtimes = files.map((f) => statSync(join(cache, 'authapi', f)).mtimeMs);
    await runBinary(['--version'], { env });
    expect(files.map((f) => statSync(join(cache, 'authapi', f)).mtimeMs)).toEqual(mtimes); // both accepted, neither rewritten
  });

  it('writing a cache also removes caches not rewritten for a month (gone installations), and keeps recent ones', async () => {
    const cache = tempDir();
    const dir = join(cache, 'authapi');
    mkdirSync(dir, { recursive: true });
    const old = join(dir, 'call-0123456789abcdef-v18.0.0-1-1.v8cache');
    const oldTmp = join(dir, '.cli-main-0123456789abcdef-v18.0.0-1-1.v8cache.42.tmp');
    const recent = join(dir, 'call-fedcba9876543210-v22.0.0-1-1.v8cache');
    const unrelated = join(dir, 'notes.txt');
    for (const f of [old, oldTmp, recent, unrelated]) writeFileSync(f, 'x');
    const fortyDaysAgo = (Date.now() - 40 * 24 * 3600 * 1000) / 1000;
    for (const f of [old, oldTmp, unrelated]) utimesSync(f, fortyDaysAgo, fortyDaysAgo);
    const r = await runBinary(['--version'], { env: { XDG_CACHE_HOME: cache, AUTHAPI_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(0);
    const left = readdirSync(dir);
    expect(left).toEqual(expect.arrayContaining([expect.stringMatching(/^cli-main-/), 'call-fedcba9876543210-v22.0.0-1-1.v8cache', 'notes.txt']));
    expect(left).toHaveLength(3);
  });
});
