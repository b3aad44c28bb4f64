// In-memory backend: the test double. Seeded through its constructor; a small
// maxValueLength makes tests exercise the splitting a real keychain needs.
import type { SecretStore } from './types.js';

export class MemoryStore implements SecretStore {
  readonly name = 'memory';
  readonly items: Map<string, string>;
  readonly maxValueLength?: number;
  /** Every set/delete, in order, so tests can assert what was written. */
  readonly writes: string[] = [];
  /** Every key read, in order (the hot path must read one item). */
  readonly reads: string[] = [];

  constructor(opts: { maxValueLength?: number; items?: Record<string, string> } = {}) {
    this.maxValueLength = opts.maxValueLength;
    this.items = new Map(Object.entries(opts.items ?? {}));
  }

  async get(key: string): Promise<string | undefined> {
    this.reads.push(key);
    return this.items.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    if (this.maxValueLength !== undefined && value.length > this.maxValueLength) {
      // What a real keychain does with an oversize secret: refuse it.
      throw new Error(`memory store: value for ${key} is ${value.length} characters, over the ${this.maxValueLength} limit`);
    }
    this.writes.push(`set ${key}`);
    this.items.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.writes.push(`delete ${key}`);
    this.items.delete(key);
  }
}
