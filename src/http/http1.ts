// HTTP/1.1 for `call`'s single exchange, written on a socket we opened ourselves
// (node:net, or node:tls for https). Chosen by measurement (bench/call.bench.mjs):
// node:http costs a cached `call` ~5 ms more to load and run than this, and a call
// needs none of its machinery (agents, pools, upgrades, pipelining). It is strict:
// whatever it does not understand is an error, never a guess. A response is framed
// as RFC 9112 §6.3 says (HEAD, 1xx, 204 and 304 have no body; chunked; Content-Length;
// else until the server closes), and headers are gathered the way node:http's
// IncomingMessage gathers them, so callers see the same object either way.
// test/http/http1.test.ts holds it against node:http's own parser (llhttp).
import type { IncomingHttpHeaders } from 'node:http';

export interface Http1Response {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Names as the server spelled them, with values, in order. */
  rawHeaders: string[];
  body: Buffer;
}

/** The server's answer is not HTTP/1.1 as we can read it. */
export class Http1ParseError extends Error {}

/** As node:http (--max-http-header-size): a response head larger than this is refused. */
export const MAX_HEAD_BYTES = 16 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A header name (RFC 9110 token). */
export const isToken = (s: string): boolean => TOKEN.test(s);
/** A header value HTTP/1.1 can carry: tab, printable ASCII and Latin-1 (field-vchar + obs-text). */
export const isFieldValue = (s: string): boolean => FIELD_VALUE.test(s);

/** The request head and body as bytes. Header values must already be valid (headers.ts checks them). */
/** Methods whose requests have no body by definition: no Content-Length unless one is sent. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * What serializeRequest's caller adds for framing: every request states its length
 * (a PUT or POST without a body says 0), a bodyless GET none. With serializeRequest's
 * own `connection: close`, this is what `call --dry-run` shows.
 */
export function framingHeaders(method: string, body: Buffer | undefined): Record<string, string> {
  return body || !BODYLESS.has(method) ? { 'content-length': String(body?.length ?? 0) } : {};
}

export function serializeRequest(method: string, path: string, headers: Record<string, string>, body?: Buffer): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!isToken(name) || !isFieldValue(value)) throw new Http1ParseError(`header ${JSON.stringify(name)} cannot be sent`);
    head += `${name}: ${value}\r\n`;
  }
  // One exchange per connection: the server closes, and nothing waits on an idle socket.
  head += 'connection: close\r\n\r\n';
  const bytes = Buffer.from(head, 'latin1');
  return body && body.length > 0 ? Buffer.concat([bytes, body]) : bytes;
}

// node:http's rules for repeated response headers (lib/_http_incoming.js): these keep
// the first value, set-cookie collects an array, cookie joins with "; ", the rest ", ".
const FIRST_WINS = new Set([
  'content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization',
  'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag',
  'last-modified', 'server', 'age', 'expires',
]);

function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const key = name.toLowerCase();
  const h = headers as Record<string, string | string[] | undefined>;
  const have = h[key];
  if (key === 'set-cookie') h[key] = have === undefined ? [value] : [...(have as string[]), value];
  else if (have === undefined) h[key] = value;
  else if (FIRST_WINS.has(key)) return;
  else h[key] = `${have}${key === 'cookie' ? '; ' : ', '}${value}`;
}

type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  framing: Framing;
}

