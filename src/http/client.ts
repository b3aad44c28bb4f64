// One HTTP exchange over node:http/https, for `call`. Chosen by measurement
// (DESIGN.md, "Measured"): undici's import alone costs more than a whole signed GET
// over node:http, and a single call gains nothing from a pool. `batch` uses undici.
// The whole body is buffered: API Gateway caps payloads at 10 MB.
import type { IncomingHttpHeaders } from 'node:http';
import { NetworkError } from '../errors.js';
import type { SignedRequest } from './sign.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Header names as the server spelled them, with values, in order. */
  rawHeaders: string[];
  body: Buffer;
}

/** A failure to get any response (refused, reset, DNS, TLS, timeout). */
export class TransportError extends NetworkError {
  readonly code: string;
  readonly timedOut: boolean;
  constructor(message: string, code: string, timedOut: boolean, cause?: unknown) {
    super(message, timedOut ? 'raise --timeout, or check that the API is reachable' : 'check the API URL (`authapi configure --show`) and your network', { cause });
    this.code = code;
    this.timedOut = timedOut;
  }
}

export interface SendOptions {
  /** Whole-exchange timeout in ms (0 or undefined: none). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

export function describeTransportError(err: NodeJS.ErrnoException, where: string): TransportError {
  const code = err.code ?? 'EUNKNOWN';
  const reason = REASONS[code] ?? err.message;
  return new TransportError(`cannot reach ${where}: ${reason}${REASONS[code] ? ` (${code})` : ''}`, code, false, err);
}

function loadHttp(protocol: string): typeof import('node:http') {
  // process.getBuiltinModule keeps Node 24 from loading its bundled undici for an
  // ESM `import 'node:http'` (DESIGN.md, "Measured"); the CJS bundle gets require().
  const mod = protocol === 'https:' ? 'node:https' : 'node:http';
  return process.getBuiltinModule(mod) as typeof import('node:http');
}

export function send(req: SignedRequest, opts: SendOptions = {}): Promise<HttpResponse> {
  const where = req.port ? `${req.hostname}:${req.port}` : req.hostname;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const http = loadHttp(req.protocol);
    const headers = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const r = http.request({
      method: req.method,
      protocol: req.protocol,
      hostname: req.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: req.port || undefined,
      path: req.path,
      headers,
      // A fresh connection that closes after the answer: a single call must not
      // keep the process alive on an idle keep-alive socket.
      agent: false,
    });
    const onAbort = () => {
      r.destroy();
      finish(() => reject(opts.signal!.reason));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        r.destroy();
        const secs = opts.timeoutMs! / 1000;
        finish(() => reject(new TransportError(`no answer from ${where} within ${secs} s (timeout)`, 'ETIMEOUT', true)));
      }, opts.timeoutMs);
    }
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        finish(() =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        ),
      );
      res.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(describeTransportError(err, where))));
    });
    r.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(describeTransportError(err, where))));
    r.end(req.body);
  });
}
