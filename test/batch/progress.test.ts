import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { testIO } from '../../src/io.js';
import { batchProgress } from '../../src/batch/progress.js';

describe('batch progress', () => {
  it('at a terminal: done/read, counts by outcome and the rate, cleared around results on the same terminal', () => {
    const io = testIO({ tty: true });
    const clock = new ManualClock(0);
    const p = batchProgress(io, clock, { quiet: false });
    for (let i = 0; i < 6; i++) p.taken();
    clock.advance(1000);
    for (const code of [0, 0, 4, 7, 6, 2]) {
      p.settled(code);
      clock.advance(200);
    }
    p.aroundOutput(() => io.out('result\n'));
    p.end();
    const err = io.stderrText();
    expect(err).toContain('\r\x1b[K6/6 done: 2 2xx, 1 4xx, 1 throttled, 1 network, 1 not sent (');
    expect(err.endsWith('/s)\n')).toBe(true);
    // The line was cleared before the result and drawn again after it.
    expect(err).toMatch(/\r\x1b\[K\r\x1b\[K6\/6 done/);
  });

  it('not at a terminal: nothing while running, one summary line at the end only if a line failed', () => {
    const ok = testIO();
    const p = batchProgress(ok, new ManualClock(0), { quiet: false });
    p.taken();
    p.settled(0);
    p.end();
    expect(ok.stderrText()).toBe('');
    const bad = testIO();
    const q = batchProgress(bad, new ManualClock(0), { quiet: false });
    q.taken();
    q.taken();
    q.settled(0);
    q.settled(7);
    q.end();
    expect(bad.stderrText()).toMatch(/^authapi: batch: 2\/2 done: 1 2xx, 1 throttled \([\d.]+\/s\)\n$/);
  });
});
