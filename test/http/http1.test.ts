// `call`'s HTTP/1.1 client (src/http/http1.ts, src/http/client.ts) against node:http's
// own client (llhttp) on the same bytes: a raw TCP server answers with canned
// responses, sent in small pieces, and both clients must read the same status,
// headers and body, or both must refuse the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ResponseParser, serializeRequest, Http1ParseError, MAX_HEAD_BYTES } from '../../src/http/http1.js';
import { send, preconnect, TransportError } from '../../src/http/client.js';

let server: Server;
let port: number;
const canned = new Map<string, { bytes: Buffer; piece: number }>();
const received: string[] = [];

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    let head = '';
    socket.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      received.push(head);
      const path = head.split(' ')[1]!;
      const { bytes, piece } = canned.get(path)!;
      // In pieces, each written on its own turn: the parser must cope with any split.
      let at = 0;
      const next = () => {
        if (socket.destroyed) return;
        if (at >= bytes.length) return void socket.end();
        socket.write(bytes.subarray(at, at + piece));
        at += piece;
        setImmediate(next);
      };
      next();
      head = '\0'; // answered once
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let n = 0;
function answer(text: string | Buffer, piece = 7): string {
  const path = `/case${++n}`;
  canned.set(path, { bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text, piece });
  return path;
}

interface Seen {
  status: number;
  statusText: string;
  headers: unknown;
  rawHeaders: string[];
  body: string;
}

function viaNodeHttp(path: string, method = 'GET'): Promise<Seen | 'error'> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => resolve('error'));
      res.on('close', () => {
        if (!res.complete) return resolve('error');
        resolve({ status: res.statusCode!, statusText: res.statusMessage!, headers: { ...res.headers }, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('latin1') });
      });
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
}

async function viaOurs(path: string, method = 'GET'): Promise<Seen | 'error'> {
  try {
    const r = await send({ method, protocol: 'http:', hostname: '127.0.0.1', port: String(port), path, headers: { host: `127.0.0.1:${port}` }, signature: '' }, { timeoutMs: 5000 });
    return { status: r.status, statusText: r.statusText, headers: { ...r.headers }, rawHeaders: r.rawHeaders, body: r.body.toString('latin1') };
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    return 'error';
  }
}

