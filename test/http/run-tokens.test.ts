// batch's shared tokens: one fetch per kind for the run, a new one near expiry (read
// from the token's exp, no store read per line), one refresh for all lines after a 401.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createContext } from '../../src/context.js';
import { TokenCache, tokenExpiry } from '../../src/http/run-tokens.js';
import type { GetToken } from '../../src/http/token-source.js';
import { testIO } from '../../src/io.js';

function jwt(n: number, expS: number): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'RS256' })}.${b({ n, exp: expS })}.sig`;
}

function setup(ttlS = 3600) {
  const clock = new ManualClock(1_800_000_000_000);
  const ctx = createContext({ io: testIO(), env: {}, clock });
  const calls: Array<{ kind: string; force: boolean }> = [];
  let n = 0;
  const get: GetToken = async (_ctx, kind, o) => {
    calls.push({ kind, force: Boolean(o?.forceRefresh) });
    n += 1;
    return jwt(n, Math.floor(clock.now() / 1000) + ttlS);
  };
  return { clock, cache: new TokenCache(ctx, get), calls };
}

describe('TokenCache', () => {
  it('reads exp; a token without one has no expiry', () => {
    expect(tokenExpiry(jwt(1, 100))).toBe(100_000);
    expect(tokenExpiry('opaque')).toBeUndefined();
    expect(tokenExpiry('a.bm90IGpzb24.c')).toBeUndefined();
  });

  it('fetches once per kind for many lines at once', async () => {
    const s = setup();
    const got = await Promise.all([s.cache.for('id'), s.cache.for('id'), s.cache.for('access'), s.cache.for('id')]);
    expect(new Set(got).size).toBe(2);
    expect(s.calls).toEqual([{ kind: 'id', force: false }, { kind: 'access', force: false }]);
  });

  it('fetches again when the held token is near its expiry', async () => {
    const s = setup(600);
    const first = await s.cache.for('access');
    s.clock.advance(500_000); // 100 s left: under the margin
    const second = await s.cache.for('access');
    expect(second).not.toBe(first);
    expect(await s.cache.for('access')).toBe(second);
    expect(s.calls).toHaveLength(2);
  });

  it('after a 401: one refresh for every line that saw the old token', async () => {
    const s = setup();
    const old = await s.cache.for('id');
    const results = await Promise.all([s.cache.forceRefresh('id', old), s.cache.forceRefresh('id', old), s.cache.forceRefresh('id', old)]);
    expect(results).toEqual([true, true, true]);
    expect(s.calls.filter((c) => c.force)).toHaveLength(1);
    expect(await s.cache.for('id')).not.toBe(old);
  });
});
