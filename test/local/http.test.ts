// listen(): what the handler sees of a request (headers, body) on the paths http.ts
// takes — no body, a Content-Length body, a chunked body, repeated header names.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../src/local/http.js';
import type { LocalRequest } from '../../src/local/model.js';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function capture(send: (port: number) => void): Promise<LocalRequest> {
  let resolveSeen!: (r: LocalRequest) => void;
  const seen = new Promise<LocalRequest>((r) => (resolveSeen = r));
  server = await listen(async (req) => {
    resolveSeen(req);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' };
  });
  send(server.port);
  return seen;
}

/** Writes the request bytes by hand (raw header names, chunked framing) and reads the answer away. */
function sendRaw(port: number, method: string, headers: Array<[string, string]>, chunks: string[] = []): void {
  const socket = connect(port, '127.0.0.1');
  socket.on('data', () => {});
  socket.on('error', () => {});
  const chunked = headers.some(([k]) => k.toLowerCase() === 'transfer-encoding');
  let text = `${method} /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  for (const [k, v] of headers) text += `${k}: ${v}\r\n`;
  text += '\r\n';
  for (const c of chunks) text += chunked ? `${c.length.toString(16)}\r\n${c}\r\n` : c;
  if (chunked) text += '0\r\n\r\n';
  socket.write(text);
}

describe('listen', () => {
  it('a request without a body: empty Buffer, names lower-cased, values as sent', async () => {
    const seen = await capture((port) => sendRaw(port, 'GET', [['X-Custom', 'A b'], ['X-Other', 'z']]));
    expect(seen.body).toBeInstanceOf(Buffer);
    expect(seen.body.length).toBe(0);
    expect(seen.headers['x-custom']).toBe('A b');
    expect(seen.headers['x-other']).toBe('z');
    expect(seen.rawHeaders).toContain('X-Custom');
  });

  it("a repeated header name gets Node's req.headers value (x-* joined with ', ', in arrival order)", async () => {
    const seen = await capture((port) => sendRaw(port, 'GET', [['X-Dup', 'one'], ['x-dup', 'two'], ['X-Single', 's']]));
    expect(seen.headers['x-dup']).toBe('one, two');
    expect(seen.headers['x-single']).toBe('s');
  });

  it('a Content-Length body and a chunked body arrive whole', async () => {
    const fixed = await capture((port) => sendRaw(port, 'POST', [['Content-Length', '11']], ['hello', ' world']));
    expect(fixed.body.toString()).toBe('hello world');
    await server?.close();
    const chunked = await capture((port) => sendRaw(port, 'POST', [['Transfer-Encoding', 'chunked']], ['abc', 'def', 'ghi']));
    expect(chunked.body.toString()).toBe('abcdefghi');
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
  });

  it('answers carry their bodies byte for byte: small and large Buffers, UTF-8 strings', async () => {
    const small = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const large = Buffer.alloc(100_000, 0xe9);
    const text = 'caf\u00e9 \u2603 \u{1f600}';
    const bodies: Record<string, Buffer | string> = { '/small': small, '/large': large, '/text': text };
    server = await listen(async (req) => ({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: bodies[req.url]! }));
    for (const [path, body] of Object.entries(bodies)) {
      const res = await fetch(`${server.url}${path}`);
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.equals(typeof body === 'string' ? Buffer.from(body, 'utf8') : body), path).toBe(true);
    }
  });
});
