// The loopback listener the browser is sent back to: bound to exactly the host and
// port of a registered redirect URI (Cognito matches them as strings: 127.0.0.1 is
// not localhost), one callback accepted, a small page shown, then closed.
import { createServer, type Server } from 'node:http';
import type { CallbackTarget } from './callback-urls.js';

export interface CallbackListener {
  target: CallbackTarget;
  /** Ports tried first and found busy, in order. */
  busy: number[];
  /** The query of the one request to the callback path. */
  callback: Promise<URLSearchParams>;
  /** Answers the browser (after the code is checked) and closes the listener. */
  respond(ok: boolean, message: string): void;
  close(): Promise<void>;
}

export class AllPortsBusyError extends Error {
  constructor(readonly busy: number[]) {
    super(`every registered callback port is in use (${busy.join(', ')})`);
  }
}

export async function listenForCallback(targets: CallbackTarget[]): Promise<CallbackListener> {
  const busy: number[] = [];
  for (const target of targets) {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(target.port, target.host, () => resolve());
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        busy.push(target.port);
        continue;
      }
      throw err;
    }
    return attach(server, target, busy);
  }
  throw new AllPortsBusyError(busy);
}

function attach(server: Server, target: CallbackTarget, busy: number[]): CallbackListener {
  let resolveCallback!: (q: URLSearchParams) => void;
  const callback = new Promise<URLSearchParams>((r) => (resolveCallback = r));
  let pending: ((ok: boolean, message: string) => void) | undefined;
  let taken = false;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }));
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (req.method !== 'GET' || url.pathname !== target.path || taken) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('Not found\n');
      return;
    }
    taken = true;
    pending = (ok, message) => {
      const body = resultPage(ok, message);
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', 'Content-Length': Buffer.byteLength(body) });
      res.end(body, () => void close());
    };
    resolveCallback(url.searchParams);
  });
  return {
    target,
    busy,
    callback,
    respond: (ok, message) => {
      if (pending) pending(ok, message);
      else void close();
      pending = undefined;
    },
    close: () => {
      pending?.(false, 'authapi stopped waiting.');
      pending = undefined;
      server.closeAllConnections();
      return close();
    },
  };
}

function resultPage(ok: boolean, message: string): string {
  const esc = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const title = ok ? 'Signed in' : 'Sign-in failed';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>authapi: ${title}</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1 id="result">${title}</h1><p id="message">${esc}</p></body></html>\n`;
}
