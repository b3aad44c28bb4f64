import { describe, expect, it } from 'vitest';
import { RetryQuota, backoffMs, classifyError, classifyResponse, parseRetryAfter, resolveMaxAttempts, retryDelayMs } from '../../src/http/retry.js';
import { TransportError, type HttpResponse } from '../../src/http/client.js';

const res = (status: number, body = '', headers: Record<string, string> = {}): HttpResponse => ({ status, statusText: '', headers, rawHeaders: [], body: Buffer.from(body) });

describe('retry rules (SDK standard mode)', () => {
  it('full jitter, exponential, capped at 20 s; throttling starts from 500 ms', () => {
    expect(backoffMs(1, 'transient', () => 0.999)).toBe(99);
    expect(backoffMs(3, 'transient', () => 0.5)).toBe(200);
    expect(backoffMs(1, 'throttle', () => 0.5)).toBe(250);
    expect(backoffMs(30, 'throttle', () => 0.999999)).toBe(19_999);
    expect(backoffMs(5, 'network', () => 0)).toBe(0);
  });

  it('Retry-After: seconds or an HTTP date; the longer of it and the jitter', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(retryDelayMs({ retry: true, kind: 'throttle', reason: '', retryAfterMs: 3000 }, 1, () => 0.1)).toBe(3000);
    expect(retryDelayMs({ retry: true, kind: 'throttle', reason: '', retryAfterMs: 10 }, 1, () => 0.5)).toBe(250);
  });

  it('classifies answers: throttle always, 5xx only idempotent, quota and other 4xx never, long Retry-After not waited for', () => {
    const now = Date.now();
    expect(classifyResponse(res(429, '{"message":"Too Many Requests"}'), 'POST', now)).toMatchObject({ retry: true, kind: 'throttle' });
    expect(classifyResponse(res(429, '{"message":"Limit Exceeded"}'), 'GET', now)).toMatchObject({ retry: false, kind: 'quota' });
    expect(classifyResponse(res(429, '{}', { 'x-amzn-errortype': 'LimitExceededException' }), 'GET', now)).toMatchObject({ retry: false, kind: 'quota' });
    expect(classifyResponse(res(429, '', { 'retry-after': '60' }), 'GET', now)).toMatchObject({ retry: false });
    for (const s of [502, 503, 504]) {
      expect(classifyResponse(res(s), 'GET', now).retry).toBe(true);
      expect(classifyResponse(res(s), 'DELETE', now).retry).toBe(true);
      expect(classifyResponse(res(s), 'POST', now).retry).toBe(false);
      expect(classifyResponse(res(s), 'PATCH', now).retry).toBe(false);
    }
    for (const s of [200, 400, 403, 404, 500, 501]) expect(classifyResponse(res(s), 'GET', now).retry).toBe(false);
    const reset = new TransportError('reset', 'ECONNRESET', false);
    expect(classifyError(reset, 'GET')).toMatchObject({ retry: true, kind: 'network' });
    expect(classifyError(reset, 'POST').retry).toBe(false);
    expect(classifyError(new Error('bug'), 'GET').retry).toBe(false);
  });

  it('the retry quota empties under failures and refills on success', () => {
    const q = new RetryQuota(12);
    expect(q.acquire(false)).toBe(5);
    expect(q.acquire(true)).toBe(0); // 7 left < 10
    expect(q.acquire(false)).toBe(5);
    expect(q.acquire(false)).toBe(0);
    q.release(5);
    expect(q.available).toBe(7);
    q.release(0);
    expect(q.available).toBe(8);
    const full = new RetryQuota();
    full.release(0);
    expect(full.available).toBe(RetryQuota.INITIAL);
  });

  it('max attempts: --retries N means N + 1; AUTHAPI_MAX_ATTEMPTS, then AWS_MAX_ATTEMPTS; bad values are named', () => {
    expect(resolveMaxAttempts(undefined, {})).toBe(3);
    expect(resolveMaxAttempts('0', { AWS_MAX_ATTEMPTS: '9' })).toBe(1);
    expect(resolveMaxAttempts(undefined, { AWS_MAX_ATTEMPTS: '5' })).toBe(5);
    expect(resolveMaxAttempts(undefined, { AUTHAPI_MAX_ATTEMPTS: '2', AWS_MAX_ATTEMPTS: '5' })).toBe(2);
    expect(resolveMaxAttempts('x', {})).toMatch(/--retries "x"/);
    expect(resolveMaxAttempts(undefined, { AWS_MAX_ATTEMPTS: '0' })).toMatch(/AWS_MAX_ATTEMPTS="0"/);
  });
});