const SAME: Array<[string, string, string?]> = [
  ['Content-Length', 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"\xe9x"}'],
  ['chunked, with extensions and trailers', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=v\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n'],
  ['body until close', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nstreamed until the end'],
  ['204 and 304 have no body', 'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n'],
  ['304', 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'],
  ['HEAD has no body whatever Content-Length says', 'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n', 'HEAD'],
  ['100 Continue, then the answer', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'],
  ['103 Early Hints with headers, then the answer', 'HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
  ['repeated headers: set-cookie collects, content-type keeps the first, others join',
    'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\nX-Many: 1\r\nx-many: 2\r\nCookie: c=3\r\nCookie: d=4\r\nRetry-After: 5\r\nRetry-After: 9\r\nContent-Length: 0\r\n\r\n'],
  ['an empty reason phrase', 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n'],
  ['optional whitespace and tabs around values, an empty value', 'HTTP/1.1 403 Forbidden\r\nX-Amzn-ErrorType:\t AccessDeniedException \t\r\nX-Empty:\r\nContent-Length: 3\r\n\r\nno!'],
  ['Latin-1 in a header value and binary in the body', Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\nContent-Length: 4\r\n\r\n', 'latin1'), Buffer.from([0, 255, 13, 10])]).toString('latin1')],
  ['HTTP/1.0, body until close', 'HTTP/1.0 200 OK\r\n\r\nold'],
  ['Transfer-Encoding not ending in chunked: until close', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw'],
];

const BOTH_REFUSE: Array<[string, string]> = [
  ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
  ['a status that is not a number', 'HTTP/1.1 abc OK\r\n\r\n'],
  ['Content-Length and Transfer-Encoding together', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
  ['a body cut short', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'],
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n'],
  ['chunks cut short', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'],
  ['a header name with a space', 'HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n'],
  ['a head cut short', 'HTTP/1.1 200 OK\r\nContent-Le'],
  ['a head larger than 16 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES + 10)}\r\nContent-Length: 0\r\n\r\n`],
  ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
];

describe('http1: the same reading as node:http', () => {
  it.each(SAME)('%s', async (_name, text, method = 'GET') => {
    for (const piece of [1, 5, 4096]) {
      const ours = await viaOurs(answer(text, piece), method);
      const theirs = await viaNodeHttp(answer(text, piece), method);
      expect(ours).not.toBe('error');
      expect(ours).toEqual(theirs);
    }
  });

  it.each(BOTH_REFUSE)('refused like node:http: %s', async (_name, text) => {
    expect(await viaNodeHttp(answer(text, 64))).toBe('error');
    expect(await viaOurs(answer(text, 64))).toBe('error');
  });

  it('folded header lines (obs-fold) are refused rather than guessed at', async () => {
    expect(await viaOurs(answer('HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n'))).toBe('error');
  });

  it('a connection closed before any answer is a reset (exit 6, retried for idempotent methods)', async () => {
    const err = await send({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: String(port), path: answer(''), headers: {}, signature: '' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ECONNRESET', exitCode: 6, message: `cannot reach 127.0.0.1:${port}: connection closed without an answer (ECONNRESET)` });
  });

  it('a refusal says what was wrong, as a network error (exit 6)', async () => {
    const path = answer('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n');
    const err = await send({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: String(port), path, headers: {}, signature: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).message).toBe(`unreadable answer from 127.0.0.1:${port}: invalid or repeated Content-Length`);
    expect((err as TransportError).exitCode).toBe(6);
  });
});

describe('http1: the request', () => {
  it('is the signed head as given, with Content-Length when there is a body (0 for a bodiless PUT), and Connection: close', async () => {
    received.length = 0;
    const path = answer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await send({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: String(port), path, headers: { host: 'h', 'x-amz-date': '20260101T000000Z' }, signature: '' });
    expect(received[0]).toBe(`PUT ${path} HTTP/1.1\r\nhost: h\r\nx-amz-date: 20260101T000000Z\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    const get = serializeRequest('GET', '/a?b=c', { host: 'h' });
    expect(get.toString('latin1')).toBe('GET /a?b=c HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n');
    const post = serializeRequest('POST', '/', { 'content-length': '3' }, Buffer.from([0, 1, 2]));
    expect(post.subarray(-3)).toEqual(Buffer.from([0, 1, 2]));
  });

  it('refuses to write a header that would break the request', () => {
    expect(() => serializeRequest('GET', '/', { 'x-a': 'one\r\nx-b: two' })).toThrow(Http1ParseError);
    expect(() => serializeRequest('GET', '/', { 'bad name': 'v' })).toThrow(Http1ParseError);
    expect(() => serializeRequest('GET', '/', { 'x-a': '\u2603' })).toThrow(Http1ParseError);
  });

  it('the parser returns nothing until the response is complete, and the same response after', () => {
    const p = new ResponseParser('GET');
    expect(p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no'))).toBeUndefined();
    const r = p.push(Buffer.from('k'));
    expect(r?.body.toString()).toBe('ok');
    expect(p.end()).toBe(r);
  });
});

describe('preconnect: the handshake during signing', () => {
  it('the first attempt takes the open connection; a later one, another host or a broken socket connects anew', async () => {
    const target = { protocol: 'http:' as const, hostname: '127.0.0.1', port: String(port) };
    const early = preconnect(target);
    const path = answer('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const socket = early.take(target);
    expect(socket).toBeDefined();
    expect(early.take(target)).toBeUndefined(); // once only
    const r = await send({ ...target, method: 'GET', path, headers: {}, signature: '' }, { socket });
    expect(r.body.toString()).toBe('ok');

    const other = preconnect(target);
    expect(other.take({ ...target, port: '1' })).toBeUndefined(); // not for this endpoint: dropped

    let t = 0;
    const old = preconnect(target, () => t);
    t = 60_000;
    expect(old.take(target)).toBeUndefined(); // too old to trust

    // A refused early connection, taken or not, is reported as a refusal of the attempt.
    const dead = { protocol: 'http:' as const, hostname: '127.0.0.1', port: '1' };
    const refused = preconnect(dead);
    await expect(send({ ...dead, method: 'GET', path: '/', headers: {}, signature: '' }, { socket: refused.take(dead) }))
      .rejects.toMatchObject({ code: 'ECONNREFUSED', exitCode: 6 });
    const unused = preconnect(target);
    unused.close();
    expect(unused.take(target)).toBeUndefined();
  });
});
