// Splitting one value across keychain-sized items (Windows caps a secret at 2,560
// bytes), with the A/B slots that keep readers from ever seeing a mix.
import { describe, expect, it } from 'vitest';
import { CorruptBlobError, deleteBlob, readBlob, writeBlob } from '../../src/auth/blob-store.js';
import { MemoryStore } from '../../src/auth/store/memory.js';

const big = (n: number, seed = 'x') => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i + seed.charCodeAt(0)) % 26))).join('');

describe('blob store', () => {
  it('keeps a small value inline: one item', async () => {
    const m = new MemoryStore({ maxValueLength: 1200 });
    await writeBlob(m, 'p/session', 'hello');
    expect([...m.items.keys()]).toEqual(['p/session']);
    expect(await readBlob(m, 'p/session')).toBe('hello');
  });

  it('splits a 5 KB session into ≤ 1,200-character items and joins it back', async () => {
    const m = new MemoryStore({ maxValueLength: 1200 });
    const value = big(5000);
    await writeBlob(m, 'p/session', value);
    expect([...m.items.keys()].sort()).toEqual(['p/session', 'p/session.a.1', 'p/session.a.2', 'p/session.a.3', 'p/session.a.4', 'p/session.a.5']);
    for (const v of m.items.values()) expect(v.length).toBeLessThanOrEqual(1200);
    expect(await readBlob(m, 'p/session')).toBe(value);
  });

  it('a rewrite fills the other slot, flips the manifest, then removes the old slot', async () => {
    const m = new MemoryStore({ maxValueLength: 1000 });
    await writeBlob(m, 'p/s', big(2500, 'a'));
    m.writes.length = 0;
    await writeBlob(m, 'p/s', big(1500, 'b'));
    expect(m.writes).toEqual(['set p/s.b.1', 'set p/s.b.2', 'set p/s', 'delete p/s.a.1', 'delete p/s.a.2', 'delete p/s.a.3']);
    expect(await readBlob(m, 'p/s')).toBe(big(1500, 'b'));
    await writeBlob(m, 'p/s', 'tiny');
    expect([...m.items.keys()]).toEqual(['p/s']);
  });

  it('a reader racing a writer gets the old value or the new one, never a mix', async () => {
    const m = new MemoryStore({ maxValueLength: 100 });
    const oldValue = big(450, 'a');
    const newValue = big(450, 'q');
    await writeBlob(m, 'p/s', oldValue);
    // Interleave: a reader after every single store operation of the writer.
    const seen = new Set<string | undefined>();
    const realSet = m.set.bind(m);
    const realDelete = m.delete.bind(m);
    m.set = async (k, v) => { await realSet(k, v); seen.add(await readBlob(m, 'p/s')); };
    m.delete = async (k) => { await realDelete(k); seen.add(await readBlob(m, 'p/s')); };
    await writeBlob(m, 'p/s', newValue);
    for (const v of seen) expect([oldValue, newValue]).toContain(v);
    expect(seen.has(newValue)).toBe(true);
  });

  it('a manifest whose chunks do not match (torn write) is reported as corrupt, never read as garbage', async () => {
    const m = new MemoryStore({ maxValueLength: 100 });
    await writeBlob(m, 'p/s', big(250));
    m.items.set('p/s.a.2', 'tampered');
    await expect(readBlob(m, 'p/s')).rejects.toBeInstanceOf(CorruptBlobError);
    m.items.set('p/x', 'not a manifest');
    await expect(readBlob(m, 'p/x')).rejects.toThrow('item p/x is not in authapi\'s format');
    expect(await readBlob(m, 'p/absent')).toBeUndefined();
  });

  it('delete removes the manifest, every chunk, and leftovers of a crashed writer', async () => {
    const m = new MemoryStore({ maxValueLength: 100 });
    await writeBlob(m, 'p/s', big(250));
    m.items.set('p/s.b.1', 'orphan'); // a writer died before flipping the manifest
    await writeBlob(m, 'other/s', 'keep me');
    await deleteBlob(m, 'p/s');
    expect([...m.items.keys()]).toEqual(['other/s']);
    expect(await readBlob(m, 'p/s')).toBeUndefined();
    await deleteBlob(m, 'p/s'); // twice is fine
  });

  it('with no limit (file backend) everything is one item', async () => {
    const m = new MemoryStore();
    await writeBlob(m, 'p/s', big(10_000));
    expect(m.items.size).toBe(1);
    expect(await readBlob(m, 'p/s')).toBe(big(10_000));
  });
});
