// Proxies for the tests: the real tinyproxy (Debian's; CI installs it), started on a
// free port with a config of its own and its log read to see what went through it;
// and a small proxy written here for what tinyproxy will not do on demand (refuse a
// tunnel, ask for credentials, hang up), which records every request it gets.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './cli.js';

export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A port nothing listens on (bound, then closed). */
export const closedPort = freePort;

export interface Tinyproxy {
  port: number;
  /** http://[user:pass@]127.0.0.1:port */
  url: string;
  /** The request lines tinyproxy logged ("GET http://…", "CONNECT host:port"), oldest first. */
  requests(): string[];
  /** Waits (bounded) until a logged request line matches. */
  waitFor(re: RegExp): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** Starts tinyproxy in the foreground on a free port; `auth` makes it demand those credentials. */
export async function startTinyproxy(opts: { auth?: { user: string; pass: string } } = {}): Promise<Tinyproxy> {
  const dir = tempDir('authapi-tinyproxy-');
  const log = join(dir, 'tinyproxy.log');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = [
      `Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', `LogFile "${log}"`, 'LogLevel Connect', 'MaxClients 64',
      'Allow 127.0.0.1', 'DisableViaHeader Yes', ...(opts.auth ? [`BasicAuth ${opts.auth.user} ${opts.auth.pass}`] : []),
    ].join('\n') + '\n';
    writeFileSync(join(dir, 'tinyproxy.conf'), conf);
    const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (await listening(port, child)) {
      const requests = () => (existsSync(log) ? readFileSync(log, 'utf8') : '').split('\n')
        .map((l) => /Request \(file descriptor \d+\): (\S+ \S+)/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
      const creds = opts.auth ? `${opts.auth.user}:${opts.auth.pass}@` : '';
      return {
        port,
        url: `http://${creds}127.0.0.1:${port}`,
        requests,
        async waitFor(re) {
          // tinyproxy writes its log line as it handles the request; allow it a moment.
          for (let i = 0; i < 100; i++) {
            const hit = requests().find((r) => re.test(r));
            if (hit) return hit;
            await new Promise((r) => setTimeout(r, 20));
          }
          return undefined;
        },
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    child.kill('SIGKILL');
    await exited;
    if (attempt >= 3) throw new Error('tinyproxy did not start');
  }
}

async function listening(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export type TestProxyMode = 'forward' | 'refuse' | 'hang-up' | 'bad-gateway';

export interface TestProxy {
  url: string;
  port: number;
  /** Every request: CONNECT authority or absolute URL, and its Proxy-Authorization. */
  seen: Array<{ method: string; target: string; authorization?: string }>;
  close(): Promise<void>;
}

/**
 * A proxy written for the edge cases. 'forward' tunnels CONNECT and forwards
 * absolute-form requests; 'refuse' answers CONNECT 403; 'hang-up' closes the
 * connection without a word; 'bad-gateway' answers 502. With `auth` (user:pass)
 * anything without those credentials gets 407.
 */
export async function startTestProxy(mode: TestProxyMode, auth?: string): Promise<TestProxy> {
  const seen: TestProxy['seen'] = [];
  const expected = auth ? `Basic ${Buffer.from(auth).toString('base64')}` : undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method!, target: req.url!, authorization: req.headers['proxy-authorization'] });
    if (expected && req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (mode === 'hang-up') return req.socket.destroy();
    if (mode !== 'forward') {
      res.writeHead(mode === 'refuse' ? 403 : 502).end();
      return;
    }
    const url = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push({ method: 'CONNECT', target: req.url!, authorization: req.headers['proxy-authorization'] });
    if (expected && req.headers['proxy-authorization'] !== expected) {
      // Answered, and left open for the client to close (as proxies do): closing at once
      // could reset the connection before the client has read the answer.
      client.write('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (mode === 'hang-up') return client.destroy();
    if (mode === 'refuse') return void client.write('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    if (mode === 'bad-gateway') return void client.write('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    const [host, port] = [req.url!.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'), Number(/:(\d+)$/.exec(req.url!)?.[1] ?? 443)];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${auth ? `${auth}@` : ''}127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
