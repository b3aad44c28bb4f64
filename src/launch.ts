// Loads the CLI bundle with a V8 code cache, so a command that sits in a shell loop
// does not re-compile ~300 KB of JavaScript on every run (measured: ~15 ms of a
// ~100 ms `call`). Node 22 has module.enableCompileCache(); Node 20 does not, and
// vm.Script's cachedData works on both.
//
// `call` has a bundle of its own (src/call-main.ts), without commander. One cache
// file per bundle and command (each holds the functions that command really ran),
// keyed by the bundle's path, Node's version and the bundle's size and mtime, under
// $XDG_CACHE_HOME/authapi (~/.cache/authapi). V8 also checks the cache against the
// source and its own version and flags; a rejected or missing cache is simply
// rebuilt after the run. The cache is only an optimisation: every failure to read or
// write it is ignored, and AUTHAPI_NO_CODE_CACHE=1 turns it off.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { fnv1a64 } from './util/fnv.js';
import { commandOf as commandWord } from './commands/command-word.js';

function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'authapi');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'authapi', 'cache');
  return env.HOME ? join(env.HOME, '.cache', 'authapi') : undefined;
}

/**
 * The command this run is for, wherever the global options are (`--profile x call`
 * and `call --profile x` are the same run, with the same bundle and cache); 'main'
 * for help, --version and mistakes.
 */
export function commandOf(argv: string[]): string {
  return commandWord(argv) ?? 'main';
}

interface Entry {
  main(argv: string[], fullCli?: () => unknown): unknown;
}

/**
 * Runs the CLI from the bundles in `distDir`: dist/call.cjs for `call` (it hands
 * anything but a plain call to the full CLI), dist/cli.cjs for everything else.
 */
export function launch(distDir: string, argv = process.argv.slice(2), env = process.env): void {
  const command = commandOf(argv);
  const fullCli = () => load(join(distDir, 'cli.cjs'), `cli-${command}-`, env).entry.main(argv);
  if (command !== 'call') {
    fullCli();
    return;
  }
  const call = load(join(distDir, 'call.cjs'), 'call-', env);
  call.entry.main(argv, () => {
    // The call bundle's cache should hold a real call's functions, not a hand-over's.
    call.skipCache();
    return fullCli();
  });
}

/** Loads a bundle through its code cache (named with `prefix`) and returns its exports. */
function load(bundle: string, prefix: string, env: NodeJS.ProcessEnv): { entry: Entry; skipCache(): void } {
  const useCache = env.AUTHAPI_NO_CODE_CACHE !== '1' && vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined;
  if (!useCache) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { entry: createRequire(bundle)(bundle) as Entry, skipCache() {} };
  }
  const fd = openSync(bundle, 'r');
  const stat = fstatSync(fd);
  // esbuild emits ASCII (non-ASCII is escaped), so latin1 decodes it verbatim and faster.
  const source = readFileSync(fd, 'latin1');
  closeSync(fd);

  const dir = cacheDir(env);
  // Per installation (the bundle's path) and Node version, so that two installations
  // or two Node versions never evict each other's cache on every run.
  const family = `${prefix}${fnv1a64(bundle)}-${process.version}-`;
  const name = `${family}${stat.size}-${Math.floor(stat.mtimeMs)}.v8cache`;
  let cachedData: Buffer | undefined;
  if (dir) {
    try {
      cachedData = readFileSync(join(dir, name));
    } catch {
      // no cache yet
    }
  }

  const script = new vm.Script(Module.wrap(source), {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let skip = false;
  if (dir && (cachedData === undefined || script.cachedDataRejected)) {
    // Written at exit, so the cache holds every function this command compiled.
    process.once('exit', () => {
      if (!skip) writeCache(dir, family, name, () => script.createCachedData());
    });
  }
  const mod = { exports: {} as Entry, filename: bundle, id: bundle, loaded: false };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  return { entry: mod.exports, skipCache: () => (skip = true) };
}

/** A cache file not rewritten for this long is removed when another cache is written. */
const STALE_CACHE_MS = 30 * 24 * 3600 * 1000;

function writeCache(dir: string, family: string, name: string, data: () => Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Older caches of this bundle and command (an earlier build) are dead weight, and
    // so is any cache not rewritten for a month: another installation or Node version
    // that is probably gone (if not, it rebuilds its cache once). Only looked at here,
    // when a cache is written, never on a run that reads one.
    // Each file on its own: one another process removed first must not stop this write.
    const monthAgo = Date.now() - STALE_CACHE_MS;
    for (const f of readdirSync(dir)) {
      if (f === name) continue;
      try {
        if (f.startsWith(family)) unlinkSync(join(dir, f));
        else if ((f.endsWith('.v8cache') || f.endsWith('.tmp')) && statSync(join(dir, f)).mtimeMs < monthAgo) unlinkSync(join(dir, f));
      } catch {
        // gone already, or not ours to remove
      }
    }
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data(), { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  } catch {
    // an optimisation only
  }
}
