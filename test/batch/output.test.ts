import { describe, expect, it } from 'vitest';
import { resultWriter } from '../../src/batch/output.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('resultWriter', () => {
  it('gathers the lines of one turn of the event loop into one write', async () => {
    const writes: string[] = [];
    const w = resultWriter((t) => writes.push(t), false);
    w.emit(1, 'b\n');
    w.emit(0, 'a\n');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['b\na\n']);
  });

  it('ordered: a line waits until every earlier one is written', async () => {
    const writes: string[] = [];
    const w = resultWriter((t) => writes.push(t), true);
    w.emit(2, 'c\n');
    w.emit(1, 'b\n');
    w.flush();
    expect(writes).toEqual([]);
    w.emit(0, 'a\n');
    w.flush();
    expect(writes.join('')).toBe('a\nb\nc\n');
  });

  it('writes at once when 256 lines are gathered', () => {
    const writes: string[] = [];
    const w = resultWriter((t) => writes.push(t), false);
    for (let i = 0; i < 256; i++) w.emit(i, `${i}\n`);
    expect(writes).toHaveLength(1);
  });
});
