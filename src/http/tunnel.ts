// Connections through an HTTP proxy (proxy.ts says which): the TCP (or TLS, for an
// https:// proxy) connection to the proxy, and a CONNECT tunnel through it to the
// target (RFC 9110 §9.3.6), used for every https:// target — the proxy sees only the
// host and port, never the request. Plain http:// requests from `call` and the
// User Pool client go to the proxy in absolute form instead (client.ts); the AWS SDK's
// clients, whose requests we do not write ourselves, get node:http agents that
// tunnel (proxyAgent below). Failures name the proxy and the variable it came from.
import type { Agent as HttpAgent } from 'node:http';
import type { Socket } from 'node:net';
import { TransportError } from './transport-error.js';
import { REASONS } from './reasons.js';
import type { Proxy } from './proxy.js';
import { CERTIFICATE_HINT, certificateProblem } from './trust.js';

const proxyHint = (proxy: Proxy) => `check ${proxy.source}, or list the host in NO_PROXY to go direct`;

/** A failure to talk to the proxy itself: names it (password masked) and its variable. */
export function proxyError(proxy: Proxy, err: NodeJS.ErrnoException): TransportError {
  if (err instanceof TransportError) return err;
  const code = err.code ?? 'EUNKNOWN';
  const cert = certificateProblem(code);
  const reason = cert ?? (REASONS[code] ? `${REASONS[code]} (${code})` : err.message);
  return new TransportError(`cannot reach the proxy ${proxy.display} (${proxy.source}): ${reason}`, code, false, err, cert ? CERTIFICATE_HINT : proxyHint(proxy));
}

/** A new connection to the proxy. */
export function connectToProxy(proxy: Proxy, ca?: string[]): Socket {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net');
  if (proxy.protocol === 'https:') {
    const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
    return tls.connect({ host: proxy.hostname, port: proxy.port, ...(net.isIP(proxy.hostname) ? {} : { servername: proxy.hostname }), ...(ca ? { ca } : {}) });
  }
  return net.connect({ host: proxy.hostname, port: proxy.port });
}

export interface TunnelOptions {
  ca?: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A CONNECT tunnel to host:port: resolves with the socket once the proxy said 2xx
 * (the bytes after that are the target's). The caller starts TLS on it.
 */
export function openTunnel(proxy: Proxy, host: string, port: number, opts: TunnelOptions = {}): Promise<Socket> {
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise<Socket>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const socket = connectToProxy(proxy, opts.ca);
    let head = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(socket);
    };
    const onAbort = () => done(opts.signal!.reason);
    const onError = (err: NodeJS.ErrnoException) => done(proxyError(proxy, err));
    const onClose = () => done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) closed the connection before answering CONNECT ${authority}`, 'ECONNRESET', false, undefined, proxyHint(proxy)));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024) done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) sent an oversized answer to CONNECT`, 'EPROTO', false));
        return;
      }
      const statusLine = head.toString('latin1', 0, head.indexOf('\r\n'));
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!m) return done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) answered CONNECT with something that is not HTTP`, 'EPROTO', false));
      const status = Number(m[1]);
      const text = `${status}${m[2] ? ` ${m[2]}` : ''}`;
      if (status >= 200 && status < 300) {
        const rest = head.subarray(end + 4);
        if (rest.length) socket.unshift(rest);
        return done();
      }
      // 407 is the standard answer; tinyproxy says 401 when the credentials are wrong.
      if (status === 407 || status === 401) {
        return done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) wants credentials (${text})`, 'EPROXYAUTH', false, undefined,
          proxy.authorization ? `it refused the user and password in ${proxy.source}` : `put them in ${proxy.source}: http://user:password@host:port`));
      }
      if (status === 403 || status === 405) {
        return done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) refused a tunnel to ${authority} (${text})`, 'EPROXYREFUSED', false, undefined, proxyHint(proxy)));
      }
      done(new TransportError(`the proxy ${proxy.display} (${proxy.source}) could not reach ${authority} (${text})`, 'EPROXY', false, undefined, proxyHint(proxy)));
    };
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => done(new TransportError(`no answer from the proxy ${proxy.display} (${proxy.source}) within ${opts.timeoutMs! / 1000} s (timeout)`, 'ETIMEOUT', true, undefined, proxyHint(proxy))), opts.timeoutMs);
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
    if (proxy.authorization) request += `Proxy-Authorization: ${proxy.authorization}\r\n`;
    socket.write(`${request}\r\n`, 'latin1');
  });
}

/**
 * A node:http(s) Agent for clients that write their own requests (the AWS SDK's
 * node-http-handler): each connection asks `route` whether a proxy applies to its
 * host; through one it is a CONNECT tunnel (TLS inside it for https), otherwise a
 * direct connection. `ca`, when given, is trusted for the targets.
 */
export function routingAgent(kind: 'http' | 'https', route: (host: string, port: number) => Proxy | undefined, ca?: string[]): HttpAgent {
  const http = process.getBuiltinModule('node:http') as typeof import('node:http');
  const https = process.getBuiltinModule('node:https') as typeof import('node:https');
  const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
  const net = process.getBuiltinModule('node:net') as typeof import('node:net');
  type Options = import('node:http').ClientRequestArgs & { servername?: string };
  type Callback = (err: Error | null, stream: import('node:stream').Duplex) => void;
  const Base = (kind === 'https' ? https.Agent : http.Agent) as typeof http.Agent;
  class RoutingAgent extends Base {
    override createConnection(options: Options, callback?: Callback): import('node:stream').Duplex | null | undefined {
      const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
      const port = Number(options.port ?? (kind === 'https' ? 443 : 80));
      const proxy = route(host, port);
      if (!proxy) return kind === 'https' ? tls.connect({ ...(options as object), ...(ca ? { ca } : {}) } as import('node:tls').ConnectionOptions) : net.connect(options as import('node:net').NetConnectOpts);
      openTunnel(proxy, host, port, { ca }).then((raw) => {
        if (kind === 'http') return callback?.(null, raw);
        callback?.(null, tls.connect({
          ...(options as object),
          socket: raw,
          ...(net.isIP(host) ? {} : { servername: options.servername || host }),
          ...(ca ? { ca } : {}),
        } as import('node:tls').ConnectionOptions));
      }, (err: Error) => callback?.(err, undefined as unknown as import('node:stream').Duplex));
      return undefined;
    }
  }
  return new RoutingAgent({ keepAlive: true, ...(ca && kind === 'https' ? { ca } : {}) } as import('node:https').AgentOptions);
}
