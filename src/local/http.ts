// The emulator's HTTP front: reads each request whole into a LocalRequest, hands it
// to one handler, writes the LocalResponse. Binds 127.0.0.1 and port 0 by default so
// tests never collide.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalRequest, LocalResponse } from './model.js';

export type LocalHandler = (req: LocalRequest) => Promise<LocalResponse>;

export interface Listening {
  /** `http://127.0.0.1:<port>` (no trailing slash) */
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Bodies larger than this are still read (API Gateway answers 413 itself). */
  onError?: (err: unknown) => void;
}

const EMPTY_BODY = Buffer.alloc(0);
/** Bodies up to this size are sent with the response head in a single write. */
const SMALL_BODY = 16 * 1024;

/**
 * Header values by lower-cased name, repeated headers joined with `,`. Node's own
 * `req.headers` (built lazily on first access) gives the same map when no name
 * repeats, so it is only consulted then (its rules for duplicates: some dropped,
 * cookie joined with `; `, set-cookie kept as a list).
 */
function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const raw = req.rawHeaders;
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (headers[name] !== undefined || name === '__proto__') return joinedNodeHeaders(req);
    headers[name] = raw[i + 1]!;
  }
  return headers;
}

function joinedNodeHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const all = req.headers;
  for (const name in all) {
    const value = all[name];
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

export async function listen(handler: LocalHandler, opts: ListenOptions = {}): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const headers = joinedHeaders(req);
    const respond = (body: Buffer) => {
      const local: LocalRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      };
      handler(local).then(
        (out) => {
          // Every answer is whole: its length goes in Content-Length (as AWS sends
          // it), never chunked. The gateway sets it itself on its hot path.
          if (out.headers['Content-Length'] === undefined && out.headers['content-length'] === undefined) {
            out.headers['Content-Length'] = String(typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.length);
          }
          res.writeHead(out.status, out.headers);
          // A string body is written in one piece with the head (Node joins them); a
          // Buffer goes out as a second chunk through writev. Latin-1 maps bytes 1:1.
          if (typeof out.body !== 'string' && out.body.length <= SMALL_BODY) res.end(out.body.toString('latin1'), 'latin1');
          else res.end(out.body);
        },
        (err: unknown) => {
          opts.onError?.(err);
          const body = JSON.stringify({ __type: 'InternalErrorException', message: 'Internal error in the authapi emulator' });
          res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        },
      );
    };
    // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body:
    // then one 'end' listener, as a bare server has (each further listener type costs
    // a property delete on the request's event map when Node cleans it up).
    const contentLength = headers['content-length'];
    if ((contentLength === undefined || contentLength === '0') && headers['transfer-encoding'] === undefined) {
      req.resume();
      req.on('end', () => respond(EMPTY_BODY));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => respond(chunks.length === 0 ? EMPTY_BODY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** AWS JSON 1.1 error, as Cognito sends it (docs/protocols.md, "Cognito User Pool API"). */
// Both carry Content-Length, as AWS's JSON answers do (not chunked encoding).
export function awsJsonError(type: string, message: string, requestId: string, status = 400): LocalResponse {
  const body = JSON.stringify({ __type: type, message });
  return {
    status,
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': String(Buffer.byteLength(body)),
      'x-amzn-ErrorType': `${type}:`,
      // A header carries no line breaks (a SigV4 mismatch message has some) and only
      // printable ASCII here (messages may echo a client's value); the body has it all.
      'x-amzn-ErrorMessage': message.replace(/[\r\n]+/g, ' ').replace(/[^\t\x20-\x7e]/g, '?'),
      'x-amzn-RequestId': requestId,
    },
    body,
  };
}

export function awsJsonOk(payload: unknown, requestId: string): LocalResponse {
  return awsJsonText(JSON.stringify(payload), requestId);
}

/** A success whose JSON text the caller wrote (for numbers AWS formats its own way). */
export function awsJsonText(body: string, requestId: string): LocalResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': String(Buffer.byteLength(body)), 'x-amzn-RequestId': requestId },
    body,
  };
}
