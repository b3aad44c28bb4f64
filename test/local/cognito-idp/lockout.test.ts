import { describe, expect, it } from 'vitest';
import { isLockedOut, recordFailure, recordSuccess, MAX_LOCK_MS } from '../../../src/local/cognito-idp/lockout.js';

const fresh = () => ({ failures: 0, lastFailureAt: 0, lockedUntil: 0 });

describe('lockout schedule', () => {
  it('is free for four failures, then locks 1 s, 2 s, 4 s … capped at 15 min', () => {
    const l = fresh();
    let t = 1_000_000;
    for (let i = 0; i < 4; i++) expect(recordFailure(l, (t += 10))).toBe(0);
    const locks: number[] = [];
    for (let i = 0; i < 14; i++) {
      const ms = recordFailure(l, (t += 10));
      expect(isLockedOut(l, t)).toBe(true);
      expect(isLockedOut(l, t + ms)).toBe(false);
      locks.push(ms);
      t += ms;
    }
    expect(locks.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(locks.at(-1)).toBe(MAX_LOCK_MS);
  });

  it('resets on success and after a quiet quarter of an hour', () => {
    const l = fresh();
    for (let i = 0; i < 4; i++) recordFailure(l, 10 + i);
    recordSuccess(l);
    expect(recordFailure(l, 100)).toBe(0);
    for (let i = 0; i < 3; i++) recordFailure(l, 200 + i);
    expect(recordFailure(l, 200 + 16 * 60_000)).toBe(0);
    expect(l.failures).toBe(1);
  });
});
