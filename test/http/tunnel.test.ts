// The proxy edge cases, against a proxy written for them (test/helpers/proxies.ts):
// credentials, refusals, a hang-up, a silent proxy — through call's own client.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { send, TransportError } from '../../src/http/client.js';
import { openTunnel } from '../../src/http/tunnel.js';
import { parseProxyUrl } from '../../src/http/proxy.js';
import { classifyError } from '../../src/http/retry.js';
import { closedPort, startTestProxy, type TestProxy } from '../helpers/proxies.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function proxyOf(mode: Parameters<typeof startTestProxy>[0], auth?: string): Promise<TestProxy> {
  const p = await startTestProxy(mode, auth);
  cleanups.push(() => p.close());
  return p;
}

/** An origin server recording the headers it got. */
async function origin(): Promise<{ port: number; headers: Array<Record<string, unknown>> }> {
  const headers: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    headers.push(req.headers);
    res.end('hello from the origin');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { port: (server.address() as AddressInfo).port, headers };
}

const request = (port: number) => ({
  method: 'GET', protocol: 'http:' as const, hostname: '127.0.0.1', port: String(port), path: '/x?y=1',
  headers: { host: `127.0.0.1:${port}` }, signature: '',
});

describe('through a proxy (call\'s client)', () => {
  it('http: absolute form with Proxy-Authorization, which the origin never sees', async () => {
    const o = await origin();
    const p = await proxyOf('forward', 'u:p@ss');
    const res = await send(request(o.port), { proxy: parseProxyUrl(p.url, 'HTTP_PROXY') });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello from the origin');
    expect(p.seen).toEqual([{ method: 'GET', target: `http://127.0.0.1:${o.port}/x?y=1`, authorization: `Basic ${Buffer.from('u:p@ss').toString('base64')}` }]);
    expect(o.headers[0]!['proxy-authorization']).toBeUndefined();
  });

  it('CONNECT: a tunnel, with the credentials, to host:port', async () => {
    const o = await origin();
    const p = await proxyOf('forward', 'u:pw');
    const socket = await openTunnel(parseProxyUrl(p.url, 'HTTPS_PROXY'), '127.0.0.1', o.port);
    cleanups.push(async () => void socket.destroy());
    expect(p.seen).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${o.port}`, authorization: `Basic ${Buffer.from('u:pw').toString('base64')}` }]);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*hello from the origin$/);
  });

  it('407 without credentials: EPROXYAUTH, the hint says where to put them, never retried', async () => {
    const p = await proxyOf('forward', 'u:pw');
    const err = await openTunnel(parseProxyUrl(`http://127.0.0.1:${p.port}`, 'HTTPS_PROXY'), 'api.example', 443).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('EPROXYAUTH');
    expect((err as TransportError).message).toBe(`the proxy http://127.0.0.1:${p.port} (HTTPS_PROXY) wants credentials (407 Proxy Authentication Required)`);
    expect((err as TransportError).hint).toBe('put them in HTTPS_PROXY: http://user:password@host:port');
    expect(classifyError(err, 'GET').retry).toBe(false);
  });

  it('403 to CONNECT: EPROXYREFUSED, not retried; 502: EPROXY, retried like any network error', async () => {
    const refuse = await proxyOf('refuse');
    const r = await openTunnel(parseProxyUrl(refuse.url, 'HTTPS_PROXY'), 'api.example', 443).catch((e: unknown) => e) as TransportError;
    expect(r.code).toBe('EPROXYREFUSED');
    expect(r.message).toBe(`the proxy http://127.0.0.1:${refuse.port} (HTTPS_PROXY) refused a tunnel to api.example:443 (403 Forbidden)`);
    expect(classifyError(r, 'GET').retry).toBe(false);
    const bad = await proxyOf('bad-gateway');
    const b = await openTunnel(parseProxyUrl(bad.url, 'HTTPS_PROXY'), 'api.example', 443).catch((e: unknown) => e) as TransportError;
    expect(b.code).toBe('EPROXY');
    expect(b.message).toBe(`the proxy http://127.0.0.1:${bad.port} (HTTPS_PROXY) could not reach api.example:443 (502 Bad Gateway)`);
    expect(classifyError(b, 'GET').retry).toBe(true);
    expect(classifyError(b, 'POST').retry).toBe(false);
  });

  it('a proxy that hangs up, or is not there: errors that name it', async () => {
    const p = await proxyOf('hang-up');
    const h = await openTunnel(parseProxyUrl(p.url, 'https_proxy'), 'api.example', 443).catch((e: unknown) => e) as TransportError;
    expect(h).toBeInstanceOf(TransportError);
    expect(h.message).toMatch(new RegExp(`^the proxy http://127\\.0\\.0\\.1:${p.port} \\(https_proxy\\) closed the connection before answering CONNECT api\\.example:443$|^cannot reach the proxy http://127\\.0\\.0\\.1:${p.port} \\(https_proxy\\): connection reset`));
    const port = await closedPort();
    const d = await send(request(1), { proxy: parseProxyUrl(`http://user:secret@127.0.0.1:${port}`, 'HTTP_PROXY') }).catch((e: unknown) => e) as TransportError;
    expect(d.message).toBe(`cannot reach the proxy http://user:***@127.0.0.1:${port} (HTTP_PROXY): connection refused (ECONNREFUSED)`);
    expect(d.exitCode).toBe(6);
  });

  it('a proxy that never answers CONNECT: a timeout, retried as timeouts are', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      silent.close(() => r());
    }));
    const port = (silent.address() as AddressInfo).port;
    const err = await send({ ...request(443), protocol: 'https:', hostname: 'api.example', port: '' },
      { proxy: parseProxyUrl(`127.0.0.1:${port}`, 'HTTPS_PROXY'), timeoutMs: 100 }).catch((e: unknown) => e) as TransportError;
    expect(err.timedOut).toBe(true);
    expect(err.message).toBe(`no answer from the proxy http://127.0.0.1:${port} (HTTPS_PROXY) within 0.1 s (timeout)`);
    expect(classifyError(err, 'GET')).toMatchObject({ retry: true, reason: 'timeout' });
  });
});
