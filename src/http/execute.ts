// One logical request: sign → send → decide (retry, clock-skew re-sign, credential
// refresh) → repeat. Shared by `call` (node:http) and `batch` (undici) through a
// transport function, so both follow exactly the same rules (see retry.ts and
// clock-skew.ts). Every attempt is signed afresh: a retried request needs a new date.
import type { Clock } from '../clock.js';
import type { HttpResponse } from './client.js';
import { TransportError } from './client.js';
import { isSkewError, offsetFromResponse } from './clock-skew.js';
import { credentialRefusal } from './credential-refusal.js';
import { RetryQuota, classifyError, classifyResponse, retryDelayMs, type Verdict } from './retry.js';
import type { SignedRequest } from './sign.js';

export interface SkewState {
  /** Server time minus local time, ms; applied to every signature. */
  offsetMs: number;
}

export interface ExecuteOptions {
  method: string;
  /** Builds and signs the request for a signing time (epoch ms). */
  sign(now: number): Promise<SignedRequest> | SignedRequest;
  transport(req: SignedRequest): Promise<HttpResponse>;
  clock: Clock;
  signal?: AbortSignal;
  maxAttempts: number;
  skew: SkewState;
  /** Called once when the offset was corrected (to persist it). */
  onSkewCorrected?(offsetMs: number): Promise<void> | void;
  /**
   * Called once when the API refuses the credentials themselves (credential-refusal.ts):
   * drop them everywhere and get fresh ones; true when they are in place.
   */
  refreshCredentials?(): Promise<boolean>;
  /**
   * Which answers refuse the credentials (or token) themselves and so call
   * refreshCredentials once: default credentialRefusal (SigV4); a user pool token's
   * route passes its own (401).
   */
  refusal?(res: HttpResponse): string | undefined;
  quota?: RetryQuota;
  trace?(line: string): void;
  /** A human name for the request in traces, e.g. "GET https://…/prod/no-auth" (built only when tracing). */
  label: string | (() => string);
  random?: () => number;
  /** Retry network errors and 502/503/504 even though the method is not idempotent (the SDKs' JSON APIs). */
  idempotent?: boolean;
  /** A verdict of the caller's own on an answer (e.g. a service's throttling codes); undefined: the default rules. */
  classify?(res: HttpResponse): Verdict | undefined;
}

export interface ExecuteResult {
  response: HttpResponse;
  attempts: number;
  ms: number;
  /** Why the last answer was not retried (e.g. quota, attempts used up), if it was a retryable kind. */
  verdict: Verdict;
  exhausted: boolean;
}

/**
 * Monotonic milliseconds. Not performance.now(): in a fresh process that global loads
 * perf_hooks, a measurable share of a `call`'s start-up.
 */
const elapsedMs = () => process.uptime() * 1000;

export async function execute(opts: ExecuteOptions): Promise<ExecuteResult> {
  // Without --verbose no trace line is even formatted (batch sends thousands of requests).
  const tracing = opts.trace !== undefined;
  const trace = opts.trace ?? (() => {});
  const label = () => (typeof opts.label === 'function' ? opts.label() : opts.label);
  const start = elapsedMs();
  let attempts = 0;
  let skewRetried = false;
  let refreshed = false;
  let taken = 0;
  for (;;) {
    attempts += 1;
    const sentAt = opts.clock.now();
    const req = await opts.sign(sentAt + opts.skew.offsetMs);
    if (tracing) trace(`> ${label()}${attempts > 1 ? ` (attempt ${attempts})` : ''}`);
    const t0 = elapsedMs();
    let res: HttpResponse;
    try {
      res = await opts.transport(req);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      trace(`< ${err.message} after ${Math.round(elapsedMs() - t0)} ms`);
      const v = classifyError(err, opts.method, opts.idempotent);
      if (!v.retry || !(await mayRetry(v, err.timedOut))) throw err;
      continue;
    }
    if (tracing) trace(`< ${res.status} ${res.statusText} (${Math.round(elapsedMs() - t0)} ms)`);

    if (!skewRetried && isSkewError(res)) {
      const offset = offsetFromResponse(res, opts.clock.now());
      skewRetried = true;
      if (offset !== undefined) {
        trace(`clock skew: the server's clock is ${formatOffset(offset)} ours; re-signing once`);
        opts.skew.offsetMs = offset;
        await opts.onSkewCorrected?.(offset);
        attempts -= 1; // a re-sign is not a retry
        continue;
      }
    }
    const refusal = !refreshed && opts.refreshCredentials ? (opts.refusal ?? credentialRefusal)(res) : undefined;
    if (refusal !== undefined) {
      refreshed = true;
      trace(opts.refusal
        ? `the token was refused (${refusal}); getting a fresh one once`
        : `the credentials were refused (${refusal}); dropping them and getting new ones once`);
      if (await opts.refreshCredentials!()) {
        attempts -= 1;
        continue;
      }
    }
    const v = opts.classify?.(res) ?? classifyResponse(res, opts.method, opts.clock.now(), opts.idempotent);
    if (v.retry && (await mayRetry(v, false))) continue;
    if (res.status < 400) opts.quota?.release(taken);
    return { response: res, attempts, ms: Math.round(elapsedMs() - start), verdict: v, exhausted: v.retry };
  }

  async function mayRetry(v: Extract<Verdict, { retry: true }>, timedOut: boolean): Promise<boolean> {
    if (attempts >= opts.maxAttempts) {
      if (opts.maxAttempts > 1) trace(`giving up after ${attempts} attempts: ${v.reason}`);
      return false;
    }
    if (opts.quota) {
      const cost = opts.quota.acquire(timedOut);
      if (cost === 0) {
        trace(`not retrying (${v.reason}): the retry quota is used up`);
        return false;
      }
      taken += cost;
    }
    const delay = retryDelayMs(v, attempts, opts.random);
    trace(`retry ${attempts}/${opts.maxAttempts - 1} in ${delay} ms: ${v.reason}`);
    await sleepInterruptibly(opts.clock, delay, opts.signal);
    return true;
  }
}

/**
 * clock.sleep with the run's signal, through a private controller whose listener is
 * removed afterwards: a batch sleeps thousands of times on one Ctrl-C signal, and
 * listeners left on it would pile up (MaxListenersExceededWarning on stderr).
 */
async function sleepInterruptibly(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) throw signal.reason;
  const own = new AbortController();
  const onAbort = () => own.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await clock.sleep(ms, own.signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function formatOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return `${s} s ${ms >= 0 ? 'ahead of' : 'behind'}`;
}
