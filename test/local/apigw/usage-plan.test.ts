import { describe, expect, it } from 'vitest';
import { UsagePlanEnforcer, quotaPeriodStart } from '../../../src/local/apigw/usage-plan.js';
import { KEYS, makeStack } from './fixtures/stack.js';

describe('quotaPeriodStart (UTC)', () => {
  const at = Date.UTC(2026, 10, 27, 15, 30); // Friday 27 Nov 2026
  it('DAY starts at UTC midnight', () => {
    expect(quotaPeriodStart('DAY', 0, at)).toBe(Date.UTC(2026, 10, 27));
  });
  it('WEEK starts on Sunday plus offset days', () => {
    expect(quotaPeriodStart('WEEK', 0, at)).toBe(Date.UTC(2026, 10, 22)); // Sunday
    expect(quotaPeriodStart('WEEK', 2, at)).toBe(Date.UTC(2026, 10, 24)); // Tuesday
    expect(quotaPeriodStart('WEEK', 5, at)).toBe(Date.UTC(2026, 10, 27)); // Friday itself
    expect(quotaPeriodStart('WEEK', 6, at)).toBe(Date.UTC(2026, 10, 21)); // last Saturday
  });
  it('MONTH starts on the first plus offset days, falling back to last month before that', () => {
    expect(quotaPeriodStart('MONTH', 0, at)).toBe(Date.UTC(2026, 10, 1));
    expect(quotaPeriodStart('MONTH', 9, at)).toBe(Date.UTC(2026, 10, 10));
    expect(quotaPeriodStart('MONTH', 27, at)).toBe(Date.UTC(2026, 9, 28));
    expect(quotaPeriodStart('MONTH', 30, Date.UTC(2027, 1, 28, 12))).toBe(Date.UTC(2027, 1, 28)); // clamped to February's end
  });
});

describe('UsagePlanEnforcer', () => {
  it('counts per key: a second plan key has its own bucket', () => {
    const stack = makeStack({ throttle: { rateLimit: 1, burstLimit: 1 }, quota: null });
    stack.apiKeys.push({ logicalId: 'Second', id: 'k5', value: 'second-key-value', enabled: true });
    stack.usagePlans[0]!.apiKeyLogicalIds.push('Second');
    const e = new UsagePlanEnforcer(stack, stack.apis[0]!, { now: () => 0 });
    expect(e.admit(KEYS.good).ok).toBe(true);
    expect(e.admit(KEYS.good)).toEqual({ ok: false, refusal: 'throttled' });
    expect(e.admit('second-key-value').ok).toBe(true);
  });
  it('a plan without throttle or quota admits everything with a valid key', () => {
    const stack = makeStack({ throttle: null, quota: null });
    const e = new UsagePlanEnforcer(stack, stack.apis[0]!, { now: () => 0 });
    for (let i = 0; i < 100; i++) expect(e.admit(KEYS.good).ok).toBe(true);
    expect(e.admit(undefined)).toEqual({ ok: false, refusal: 'forbidden' });
  });
});
