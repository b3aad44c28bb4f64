// A per-profile lock so that two processes refreshing at once neither corrupt the
// cached session nor lose the refresh token: create `<dir>/<profile>.lock` with
// O_EXCL (atomic on every local filesystem), holding pid, host and time. The holder
// re-reads the session after acquiring it, so the second process finds the first
// one's fresh credentials instead of refreshing again.
//
// A lock is stale when its holder is a dead process on this host, or when it is older
// than STALE_MS (a crashed holder on another host sharing the directory). Ages are
// measured on the filesystem's own clock (the mtime of a file we just wrote), not
// ctx.clock or Date.now(): the other party is a real process, perhaps on another
// machine, and only the filesystem's timestamps are common to both of us. Waiting
// uses the monotonic clock.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdir, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { AuthError } from '../errors.js';
import { pidAlive } from '../shared/pid-alive.js';

export const STALE_MS = 30_000;
export const WAIT_MS = 45_000;
const POLL_MS = 15;

export interface LockHandle {
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

/** "Now" as the filesystem holding `dir` sees it. */
async function fsNow(dir: string): Promise<number> {
  const probe = join(dir, `.now.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(probe, '', { mode: 0o600 });
  try {
    return (await stat(probe)).mtimeMs;
  } finally {
    await rm(probe, { force: true });
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return false;
  return (await fsNow(dirname(path))) - st.mtimeMs > ms;
}

async function isStale(path: string): Promise<boolean> {
  let info: LockInfo | undefined;
  try {
    info = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // released meanwhile: just retry
    info = undefined; // half-written by a holder that died mid-write, or garbage
  }
  if (info && info.host === hostname() && typeof info.pid === 'number' && !pidAlive(info.pid)) return true;
  return olderThan(path, STALE_MS);
}

/**
 * Removes a stale lock under a second, short-lived O_EXCL lock, re-checking staleness
 * there: otherwise two waiters could both see the stale lock, one replace it with a
 * fresh one, and the other delete that fresh one.
 */
async function breakStaleLock(path: string): Promise<boolean> {
  const breaker = `${path}.break`;
  try {
    await (await open(breaker, 'wx', 0o600)).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Someone else is breaking it; a breaker that died leaves this behind for long.
    if (await olderThan(breaker, STALE_MS)) await rm(breaker, { force: true });
    return false;
  }
  try {
    if (!(await isStale(path))) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(breaker, { force: true });
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acquires `<dir>/<name>.lock`, waiting for another holder; AuthError after WAIT_MS. */
export async function acquireLock(dir: string, name: string, opts: { signal?: AbortSignal; waitMs?: number } = {}): Promise<LockHandle> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${encodeURIComponent(name)}.lock`);
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const deadline = performance.now() + (opts.waitMs ?? WAIT_MS);
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), token } satisfies LockInfo));
      } finally {
        await fh.close();
      }
      return {
        async release() {
          // Remove it only if it is still ours (a stale-lock breaker may have taken over).
          try {
            const info = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
            if (info.token === token) await unlink(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(path) && (await breakStaleLock(path))) continue;
    if (performance.now() > deadline) {
      throw new AuthError(`another authapi process has held the session lock for profile "${name}" too long`,
        `if no authapi is running, delete ${path}`);
    }
    await delay(POLL_MS);
  }
}

/** Runs fn under the lock, always releasing it. */
export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
  const lock = await acquireLock(dir, name, opts);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
