// The usage-plan step of API Gateway for methods with apiKeyRequired: the x-api-key
// must name an enabled key that a plan attaches to this API's stage; then the key's
// token bucket (rateLimit tokens per second refill, burstLimit capacity, full at start)
// and its quota (limit per UTC DAY / WEEK / MONTH period, shifted by offset days).
// Time is the injected clock's, so tests move time instead of sleeping.
import type { ApiKeyModel, Clock, RestApiModel, StackModel, UsagePlanModel } from '../model.js';

export type UsageDecision =
  | { ok: true; key: ApiKeyModel; plan: UsagePlanModel }
  | { ok: false; refusal: 'forbidden' | 'throttled' | 'quota' };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

interface QuotaCounter {
  periodStartMs: number;
  used: number;
}

const DAY_MS = 86_400_000;

/** Start (epoch ms, UTC) of the quota period that contains `nowMs`. */
export function quotaPeriodStart(period: 'DAY' | 'WEEK' | 'MONTH', offset: number, nowMs: number): number {
  // UTC days are whole multiples of DAY_MS since the epoch (no leap seconds in epoch ms).
  if (period === 'DAY') return nowMs - (((nowMs % DAY_MS) + DAY_MS) % DAY_MS);
  const d = new Date(nowMs);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'WEEK') {
    // offset 0 = Sunday, as the UsagePlan QuotaSettings document.
    const back = (d.getUTCDay() - (offset % 7) + 7) % 7;
    return midnight - back * DAY_MS;
  }
  const monthStart = (y: number, m: number) => {
    const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return Date.UTC(y, m, 1 + Math.min(offset, days - 1));
  };
  const thisMonth = monthStart(d.getUTCFullYear(), d.getUTCMonth());
  return thisMonth <= nowMs ? thisMonth : monthStart(d.getUTCFullYear(), d.getUTCMonth() - 1);
}

export class UsagePlanEnforcer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, QuotaCounter>();
  private readonly keysByValue = new Map<string, ApiKeyModel>();
  /** The plan each key is attached to on this stage (the model does not change while serving), and its counters' key. */
  private readonly planByKey = new Map<ApiKeyModel, { plan: UsagePlanModel; counterKey: string } | undefined>();

  constructor(
    private readonly stack: StackModel,
    private readonly api: RestApiModel,
    private readonly clock: Clock,
  ) {
    for (const k of stack.apiKeys) this.keysByValue.set(k.value, k);
  }

  private planFor(key: ApiKeyModel): UsagePlanModel | undefined {
    return this.stack.usagePlans.find(
      (p) =>
        p.apiKeyLogicalIds.includes(key.logicalId) &&
        p.stages.some((s) => s.apiLogicalId === this.api.logicalId && s.stage === this.api.stageName),
    );
  }

  /** Looks the key up without counting anything (for the event's identity.apiKeyId). */
  findKey(value: string | undefined): ApiKeyModel | undefined {
    return value === undefined ? undefined : this.keysByValue.get(value);
  }

  admit(apiKeyValue: string | undefined): UsageDecision {
    const key = this.findKey(apiKeyValue);
    if (!key || !key.enabled) return { ok: false, refusal: 'forbidden' };
    let attached = this.planByKey.get(key);
    if (attached === undefined && !this.planByKey.has(key)) {
      const found = this.planFor(key);
      attached = found ? { plan: found, counterKey: `${found.id}\n${key.id}` } : undefined;
      this.planByKey.set(key, attached);
    }
    if (!attached) return { ok: false, refusal: 'forbidden' };
    const { plan, counterKey } = attached;
    const now = this.clock.now();

    let bucket: Bucket | undefined;
    if (plan.throttle) {
      const { rateLimit, burstLimit } = plan.throttle;
      bucket = this.buckets.get(counterKey);
      if (!bucket) {
        bucket = { tokens: burstLimit, updatedMs: now };
        this.buckets.set(counterKey, bucket);
      }
      const elapsed = Math.max(0, now - bucket.updatedMs) / 1000;
      bucket.tokens = Math.min(burstLimit, bucket.tokens + elapsed * rateLimit);
      bucket.updatedMs = Math.max(bucket.updatedMs, now);
      if (bucket.tokens < 1) return { ok: false, refusal: 'throttled' };
    }

    let counter: QuotaCounter | undefined;
    if (plan.quota) {
      const start = quotaPeriodStart(plan.quota.period, plan.quota.offset, now);
      counter = this.quotas.get(counterKey);
      if (!counter || counter.periodStartMs !== start) {
        counter = { periodStartMs: start, used: 0 };
        this.quotas.set(counterKey, counter);
      }
      if (counter.used >= plan.quota.limit) return { ok: false, refusal: 'quota' };
    }

    // Only an admitted request spends a token and a unit of quota.
    if (bucket) bucket.tokens -= 1;
    if (counter) counter.used += 1;
    return { ok: true, key, plan };
  }
}
