import { describe, expect, it } from 'vitest';
import { pumpLines } from '../../src/batch/pump.js';

async function* lines(list: string[], taken?: string[]) {
  for (const l of list) {
    taken?.push(l);
    yield l;
  }
}

describe('pumpLines', () => {
  it('skips blank lines, numbers lines and indexes the rest, never more than `concurrency` at once', async () => {
    const seen: Array<[string, number, number]> = [];
    let active = 0;
    let peak = 0;
    const n = await pumpLines(lines(['a', '', 'b', ' ', 'c', 'd']), { concurrency: 2, signal: new AbortController().signal }, async (l, lineNo, index) => {
      active += 1;
      peak = Math.max(peak, active);
      seen.push([l, lineNo, index]);
      await new Promise((r) => setImmediate(r));
      active -= 1;
    });
    expect(n).toBe(4);
    expect(seen).toEqual([['a', 1, 0], ['b', 3, 1], ['c', 5, 2], ['d', 6, 3]]);
    expect(peak).toBe(2);
  });

  it('a failing handler stops the reading; the failure is rethrown after the others settle', async () => {
    const taken: string[] = [];
    let settled = 0;
    const err = await pumpLines(lines(['a', 'b', 'c', 'd', 'e'], taken), { concurrency: 2, signal: new AbortController().signal }, async (l) => {
      await new Promise((r) => setImmediate(r));
      settled += 1;
      if (l === 'a') throw new Error('boom');
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('boom');
    expect(taken.length).toBeLessThan(5);
    expect(settled).toBe(taken.length);
  });

  it('an abort stops the reading', async () => {
    const c = new AbortController();
    const taken: string[] = [];
    await pumpLines(lines(['a', 'b', 'c'], taken), { concurrency: 1, signal: c.signal }, async () => c.abort());
    expect(taken).toEqual(['a']);
  });
});
