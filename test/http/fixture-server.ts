// A scripted HTTP server for the calling side's tests, with a SigV4 check built on
// @smithy/signature-v4 (not aws4) over the raw request as received, so a signing
// bug in src/http cannot hide behind the same bug in the check.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, type Context } from '../../src/context.js';
import { testIO, type TestIO } from '../../src/io.js';
import { ManualClock } from '../../src/clock.js';
import { tempDir } from '../helpers/cli.js';
import type { AwsCredentials, GetCredentials } from '../../src/http/credential-source.js';
import { AuthError } from '../../src/errors.js';

export interface Recorded {
  method: string;
  /** Request target exactly as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** undefined when unsigned. */
  signature?: { valid: boolean; expected: string; got: string; accessKeyId: string; date: string };
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Destroy the socket without an answer. */
  reset?: boolean;
}

export const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRETKEY';
export const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ';
export const ACCESS_KEY = 'ASIATESTACCESSKEY123';
export const API_KEY = 'fixtureApiKey0123456789abcdefghijKLMNOP';

class NodeSha256 {
  private h;
  constructor(secret?: unknown) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as Uint8Array | string));
  }
  update(d: Uint8Array | string) {
    this.h.update(d);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
  reset() {}
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

export async function verifySigV4(m: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }, secret = SECRET_KEY) {
  const auth = String(m.headers['authorization'] ?? '');
  const cred = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  const signed = /SignedHeaders=([^,\s]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const got = /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? '';
  if (!cred) return { valid: false, expected: '', got, accessKeyId: '', date: '' };
  const amz = String(m.headers['x-amz-date']);
  const signingDate = new Date(`${amz.slice(0, 4)}-${amz.slice(4, 6)}-${amz.slice(6, 8)}T${amz.slice(9, 11)}:${amz.slice(11, 13)}:${amz.slice(13, 15)}Z`);
  const q = m.url.indexOf('?');
  const path = q < 0 ? m.url : m.url.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const piece of m.url.slice(q + 1).split('&')) {
      if (!piece) continue;
      const eq = piece.indexOf('=');
      const k = formDecode(eq < 0 ? piece : piece.slice(0, eq));
      const v = formDecode(eq < 0 ? '' : piece.slice(eq + 1));
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const headers: Record<string, string> = {};
  for (const h of signed) headers[h] = String(m.headers[h] ?? '');
  const req = new HttpRequest({ method: m.method, hostname: String(m.headers.host).split(':')[0], path, query, headers, body: m.body.length ? m.body : undefined });
  const signer = new SignatureV4({
    credentials: { accessKeyId: cred[1]!, secretAccessKey: secret, sessionToken: headers['x-amz-security-token'] },
    region: cred[3]!,
    service: cred[4]!,
    sha256: NodeSha256 as never,
    applyChecksum: false,
  });
  const out = await signer.sign(req, { signingDate, signableHeaders: new Set(signed) });
  const expected = /Signature=([0-9a-f]+)/.exec(String(out.headers['authorization']))?.[1] ?? '';
  return { valid: expected === got, expected, got, accessKeyId: cred[1]!, date: amz };
}

export interface Fixture {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startFixture(handler: (r: Recorded, n: number) => Reply | Promise<Reply>): Promise<Fixture> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rec: Recorded = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      if (req.headers.authorization) rec.signature = await verifySigV4(rec);
      requests.push(rec);
      const reply = await handler(rec, requests.length);
      if (reply.hang) return;
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function testCredentials(overrides: Partial<AwsCredentials> = {}): AwsCredentials {
  return { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN, expiration: Date.UTC(2030, 0, 1), ...overrides };
}

export class NotLoggedInError extends AuthError {
  constructor() {
    super('not logged in', 'run `authapi login`');
  }
}

/** A stub provider: `loggedIn` false makes the user's credentials throw NotLoggedInError. */
export function stubCredentials(opts: { loggedIn?: boolean; guestFails?: boolean } = {}): GetCredentials & { calls: unknown[] } {
  const calls: unknown[] = [];
  const fn = (async (_ctx: Context, o?: { guest?: boolean }) => {
    calls.push(o ?? {});
    if (o?.guest) {
      if (opts.guestFails) throw new AuthError('Unauthenticated access is not supported for this identity pool.');
      return testCredentials({ accessKeyId: 'ASIAGUESTACCESSKEY99' });
    }
    if (opts.loggedIn === false) throw new NotLoggedInError();
    return testCredentials();
  }) as GetCredentials & { calls: unknown[] };
  fn.calls = calls;
  return fn;
}

export interface TestSetup {
  ctx: Context;
  io: TestIO;
  clock: ManualClock;
  dir: string;
}

/** A Context whose "default" profile points at `apiUrl`, with a manual clock. */
export function setupContext(apiUrl: string, opts: { input?: string | Buffer; verbose?: boolean; now?: number; tty?: boolean } = {}): TestSetup {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      version: 1,
      profiles: {
        default: {
          region: 'us-east-1',
          userPoolId: 'us-east-1_AbC123xyz',
          userPoolClientId: '1example23456789abcdefghij',
          identityPoolId: 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
          apiUrl,
          apiKey: API_KEY,
        },
      },
    }),
  );
  const io = testIO({ input: opts.input, verbose: opts.verbose, tty: opts.tty });
  const clock = new ManualClock(opts.now ?? Date.now());
  const ctx = createContext({ io, env: { AUTHAPI_CONFIG_DIR: dir }, clock, verbose: opts.verbose });
  return { ctx, io, clock, dir };
}
