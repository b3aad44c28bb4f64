import { describe, expect, it } from 'vitest';
import { randomIdString, requestUuid } from '../../../src/local/apigw/random-ids.js';
import { newRequestIds, newTraceId } from '../../../src/local/apigw/gateway-responses.js';

describe('random ids', () => {
  it('never repeats across pool refills and has the requested size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(randomIdString(12, 'hex')); // ~6 refills of the 4 KiB pool
    expect(seen.size).toBe(2000);
    expect([...seen].every((s) => /^[0-9a-f]{24}$/.test(s))).toBe(true);
  });
  it('formats the gateway ids as AWS does', () => {
    const ids = newRequestIds();
    expect(ids.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.extendedRequestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(newTraceId(Date.UTC(2026, 10, 27, 12))).toMatch(/^Root=1-6b0970c0-[0-9a-f]{24}$/);
  });
  it('request UUIDs stay unique and UUID-v4 shaped across runs of the shared random prefix', () => {
    const seen = new Set<string>();
    const prefixes = new Set<string>();
    const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (let i = 0; i < 70_000; i++) {
      const id = requestUuid();
      if (!shape.test(id)) throw new Error(`bad shape: ${id}`);
      seen.add(id);
      prefixes.add(id.slice(0, 24));
    }
    expect(seen.size).toBe(70_000);
    expect(prefixes.size).toBeGreaterThanOrEqual(2); // a new random prefix after 65,536 ids
  });
});
