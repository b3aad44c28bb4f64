// Kept-alive connections for `batch`: one undici Pool per origin with as many
// connections as the run's concurrency. undici's import (~100 ms here) is paid once
// per run, which is why `call` does not use it (DESIGN.md, "Measured").
import { STATUS_CODES } from 'node:http';
import { Pool, errors as undiciErrors } from 'undici';
import type { HttpResponse } from './client.js';
import { REASONS, TransportError } from './client.js';
import type { SignedRequest } from './sign.js';

export interface PoolTransport {
  /** `signal` is the run's (Ctrl-C): listened to once per run, not once per request. */
  send(req: SignedRequest, opts: { timeoutMs?: number; signal?: AbortSignal }): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * `timeoutMs` bounds the wait for the answer's headers and then for each chunk of
 * its body (undici's own timers: cheaper per request than an AbortSignal.timeout).
 */
export function createPoolTransport(origin: string, connections: number, timeoutMs = 0): PoolTransport {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const where = new URL(origin).host;
  let watching: AbortSignal | undefined;
  return {
    async send(req, opts) {
      if (opts.signal && watching !== opts.signal) {
        // One listener for the whole run: an interrupt destroys the pool, failing every request in flight.
        watching = opts.signal;
        opts.signal.addEventListener('abort', () => void pool.destroy().catch(() => {}), { once: true });
      }
      if (opts.signal?.aborted) throw opts.signal.reason;
      const headers = req.headers; // signRequest's own object: ours to extend
      if (req.body) headers['content-length'] = String(req.body.length);
      try {
        const res = await pool.request({ method: req.method as 'GET', path: req.path, headers, body: req.body });
        const body = Buffer.from(await res.body.arrayBuffer());
        const resHeaders = res.headers as HttpResponse['headers'];
        return {
          status: res.statusCode,
          statusText: STATUS_CODES[res.statusCode] ?? '',
          headers: resHeaders,
          // Built only if someone reads it (batch does not).
          get rawHeaders() {
            const raw: string[] = [];
            for (const [k, v] of Object.entries(resHeaders)) for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) raw.push(k, String(one));
            return raw;
          },
          body,
        };
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
        if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
          throw new TransportError(`no answer from ${where} within ${timeoutMs / 1000} s (timeout)`, 'ETIMEOUT', true, err);
        }
        const code = e.code ?? e.cause?.code ?? (err instanceof undiciErrors.UndiciError ? 'UND_ERR' : 'EUNKNOWN');
        if (code === 'EUNKNOWN' && !(err instanceof undiciErrors.UndiciError) && !(e.syscall)) throw err;
        const reason = REASONS[code] ?? e.message;
        throw new TransportError(`cannot reach ${where}: ${reason} (${code})`, code, false, err);
      }
    },
    close: () => pool.close(),
  };
}
