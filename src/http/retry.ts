// Retries the way the AWS SDKs' "standard" mode does them, so users get the
// behaviour they know from the AWS CLI:
//   - max attempts 3 by default (AUTHAPI_MAX_ATTEMPTS, else AWS_MAX_ATTEMPTS, else
//     3; `--retries N` means N retries, i.e. N + 1 attempts; 0 disables);
//   - retried: 429 "Too Many Requests" (API Gateway's throttle) for any method —
//     the request never reached the integration; 502/503/504 and network failures
//     only for idempotent methods (GET HEAD OPTIONS PUT DELETE), because a POST that
//     timed out may have happened;
//   - never retried: 429 "Limit Exceeded" (the usage plan's quota: retrying cannot
//     help until the period ends) and every other 4xx;
//   - delay: full jitter, random(0, min(20 s, base · 2^(attempt−1))), base 100 ms
//     (500 ms after throttling), or the server's Retry-After when it asks for longer
//     (up to 20 s; a longer Retry-After is not waited for);
//   - a retry quota (token bucket, 500 tokens, 5 per retry, 10 per timeout retry,
//     refunded on success) shared by every request of a `batch`, so a run in which
//     most requests fail stops multiplying the load.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
import type { HttpResponse } from './client.js';
import { TransportError } from './client.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
export const MAX_BACKOFF_MS = 20_000;
const BASE_DELAY_MS = 100;
const THROTTLE_BASE_DELAY_MS = 500;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export type Verdict =
  | { retry: false; reason?: string; kind?: 'throttle' | 'quota' | 'transient' | 'network' }
  | { retry: true; reason: string; kind: 'throttle' | 'transient' | 'network'; retryAfterMs?: number };

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** API Gateway's quota answer (never retried). */
export function isQuotaExceeded(res: HttpResponse): boolean {
  if (res.status !== 429) return false;
  const type = header(res, 'x-amzn-errortype') ?? '';
  return type.startsWith('LimitExceededException') || /"message"\s*:\s*"Limit Exceeded"/.test(res.body.toString('utf8', 0, 200));
}

/** Seconds or an HTTP date → ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(parseFloat(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classifyResponse(res: HttpResponse, method: string, now: number, idempotent = isIdempotent(method)): Verdict {
  if (res.status === 429) {
    if (isQuotaExceeded(res)) return { retry: false, kind: 'quota', reason: '429 Limit Exceeded (quota; not retried)' };
    const retryAfterMs = parseRetryAfter(header(res, 'retry-after'), now);
    if (retryAfterMs !== undefined && retryAfterMs > MAX_BACKOFF_MS) {
      return { retry: false, kind: 'throttle', reason: `429 with Retry-After ${Math.round(retryAfterMs / 1000)} s (longer than ${MAX_BACKOFF_MS / 1000} s; not waiting)` };
    }
    return { retry: true, kind: 'throttle', reason: '429 Too Many Requests', retryAfterMs };
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    if (!idempotent) return { retry: false, kind: 'transient', reason: `${res.status} (${method} is not idempotent; not retried)` };
    const retryAfterMs = parseRetryAfter(header(res, 'retry-after'), now);
    if (retryAfterMs !== undefined && retryAfterMs > MAX_BACKOFF_MS) return { retry: false, kind: 'transient', reason: `${res.status} with a long Retry-After` };
    return { retry: true, kind: 'transient', reason: `${res.status} ${res.statusText}`.trim(), retryAfterMs };
  }
  return { retry: false };
}

/** Proxy answers no retry can change: it wants (other) credentials, or forbids the tunnel. */
const PERMANENT = new Set(['EPROXYAUTH', 'EPROXYREFUSED']);

export function classifyError(err: unknown, method: string, idempotent = isIdempotent(method)): Verdict {
  if (!(err instanceof TransportError)) return { retry: false };
  if (PERMANENT.has(err.code)) return { retry: false, kind: 'network', reason: `${err.code} (not retried)` };
  if (!idempotent) return { retry: false, kind: 'network', reason: `${err.code} (${method} is not idempotent; not retried)` };
  return { retry: true, kind: 'network', reason: err.timedOut ? 'timeout' : err.code };
}

/** Full-jitter exponential backoff; `attempt` is the attempt that just failed (1-based). */
export function backoffMs(attempt: number, kind: 'throttle' | 'transient' | 'network', random: () => number = Math.random): number {
  const base = kind === 'throttle' ? THROTTLE_BASE_DELAY_MS : BASE_DELAY_MS;
  const cap = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

export function retryDelayMs(v: Extract<Verdict, { retry: true }>, attempt: number, random?: () => number): number {
  const jittered = backoffMs(attempt, v.kind, random);
  return v.retryAfterMs !== undefined ? Math.max(jittered, v.retryAfterMs) : jittered;
}

/** The SDK's retry quota: retries spend tokens, successes refund them. */
export class RetryQuota {
  static readonly INITIAL = 500;
  static readonly COST = 5;
  static readonly TIMEOUT_COST = 10;
  static readonly NO_RETRY_INCREMENT = 1;
  constructor(private tokens = RetryQuota.INITIAL) {}
  get available(): number {
    return this.tokens;
  }
  /** Takes the cost of one retry; returns the amount taken, or 0 when the quota is empty. */
  acquire(timedOut: boolean): number {
    const cost = timedOut ? RetryQuota.TIMEOUT_COST : RetryQuota.COST;
    if (this.tokens < cost) return 0;
    this.tokens -= cost;
    return cost;
  }
  /** After a success: refund what its retries took, or 1 when it needed none. */
  release(taken: number): void {
    this.tokens = Math.min(RetryQuota.INITIAL, this.tokens + (taken > 0 ? taken : RetryQuota.NO_RETRY_INCREMENT));
  }
}

/**
 * Max attempts from `--retries` (retries, not attempts) or the environment.
 * Returns a UsageError message for bad values.
 */
export function resolveMaxAttempts(retriesFlag: string | undefined, env: NodeJS.ProcessEnv): number | string {
  if (retriesFlag !== undefined) {
    if (!/^\d+$/.test(retriesFlag) || Number(retriesFlag) > 20) return `--retries ${JSON.stringify(retriesFlag)}: expected a whole number from 0 to 20`;
    return Number(retriesFlag) + 1;
  }
  for (const name of ['AUTHAPI_MAX_ATTEMPTS', 'AWS_MAX_ATTEMPTS']) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 21) return `${name}=${JSON.stringify(v)}: expected a whole number of attempts from 1 to 21`;
    return Number(v);
  }
  return DEFAULT_MAX_ATTEMPTS;
}
