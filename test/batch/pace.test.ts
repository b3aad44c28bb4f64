import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { pacer, parseRate } from '../../src/batch/pace.js';

describe('--rate', () => {
  it('reads N per second, N/s and N/m', () => {
    expect(parseRate('10')).toBe(10);
    expect(parseRate('2.5/s')).toBe(2.5);
    expect(parseRate('600/m')).toBe(10);
    expect(parseRate('30/min')).toBe(0.5);
    for (const bad of ['0', '-1', 'fast', '10/h', '']) expect(() => parseRate(bad), bad).toThrow(/--rate .*expected requests per second/);
  });

  it('starts requests at least 1/rate apart, and an idle spell earns no burst', async () => {
    const clock = new ManualClock(0);
    const p = pacer(4, clock);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await p.next();
      starts.push(clock.now());
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
    clock.advance(10_000);
    await p.next();
    await p.next();
    expect(clock.now()).toBe(11_250);
  });
});
