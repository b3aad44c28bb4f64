// call's client streaming a large body to a sink (src/http/client.ts streamBody):
// what goes to the sink is the body byte for byte, the response keeps none of it,
// a slow sink slows the reading, and a break after bytes were written is not retried.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send, TransportError } from '../../src/http/client.js';
import { classifyError } from '../../src/http/retry.js';
import { NetworkError } from '../../src/errors.js';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { makeTestCa } from '../helpers/tls-ca.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const get = (port: number) => ({ method: 'GET', protocol: 'http:' as const, hostname: '127.0.0.1', port: String(port), path: '/', headers: { host: `127.0.0.1:${port}` }, signature: '' });
const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));

describe('streaming a large body', () => {
  for (const framing of ['length', 'chunked', 'close'] as const) {
    it(`${framing}: beyond the threshold the body goes to the sink, in order, and the response keeps none`, async () => {
      const port = await serve((_req, res) => {
        if (framing === 'length') res.setHeader('content-length', body.length);
        if (framing === 'close') res.setHeader('connection', 'close');
        for (let i = 0; i < body.length; i += 7_000) res.write(body.subarray(i, i + 7_000));
        res.end();
      });
      const got: Buffer[] = [];
      const res = await send(get(port), { streamAfterBytes: 10_000, streamBody: () => ({ write: (c) => void got.push(Buffer.from(c)) }) /* a chunk is valid until write returns: keep a copy */ });
      expect(res.status).toBe(200);
      expect(res.streamed).toBe(body.length);
      expect(res.body.length).toBe(0);
      expect(Buffer.concat(got).equals(body)).toBe(true);
    });
  }

  it('over TLS too (a slow sink): every byte in place', async () => {
    const ca = makeTestCa();
    const big = Buffer.allocUnsafe(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 13 + (i >> 12)) & 0xff;
    const server = createHttpsServer({ key: ca.key, cert: ca.cert }, (_req, res) => {
      for (let i = 0; i < big.length; i += 50_000) res.write(big.subarray(i, i + 50_000));
      res.end();
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const got: Buffer[] = [];
    const res = await send({ ...get(port), protocol: 'https:', hostname: 'localhost', headers: { host: `localhost:${port}` } },
      { ca: [readFileSync(ca.caFile, 'utf8')], streamAfterBytes: 1 << 16, streamBody: () => ({ async write(c) { got.push(Buffer.from(c)); await new Promise<void>((r) => setImmediate(r)); } }) });
    expect(res.streamed).toBe(big.length);
    expect(Buffer.concat(got).equals(big)).toBe(true);
  });

  it('a small body stays in memory; a sink refused by the caller (undefined) keeps it all', async () => {
    const port = await serve((_req, res) => res.end(body));
    const small = await send(get(port), { streamAfterBytes: body.length + 1, streamBody: () => ({ write: () => {} }) });
    expect(small.streamed).toBeUndefined();
    expect(small.body.equals(body)).toBe(true);
    const kept = await send(get(port), { streamAfterBytes: 10, streamBody: () => undefined });
    expect(kept.body.equals(body)).toBe(true);
  });

  it('a slow sink holds the socket: bytes are not read ahead of it without bound', async () => {
    const big = Buffer.allocUnsafe(8 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
    const port = await serve((_req, res) => res.end(big));
    let inFlight = 0;
    let maxQueued = 0;
    let written = 0;
    const copies: Buffer[] = [];
    const res = await send(get(port), {
      streamAfterBytes: 1 << 16,
      streamBody: () => ({
        async write(c) {
          inFlight += 1;
          maxQueued = Math.max(maxQueued, inFlight);
          await new Promise<void>((r) => setImmediate(r));
          // Copied only now, after a turn of the event loop: the bytes must still be intact.
          copies.push(Buffer.from(c));
          written += c.length;
          inFlight -= 1;
        },
      }),
    });
    expect(res.streamed).toBe(big.length);
    expect(written).toBe(big.length);
    expect(maxQueued).toBe(1); // one write at a time: the socket waits for each
    expect(Buffer.concat(copies).equals(big)).toBe(true); // the read buffer was not reused under the sink
  });

  it('broken after bytes were written: a NetworkError (exit 6) saying how far it got, never retried', async () => {
    const port = await serve((req, res) => {
      res.writeHead(200, { 'content-length': String(body.length * 2) });
      res.write(body, () => setTimeout(() => req.socket.resetAndDestroy(), 20));
    });
    const err = await send(get(port), { streamAfterBytes: 1000, streamBody: () => ({ write: () => {} }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/^the answer from 127\.0\.0\.1:\d+ broke off after \d+ bytes of its body had been written: /);
    expect(classifyError(err, 'GET').retry).toBe(false);
  });

  it('a sink that fails stops the download with the sink\'s error', async () => {
    const port = await serve((_req, res) => res.end(body));
    const boom = new Error('disk full');
    const err = await send(get(port), { streamAfterBytes: 1000, streamBody: () => ({ write: () => Promise.reject(boom) }) }).catch((e: unknown) => e);
    expect(err).toBe(boom);
  });
});
