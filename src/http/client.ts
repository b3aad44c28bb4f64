// One HTTP exchange for `call` (and for the User Pool's JSON calls and the JWKS
// fetch): HTTP/1.1 (http1.ts) on a node:net or node:tls socket. Chosen by measurement
// (README, "Measured"; bench/call.bench.mjs): undici's import alone costs more than a
// whole signed GET, node:http ~5 ms more than this, and a single call gains nothing
// from a pool. `batch` uses undici. A body up to STREAM_AFTER_BYTES is kept in memory;
// a larger one goes to the caller's sink as it arrives (streamBody). Through a proxy
// (proxy.ts), http:// requests go in absolute form and https:// ones through a
// CONNECT tunnel (tunnel.ts); AWS_CA_BUNDLE arrives as `ca` (trust.ts).
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { NetworkError } from '../errors.js';
import { ResponseParser, framingHeaders, serializeRequest, type Http1Response } from './http1.js';
import type { Proxy } from './proxy.js';
import type { SignedRequest } from './sign.js';
import { REASONS } from './reasons.js';
import { TransportError } from './transport-error.js';
import { CERTIFICATE_HINT, certificateProblem } from './trust.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Header names as the server spelled them, with values, in order. */
  rawHeaders: string[];
  body: Buffer;
  /** Set when the body went to SendOptions.streamBody's sink (then `body` is empty): its length. */
  streamed?: number;
}

export { TransportError } from './transport-error.js';

export interface SendOptions {
  /** Whole-exchange timeout in ms (0 or undefined: none). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A connection opened ahead of time (preconnect) to send this request on. */
  socket?: Socket;
  /** The proxy to go through (proxy.ts proxyFor); undefined: connect directly. */
  proxy?: Proxy;
  /** CAs to trust instead of Node's defaults (trust.ts caFor: AWS_CA_BUNDLE). */
  ca?: string[];
  /** How a socket error is reported (the proxied path names the proxy). */
  describeError?: (err: NodeJS.ErrnoException) => TransportError;
  /**
   * Where a large body goes instead of memory: asked once the body of an answer
   * outgrows `streamAfterBytes`; undefined keeps it in memory (e.g. an answer the
   * retry rules must read). The response then has an empty `body` and `streamed` set.
   */
  streamBody?: (head: HttpResponseHead) => BodySink | undefined;
  streamAfterBytes?: number;
}

export type HttpResponseHead = Omit<HttpResponse, 'body' | 'streamed'>;

/**
 * A destination for a streamed body: each write resolves when the bytes are taken.
 * The chunk's memory is reused once the write has resolved: copy whatever is kept.
 */
export interface BodySink {
  write(chunk: Buffer): Promise<void> | void;
}

/** A body up to this size is kept in memory (and a broken one retried); beyond, it is streamed. */
export const STREAM_AFTER_BYTES = 1 << 20;

export function describeTransportError(err: NodeJS.ErrnoException, where: string): TransportError {
  const code = err.code ?? 'EUNKNOWN';
  const cert = certificateProblem(code);
  if (cert) return new TransportError(`cannot reach ${where}: ${cert}`, code, false, err, CERTIFICATE_HINT);
  const reason = REASONS[code] ?? err.message;
  return new TransportError(`cannot reach ${where}: ${reason}${REASONS[code] ? ` (${code})` : ''}`, code, false, err);
}

const unbracket = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

type Endpoint = Pick<SignedRequest, 'protocol' | 'hostname' | 'port'>;

/**
 * Reads into one fixed buffer (the `onread` option of node:net) instead of
 * a new 64 KiB allocation per read: streaming a 500 MB body otherwise leaves tens of
 * MB of dead buffers for the GC to find (measured: peak RSS 82 → 48 MiB on Node 20,
 * 122 → 49 on Node 24). Whoever reads must be done with a chunk when its handler returns
 * (or pause the socket until it is): send() copies what it keeps (pushTransient).
 */
interface FixedBufferReader {
  onData?: (chunk: Buffer) => void;
  /** What arrived before anyone listened (copies). */
  backlog: Buffer[];
}
const READERS = new WeakMap<Socket, FixedBufferReader>();
const READ_BUFFER_BYTES = 64 * 1024;

