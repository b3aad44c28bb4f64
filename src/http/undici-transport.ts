// Kept-alive connections for `batch`: one undici Pool per origin with as many
// connections as the run's concurrency. undici's import (~100 ms here) is paid once
// per run, which is why `call` does not use it (docs/protocols.md, "Start-up: what was measured").
import { STATUS_CODES } from 'node:http';
import { Pool, ProxyAgent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { HttpResponse } from './client.js';
import { TransportError } from './transport-error.js';
import { REASONS } from './reasons.js';
import type { Network } from './network.js';
import type { SignedRequest } from './sign.js';
import { CERTIFICATE_HINT, certificateProblem } from './trust.js';

export interface PoolTransport {
  /** `signal` is the run's (Ctrl-C): listened to once per run, not once per request. */
  send(req: SignedRequest, opts: { timeoutMs?: number; signal?: AbortSignal }): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * `timeoutMs` bounds the wait for the answer's headers and then for each chunk of
 * its body (undici's own timers: cheaper per request than an AbortSignal.timeout).
 */
export function createPoolTransport(origin: string, connections: number, timeoutMs = 0, network: Network = {}): PoolTransport {
  const { proxy, ca } = network;
  const options = { connections, pipelining: 1, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  // Through a proxy: undici's ProxyAgent (CONNECT for https, absolute form for http),
  // one pool of `connections` per origin behind it; AWS_CA_BUNDLE for the target's TLS.
  const pool: Dispatcher = proxy
    ? new ProxyAgent({
      ...options,
      uri: proxy.href,
      // http:// targets in absolute form, as `call` sends them (and as proxies expect).
      proxyTunnel: false,
      ...(proxy.authorization ? { token: proxy.authorization } : {}),
      ...(ca ? { requestTls: { ca }, proxyTls: { ca } } : {}),
    })
    : new Pool(origin, { ...options, ...(ca ? { connect: { ca } } : {}) });
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
        const res = await pool.request({ origin, method: req.method as 'GET', path: req.path, headers, body: req.body });
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
        if (proxy) {
          const refused = /Proxy response \((\d{3})\)/.exec(e.message ?? '');
          if (refused) {
            const status = Number(refused[1]);
            const pcode = status === 407 || status === 401 ? 'EPROXYAUTH' : status === 403 || status === 405 ? 'EPROXYREFUSED' : 'EPROXY';
            throw new TransportError(`the proxy ${proxy.display} (${proxy.source}) ${pcode === 'EPROXYAUTH' ? 'wants credentials' : `refused or could not open a tunnel to ${where}`} (${status})`,
              pcode, false, err, `check ${proxy.source}, or list the host in NO_PROXY to go direct`);
          }
          // The only connection made directly is the one to the proxy.
          if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
            throw new TransportError(`cannot reach the proxy ${proxy.display} (${proxy.source}): ${REASONS[code] ?? e.message} (${code})`,
              code, false, err, `check ${proxy.source}, or list the host in NO_PROXY to go direct`);
          }
        }
        const cert = certificateProblem(code);
        if (cert) throw new TransportError(`cannot reach ${where}: ${cert}`, code, false, err, CERTIFICATE_HINT);
        const reason = REASONS[code] ?? e.message;
        throw new TransportError(`cannot reach ${where}: ${reason} (${code})`, code, false, err);
      }
    },
    close: () => pool.close(),
  };
}
