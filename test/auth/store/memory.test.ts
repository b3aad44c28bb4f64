import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/auth/store/memory.js';

describe('MemoryStore', () => {
  it('gets what was set, forgets what was deleted, and deleting nothing is fine', async () => {
    const m = new MemoryStore({ items: { seeded: 'x' } });
    expect(await m.get('seeded')).toBe('x');
    await m.set('a', '1');
    expect(await m.get('a')).toBe('1');
    await m.delete('a');
    await m.delete('never-there');
    expect(await m.get('a')).toBeUndefined();
    expect(m.writes).toEqual(['set a', 'delete a', 'delete never-there']);
  });

  it('refuses a value over its limit, as a real keychain does', async () => {
    const m = new MemoryStore({ maxValueLength: 10 });
    await expect(m.set('k', 'x'.repeat(11))).rejects.toThrow(/over the 10 limit/);
    await m.set('k', 'x'.repeat(10));
  });
});