function parseHead(text: string, method: string): Head {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] ([1-9]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/.exec(lines[0]!);
  if (!m) throw new Http1ParseError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const status = Number(m[1]);
  const headers: IncomingHttpHeaders = {};
  const rawHeaders: string[] = [];
  let contentLength: number | undefined;
  let transferEncoding: string | undefined;
  for (const line of lines.slice(1)) {
    if (line.startsWith(' ') || line.startsWith('\t')) throw new Http1ParseError('folded header lines (obs-fold) are not accepted');
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    if (!isToken(name)) throw new Http1ParseError(`invalid header line ${JSON.stringify(line.slice(0, 80))}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!isFieldValue(value)) throw new Http1ParseError(`invalid characters in header ${name}`);
    rawHeaders.push(name, value);
    addHeader(headers, name, value);
    const key = name.toLowerCase();
    if (key === 'content-length') {
      if (contentLength !== undefined || !/^\d{1,15}$/.test(value)) throw new Http1ParseError('invalid or repeated Content-Length');
      contentLength = Number(value);
    } else if (key === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    }
  }
  let framing: Framing;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = { kind: 'none' };
  else if (transferEncoding !== undefined) {
    if (contentLength !== undefined) throw new Http1ParseError('both Transfer-Encoding and Content-Length');
    const codings = transferEncoding.split(',').map((c) => c.trim().toLowerCase());
    framing = codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  } else if (contentLength !== undefined) framing = contentLength === 0 ? { kind: 'none' } : { kind: 'length', remaining: contentLength };
  else framing = { kind: 'close' };
  return { status, statusText: m[2] ?? '', headers, rawHeaders, framing };
}

/**
 * Reads one response from the bytes of a connection. push() each chunk as it comes;
 * it returns the response once complete. end() at EOF returns it if EOF completes
 * it (a body read until close), else throws. Interim 1xx responses are skipped.
 */
export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private head_?: Head;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  /** Set once the body is streamed: body bytes go here instead of being kept. */
  private sink?: (chunk: Buffer) => void;
  private done?: Http1Response;

  constructor(private readonly method: string) {}

  /** The final answer's status line and headers, once read (before its body is complete). */
  get head(): Omit<Http1Response, 'body'> | undefined {
    const h = this.head_;
    return h && { status: h.status, statusText: h.statusText, headers: h.headers, rawHeaders: h.rawHeaders };
  }

  /** Body bytes kept so far (0 once streaming). */
  get keptBytes(): number {
    return this.bodyBytes;
  }

  /**
   * From now on, body bytes go to `sink` (the ones kept so far first), and the
   * response's `body` is empty: a large answer is never held whole.
   */
  streamTo(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    for (const b of this.body) sink(b);
    this.body = [];
    this.bodyBytes = 0;
  }

  private emit(chunk: Buffer): void {
    if (this.sink) this.sink(chunk);
    else {
      // A transient chunk's memory is reused by the next read: keep a copy.
      this.body.push(this.transient ? Buffer.from(chunk) : chunk);
      this.bodyBytes += chunk.length;
    }
  }

  private transient = false;

  /**
   * push() for a chunk whose memory the socket reuses for its next read (a socket
   * read into one fixed buffer, client.ts): the parser copies what it keeps; what it
   * hands to a sink must be consumed before the socket reads again.
   */
  pushTransient(chunk: Buffer): Http1Response | undefined {
    this.transient = true;
    try {
      return this.push(chunk);
    } finally {
      this.transient = false;
      if (this.buf.length && this.buf.buffer === chunk.buffer) this.buf = Buffer.from(this.buf);
    }
  }

  /** Whether any byte of an answer has arrived. */
  get started(): boolean {
    return this.head_ !== undefined || this.buf.length > 0;
  }

  push(chunk: Buffer): Http1Response | undefined {
    if (this.done) return this.done;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (!this.head_) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.buf.length > MAX_HEAD_BYTES) throw new Http1ParseError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
          return undefined;
        }
        if (end > MAX_HEAD_BYTES) throw new Http1ParseError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
        const head = parseHead(this.buf.toString('latin1', 0, end), this.method);
        this.buf = this.buf.subarray(end + 4);
        // 100 Continue, 103 Early Hints…: the real answer follows (101 is never asked for).
        if (head.status < 200 && head.status !== 101) continue;
        this.head_ = head;
      }
      return this.readBody();
    }
  }

  end(): Http1Response {
    if (this.done) return this.done;
    if (this.head_?.framing.kind === 'close') return this.finish();
    throw new Http1ParseError(this.head_ ? 'the connection closed before the response body was complete' : 'the connection closed before a complete response head');
  }

  private readBody(): Http1Response | undefined {
    const f = this.head_!.framing;
    switch (f.kind) {
      case 'none':
        return this.finish();
      case 'close':
        if (this.buf.length) this.emit(this.buf);
        this.buf = Buffer.alloc(0);
        return undefined;
      case 'length': {
        const take = Math.min(f.remaining, this.buf.length);
        if (take) this.emit(this.buf.subarray(0, take));
        f.remaining -= take;
        this.buf = this.buf.subarray(take);
        return f.remaining === 0 ? this.finish() : undefined;
      }
      case 'chunked':
        return this.readChunks();
    }
  }

  private chunkLeft = -1; // bytes of the current chunk still to read; -1: at a size line
  private inTrailers = false;

  private readChunks(): Http1Response | undefined {
    if (this.inTrailers) return this.readTrailers();
    for (;;) {
      if (this.chunkLeft < 0) {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) {
          if (this.buf.length > 1024) throw new Http1ParseError('chunk size line too long');
          return undefined;
        }
        const m = /^([0-9A-Fa-f]{1,12})(?:[ \t]*;[\t\x20-\x7e\x80-\xff]*)?$/.exec(this.buf.toString('latin1', 0, eol));
        if (!m) throw new Http1ParseError('invalid chunk size');
        const size = parseInt(m[1]!, 16);
        this.buf = this.buf.subarray(eol + 2);
        if (size === 0) return this.readTrailers();
        this.chunkLeft = size;
      }
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, this.buf.length);
        if (take) this.emit(this.buf.subarray(0, take));
        this.chunkLeft -= take;
        this.buf = this.buf.subarray(take);
        if (this.chunkLeft > 0) return undefined;
      }
      if (this.buf.length < 2) return undefined;
      if (this.buf[0] !== 0x0d || this.buf[1] !== 0x0a) throw new Http1ParseError('chunk not followed by CRLF');
      this.buf = this.buf.subarray(2);
      this.chunkLeft = -1;
    }
  }

  private readTrailers(): Http1Response | undefined {
    // After the last chunk: trailer lines (ignored, as callers never read them), then an empty line.
    this.inTrailers = true;
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > MAX_HEAD_BYTES) throw new Http1ParseError('trailers too long');
        return undefined;
      }
      const line = this.buf.toString('latin1', 0, eol);
      this.buf = this.buf.subarray(eol + 2);
      if (line === '') return this.finish();
      const colon = line.indexOf(':');
      if (colon < 0 || !isToken(line.slice(0, colon))) throw new Http1ParseError('invalid trailer line');
    }
  }

  private finish(): Http1Response {
    const h = this.head_!;
    this.done = { status: h.status, statusText: h.statusText, headers: h.headers, rawHeaders: h.rawHeaders, body: Buffer.concat(this.body) };
    return this.done;
  }
}
