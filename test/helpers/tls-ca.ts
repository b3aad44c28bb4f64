// A private certificate authority made with openssl for the test (CI installs
// openssl), and an HTTPS front signed by it that hands every request, bytes
// unchanged, to an upstream HTTP server (the local stack): what a deployed API behind
// a private CA or a TLS-inspecting proxy looks like to authapi.
import { upstreamFor, type ApiUpstream } from './fault-server.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './cli.js';

export interface TestCa {
  dir: string;
  /** The CA's certificate (PEM file): what AWS_CA_BUNDLE / NODE_EXTRA_CA_CERTS point at. */
  caFile: string;
  /** A server certificate and key signed by the CA for localhost and 127.0.0.1. */
  cert: string;
  key: string;
}

export function makeTestCa(): TestCa {
  const dir = tempDir('authapi-ca-');
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  execFileSync('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=authapi test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost'], { stdio: 'ignore' });
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  execFileSync('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf')], { stdio: 'ignore' });
  return { dir, caFile: f('ca.pem'), cert: readFileSync(f('server.pem'), 'utf8'), key: readFileSync(f('server.key'), 'utf8') };
}

export interface TlsFront {
  server: Server;
  port: number;
  /** Requests it received: method and path. */
  seen: string[];
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 (port 0) forwarding to `upstream` (an http:// origin). */
export async function startTlsFront(ca: TestCa, upstream: string, apiUpstream?: ApiUpstream): Promise<TlsFront> {
  const service = new URL(upstream);
  const api = apiUpstream ? { url: new URL(apiUpstream.origin), stagePrefix: apiUpstream.stagePrefix } : undefined;
  const seen: string[] = [];
  const server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const up = upstreamFor(req.url, service, api);
    const forward = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}
