// A front for the local stack that injects faults: every request is forwarded
// unchanged to the upstream unless a fault is queued for it, matched on
// "METHOD /path X-Amz-Target" (e.g. /InitiateAuth/, /GetCredentialsForIdentity/,
// /GET \/prod\/no-auth/). Each queued fault is used once, in order. Port 0.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Headers promise a body; a few bytes of it come, then the connection is reset. */
  | 'reset-mid-body'
  /** The connection closes before a byte of answer. */
  | 'close'
  /** Never answers (until the server closes). */
  | 'hang'
  /** 200 with a JSON body cut in the middle (its Content-Length matches what is sent). */
  | 'truncated-json'
  /** 200 with something that is not JSON at all. */
  | 'invalid-json'
  /** A proxy's or load balancer's HTML error page, with this status. */
  | { html: number }
  /** Any answer. */
  | { status: number; body?: string | Buffer; contentType?: string; headers?: Record<string, string> }
  /** Forwarded to the upstream, but the answer's Content-Type replaced. */
  | { contentType: string }
  /** 200 promising twice this many bytes; this many come, then the connection is reset. */
  | { resetAfterBytes: number };

export interface FaultServer {
  url: string;
  port: number;
  /** Queues faults for the next requests matching `match`. */
  inject(match: RegExp, ...faults: Fault[]): void;
  /** How many requests matching `match` arrived (faulted or forwarded). */
  hits(match: RegExp): number;
  /** Faults still queued (a test can check every one was used). */
  pending(): number;
  close(): Promise<void>;
}


/** The emulator's API listens apart from its service endpoints: paths under the stage go there. */
export interface ApiUpstream {
  origin: string;
  /** e.g. "/prod" */
  stagePrefix: string;
}

export function upstreamFor(path: string | undefined, service: URL, api?: { url: URL; stagePrefix: string }): URL {
  if (api && path && (path === api.stagePrefix || path.startsWith(`${api.stagePrefix}/`) || path.startsWith(`${api.stagePrefix}?`))) return api.url;
  return service;
}

export async function startFaultServer(upstream: string, apiUpstream?: ApiUpstream): Promise<FaultServer> {
  const service = new URL(upstream);
  const api = apiUpstream ? { url: new URL(apiUpstream.origin), stagePrefix: apiUpstream.stagePrefix } : undefined;
  const queue: Array<{ match: RegExp; fault: Fault }> = [];
  const seen: string[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, contentType?: string) => {
    const up = upstreamFor(req.url, service, api);
    const f = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      if (contentType) headers['content-type'] = contentType;
      res.writeHead(answer.statusCode!, headers);
      answer.pipe(res);
    });
    f.on('error', () => res.destroy());
    f.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = `${req.method} ${req.url} ${req.headers['x-amz-target'] ?? ''}`;
      seen.push(key);
      const i = queue.findIndex((q) => q.match.test(key));
      const fault = i >= 0 ? queue.splice(i, 1)[0]!.fault : undefined;
      const body = Buffer.concat(chunks);
      if (fault === undefined) return forward(req, res, body);
      if (fault === 'hang') return;
      if (fault === 'close') return req.socket.destroy();
      if (fault === 'reset-mid-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"partial":');
        setImmediate(() => req.socket.resetAndDestroy());
        return;
      }
      const send = (status: number, text: string | Buffer, type: string, headers: Record<string, string> = {}) => {
        const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
        res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length), ...headers }).end(bytes);
      };
      if (fault === 'truncated-json') return send(200, '{"AuthenticationResult":{"IdToken":"eyJhbGciOi', 'application/x-amz-json-1.1');
      if (fault === 'invalid-json') return send(200, 'OK but not JSON', 'application/x-amz-json-1.1');
      if ('html' in fault) return send(fault.html, `<!DOCTYPE html>\n<html><head><title>${fault.html} Error</title></head><body><h1>${fault.html}</h1><p>The server is unavailable.</p></body></html>\n`, 'text/html');
      if ('resetAfterBytes' in fault) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(fault.resetAfterBytes * 2) });
        res.write(Buffer.alloc(fault.resetAfterBytes, 'y'), () => setTimeout(() => req.socket.resetAndDestroy(), 20));
        return;
      }
      if ('status' in fault) return send(fault.status, fault.body ?? '', fault.contentType ?? 'application/json', fault.headers);
      return forward(req, res, body, fault.contentType);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    inject(match, ...faults) {
      for (const fault of faults) queue.push({ match, fault });
    },
    hits: (match) => seen.filter((k) => match.test(k)).length,
    pending: () => queue.length,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
