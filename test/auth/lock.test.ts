import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock, withLock, STALE_MS } from '../../src/auth/lock.js';
import { tempDir } from '../helpers/cli.js';

describe('profile lock', () => {
  it('is exclusive: a second holder waits until the first releases', async () => {
    const dir = tempDir();
    const order: string[] = [];
    const first = await acquireLock(dir, 'p');
    const second = acquireLock(dir, 'p').then((l) => { order.push('second acquired'); return l; });
    await new Promise((r) => setTimeout(r, 60));
    order.push('first releasing');
    await first.release();
    await (await second).release();
    expect(order).toEqual(['first releasing', 'second acquired']);
    expect(existsSync(join(dir, 'p.lock'))).toBe(false);
  });

  it('records who holds it (pid, host), created 0600', async () => {
    const dir = tempDir();
    await withLock(dir, 'prod', async () => {
      const info = JSON.parse(readFileSync(join(dir, 'prod.lock'), 'utf8'));
      expect(info).toMatchObject({ pid: process.pid, host: hostname() });
      expect(statSync(join(dir, 'prod.lock')).mode & 0o777).toBe(0o600);
    });
  });

  it('takes over a lock whose process is dead', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'p.lock'), JSON.stringify({ pid: 2 ** 22 + 999, host: hostname(), at: Date.now(), token: 'x' }));
    const l = await acquireLock(dir, 'p', { waitMs: 1000 });
    await l.release();
  });

  it('takes over an unreadable lock older than the stale limit, but not a fresh one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.lock'), 'garbage');
    await expect(acquireLock(dir, 'p', { waitMs: 100 })).rejects.toThrow(/held the session lock for profile "p" too long/);
    const old = (Date.now() - STALE_MS - 5_000) / 1000;
    utimesSync(join(dir, 'p.lock'), old, old);
    const l = await acquireLock(dir, 'p', { waitMs: 1000 });
    await l.release();
  });

  it('release does not delete a lock someone else now holds', async () => {
    const dir = tempDir();
    const l = await acquireLock(dir, 'p');
    writeFileSync(join(dir, 'p.lock'), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: 'someone-else' }));
    await l.release();
    expect(existsSync(join(dir, 'p.lock'))).toBe(true);
  });
});
