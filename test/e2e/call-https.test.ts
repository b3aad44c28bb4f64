// `call` over TLS, as against a deployed API: the real binary talks HTTPS (node:tls
// and our HTTP/1.1) to a local TLS front whose certificate openssl makes for
// "localhost"; the front hands each request, bytes unchanged, to the emulator, whose
// SigV4 verifier then checks the signature made for https://localhost:PORT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { profileFor } from './call-stack.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let front: Server;
let dir: string;
let cert: string;
let env: NodeJS.ProcessEnv;
const seen: Array<{ servername: string | false; alpn: string | false | null; host: string | undefined }> = [];

beforeAll(async () => {
  stack = await startLocal({ port: 0 });
  dir = tempDir('authapi-https-');
  cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  // CI installs openssl (.ci/run); this test must not skip.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  const api = new URL(stack.info.apiUrl);
  front = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const tls = req.socket as TLSSocket;
    seen.push({ servername: (tls as TLSSocket & { servername: string | false }).servername, alpn: tls.alpnProtocol, host: req.headers.host });
    const upstream = httpRequest({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port = (front.address() as AddressInfo).port;
  const profile = { ...profileFor(stack), apiUrl: `https://localhost:${port}${api.pathname}` };
  writeProfiles(dir, { tls: profile });
  env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'tls', AUTHAPI_STORE: 'file', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const login = await runBinary(['login', '-u', 'demouser', '--password-stdin'], { env, input: 'demoPASS123\n' });
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => {
  await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
  await stack?.close();
});

describe('call over HTTPS (binary)', () => {
  it('verifies the certificate, sends SNI and ALPN http/1.1, and the signature for the https URL verifies', async () => {
    const r = await runBinary(['call', 'require-auth'], { env: { ...env, NODE_EXTRA_CA_CERTS: cert } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
    expect(seen.at(-1)).toEqual({ servername: 'localhost', alpn: 'http/1.1', host: expect.stringMatching(/^localhost:\d+$/) });
  });

  it('a certificate it cannot trust is a network error (exit 6) that says so', async () => {
    const r = await runBinary(['call', 'require-auth'], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^authapi: cannot reach localhost:\d+: its TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\) — if a private CA or a proxy signs it, point AWS_CA_BUNDLE \(or NODE_EXTRA_CA_CERTS\) at that CA's PEM file$/m);
  });
});