function fixedBufferRead(): { reader: FixedBufferReader; onread: { buffer: Buffer; callback: (n: number, buf: Buffer) => boolean } } {
  const reader: FixedBufferReader = { backlog: [] };
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const callback = (n: number, buf: Buffer): boolean => {
    const chunk = buf.subarray(0, n);
    if (reader.onData) reader.onData(chunk);
    else reader.backlog.push(Buffer.from(chunk));
    return true;
  };
  return { reader, onread: { buffer, callback } };
}

/**
 * A new connection to the endpoint: TCP, or TLS with SNI (never for an IP literal) and
 * HTTP/1.1 by ALPN — on `over` (a proxy's CONNECT tunnel) when given.
 */
function connect(to: Endpoint, ca?: string[], over?: Socket): Socket {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net');
  const host = unbracket(to.hostname);
  // Plain TCP only. node:tls takes onread too, but pausing it inside the callback does
  // not stop it delivering the records it already decrypted into the same buffer, so a
  // chunk could be overwritten before its write completed (a test caught it): TLS
  // sockets emit 'data' with a buffer of their own per read.
  const fixed = over || to.protocol === 'https:' ? undefined : fixedBufferRead();
  let socket: Socket;
  if (to.protocol === 'https:') {
    const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
    socket = tls.connect({
      host, port: Number(to.port || 443), ...(net.isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'],
      ...(ca ? { ca } : {}), ...(over ? { socket: over } : {}),
    });
  } else socket = over ?? net.connect({ host, port: Number(to.port || 80), onread: fixed!.onread });
  if (fixed) READERS.set(socket, fixed.reader);
  return socket;
}

/** One request and its response on a connection of its own (or the one given), closed afterwards. */
export function send(req: SignedRequest, opts: SendOptions = {}): Promise<HttpResponse> {
  if (opts.proxy && !opts.socket) return sendThroughProxy(req, opts.proxy, opts);
  const where = req.port ? `${req.hostname}:${req.port}` : req.hostname;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const headers = { ...req.headers, ...framingHeaders(req.method, req.body) };
    let bytes: Buffer;
    try {
      bytes = serializeRequest(req.method, req.path, headers, req.body);
    } catch (err) {
      return reject(err);
    }
    const socket = opts.socket ?? connect(req, opts.ca);
    const parser = new ResponseParser(req.method);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      fn();
    };
    const onAbort = () => finish(() => reject(opts.signal!.reason));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        const secs = opts.timeoutMs! / 1000;
        finish(() => reject(new TransportError(`no answer from ${where} within ${secs} s (timeout)`, 'ETIMEOUT', true)));
      }, opts.timeoutMs);
    }
    // Streaming (opts.streamBody): once a final answer's body outgrows the threshold,
    // its bytes go to the caller's sink as they come, the socket paused while the sink
    // is busy, and the timeout becomes one for silence rather than for the whole body.
    let sink: BodySink | undefined;
    let streamed = 0;
    let pending: Buffer[] = [];
    let writing: Promise<void> = Promise.resolve();
    let sinkFailed: unknown;
    const threshold = opts.streamAfterBytes ?? STREAM_AFTER_BYTES;
    const maybeStream = () => {
      if (sink || !opts.streamBody || parser.keptBytes <= threshold) return;
      const head = parser.head;
      const chosen = head && opts.streamBody(head);
      if (!chosen) return;
      sink = chosen;
      parser.streamTo((b) => pending.push(b));
      if (timer && opts.timeoutMs) {
        clearTimeout(timer);
        timer = undefined;
        socket.setTimeout(opts.timeoutMs, () => finish(() => reject(partial(`no data for ${opts.timeoutMs! / 1000} s (timeout)`))));
      }
    };
    const partial = (why: string, cause?: unknown) =>
      new NetworkError(`the answer from ${where} broke off after ${streamed} bytes of its body had been written: ${why}`, 'the output is incomplete; run the call again', { cause });
    const flush = () => {
      if (!sink || pending.length === 0) return;
      const batch = pending;
      pending = [];
      socket.pause();
      const target = sink;
      writing = writing.then(async () => {
        for (const b of batch) {
          await target.write(b);
          streamed += b.length;
        }
      }).then(() => {
        if (!settled) socket.resume();
      }, (err: unknown) => {
        sinkFailed ??= err;
        finish(() => reject(err));
      });
    };
    const settle = (read: () => Http1Response | undefined) => {
      let res: Http1Response | undefined;
      try {
        res = read();
      } catch (err) {
        const e = err as Error;
        finish(() => reject(sink ? partial(e.message, e) : new TransportError(`unreadable answer from ${where}: ${e.message}`, 'EPROTO', false, e)));
        return;
      }
      maybeStream();
      flush();
      if (res) {
        const done = res;
        finish(() => void writing.then(() => (sinkFailed ? reject(sinkFailed) : resolve(sink ? { ...done, streamed } : done)), reject));
      }
    };
    const reader = READERS.get(socket);
    if (reader) {
      reader.onData = (chunk) => settle(() => parser.pushTransient(chunk));
      for (const b of reader.backlog.splice(0)) settle(() => parser.push(b));
    } else socket.on('data', (chunk: Buffer) => settle(() => parser.push(chunk)));
    const closed = () => {
      // Closed before a single byte came back: a reset, as far as the caller can tell.
      if (!parser.started) finish(() => reject(new TransportError(`cannot reach ${where}: connection closed without an answer (ECONNRESET)`, 'ECONNRESET', false)));
      else settle(() => parser.end());
    };
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(sink ? partial(err.code ?? err.message, err) : opts.describeError?.(err) ?? describeTransportError(err, where))));
    socket.write(bytes);
  });
}

/**
 * Through a proxy: an http:// request goes to the proxy in absolute form (the proxy
 * forwards it; errors name the proxy); an https:// one through a CONNECT tunnel with
 * TLS to the target inside it. One timeout covers the tunnel and the exchange.
 */
async function sendThroughProxy(req: SignedRequest, proxy: Proxy, opts: SendOptions): Promise<HttpResponse> {
  const { openTunnel, connectToProxy, proxyError } = await import('./tunnel.js');
  const host = unbracket(req.hostname);
  if (req.protocol === 'http:') {
    const authority = req.port ? `${req.hostname}:${req.port}` : req.hostname;
    const headers = proxy.authorization ? { ...req.headers, 'proxy-authorization': proxy.authorization } : req.headers;
    return send({ ...req, path: `http://${authority}${req.path}`, headers },
      { ...opts, proxy: undefined, socket: connectToProxy(proxy, opts.ca), describeError: (err) => proxyError(proxy, err) });
  }
  const started = Date.now();
  const raw = await openTunnel(proxy, host, Number(req.port || 443), { ca: opts.ca, timeoutMs: opts.timeoutMs, signal: opts.signal });
  const left = opts.timeoutMs ? Math.max(1, opts.timeoutMs - (Date.now() - started)) : opts.timeoutMs;
  return send(req, { ...opts, proxy: undefined, timeoutMs: left, socket: connect(req, opts.ca, raw) });
}

/**
 * A connection opened while the request is still being signed (the agent round trip,
 * or the keychain and a refresh), so that the TCP and TLS handshakes overlap with that
 * work instead of following it. Used once, by the first attempt, and only while fresh;
 * anything wrong with it (an error, a close, age) and the attempt connects anew, so an
 * early failure is reported exactly as a late one would be.
 */
export interface EarlyConnection {
  /** The socket for this request, if it is still fit to carry it. */
  take(req: Endpoint): Socket | undefined;
  /** Drops it if nobody took it (the signing failed before the first attempt). */
  close(): void;
}

export const EARLY_CONNECTION_MAX_AGE_MS = 5_000;

export function preconnect(target: Endpoint, now: () => number = Date.now, ca?: string[]): EarlyConnection {
  const host = unbracket(target.hostname);
  const openedAt = now();
  let socket: Socket | undefined = connect(target, ca);
  let broken = false;
  const onBroken = () => (broken = true);
  socket.on('error', onBroken);
  socket.on('close', onBroken);
  socket.on('end', onBroken);
  return {
    take(req) {
      const s = socket;
      socket = undefined;
      if (!s) return undefined;
      const same = req.protocol === target.protocol && unbracket(req.hostname) === host && (req.port || '') === (target.port || '');
      if (broken || !same || now() - openedAt > EARLY_CONNECTION_MAX_AGE_MS) {
        s.destroy();
        return undefined;
      }
      s.off('error', onBroken);
      s.off('close', onBroken);
      s.off('end', onBroken);
      return s;
    },
    close() {
      socket?.destroy();
      socket = undefined;
    },
  };
}
