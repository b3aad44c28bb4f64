// Every request authapi makes, through a real proxy (Debian's tinyproxy, started
// here on a free port, demanding credentials) and around it with NO_PROXY — the
// built binary against the local stack, over plain HTTP (absolute-form requests to
// the proxy) and over HTTPS (CONNECT tunnels) behind a TLS front signed by a test CA.
// The proxy's own log says what went through it; the TLS front's what reached it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { makeTestCa, startTlsFront, type TlsFront } from '../helpers/tls-ca.js';
import { closedPort, startTinyproxy, type Tinyproxy } from '../helpers/proxies.js';
import { skipWithout } from '../helpers/tools.js';
import { profileFor } from './call-stack.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const noTinyproxy = skipWithout('tinyproxy', 'proxy.test', 'apt-get install tinyproxy', ['-v']);

let stack: LocalStack;
let front: TlsFront;
let proxy: Tinyproxy;
let dir: string;
let caFile: string;
let tlsAuthority: string;
let plainAuthority: string;
/** The service endpoints' host:port (the API listens apart). */
let plainServiceAuthority: string;
const PROXY_PASS = 'pr0xy-Secret';

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', HOME: dir, AWS_CA_BUNDLE: caFile, ...extra };
}
const viaProxy = (extra: NodeJS.ProcessEnv = {}) => env({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ...extra });

const PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'helpers', 'shift-clock.mjs')).href;
const serverOffset = { ms: 0 };

/** Runs the binary (living `offsetMs` ahead) and returns what it did and the proxy's request lines logged meanwhile. */
async function run(args: string[], e: NodeJS.ProcessEnv, input?: string, offsetMs = 0) {
  const before = proxy.requests().length;
  const r = await runBinary(args, { env: { ...e, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(offsetMs) }, input, execArgv: ['--import', PRELOAD] });
  // tinyproxy logs a request as it handles it: by the time the binary exits, it is there.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { ...r, proxied: proxy.requests().slice(before) };
}

beforeAll(async () => {
  if (noTinyproxy) return;
  stack = await startLocal({ port: 0, clock: { now: () => Date.now() + serverOffset.ms } });
  const ca = makeTestCa();
  caFile = ca.caFile;
  const origin = new URL(stack.info.apiUrl).origin;
  front = await startTlsFront(ca, stack.url, { origin, stagePrefix: new URL(stack.info.apiUrl).pathname });
  proxy = await startTinyproxy({ auth: { user: 'proxyuser', pass: PROXY_PASS } });
  dir = tempDir('authapi-proxy-');
  tlsAuthority = `localhost:${front.port}`;
  plainAuthority = new URL(origin).host;
  plainServiceAuthority = new URL(stack.url).host;
  const plain = profileFor(stack);
  const tls = {
    ...plain,
    apiUrl: `https://${tlsAuthority}/prod`,
    endpoints: { cognitoIdp: `https://${tlsAuthority}`, cognitoIdentity: `https://${tlsAuthority}`, sts: `https://${tlsAuthority}` },
  };
  writeProfiles(dir, { plain, tls, plainguest: plain, tlsguest: tls, refreshing: tls });
  // Both profiles logged in directly, so no test depends on another having run.
  for (const profile of ['plain', 'tls']) {
    const r = await runBinary(['--profile', profile, 'login', '-u', 'demouser', '--password-stdin'], { env: env(), input: 'demoPASS123\n' });
    expect(r.code, r.stderr).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await front?.close();
  await stack?.close();
});

describe.skipIf(noTinyproxy)('through tinyproxy (binary)', () => {
  it('login (User Pool + Identity Pool over HTTPS) goes through CONNECT tunnels', async () => {
    const r = await run(['--profile', 'tls', 'login', '-u', 'demouser', '--password-stdin'], viaProxy(), 'demoPASS123\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.proxied.length).toBeGreaterThan(0);
    expect(r.proxied.every((line) => line === `CONNECT ${tlsAuthority}`)).toBe(true);
    expect(front.seen.filter((s) => s.startsWith('POST /')).length).toBeGreaterThanOrEqual(3); // InitiateAuth, RespondToAuthChallenge, GetId…
  });

  it('call over HTTPS: a CONNECT tunnel, the signature still verifies; -v names the proxy with its password masked', async () => {
    const r = await run(['--profile', 'tls', 'call', 'require-auth', '-v'], viaProxy());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
    expect(r.proxied).toEqual([`CONNECT ${tlsAuthority}`]);
    expect(r.stderr).toContain(`through the proxy http://proxyuser:***@127.0.0.1:${proxy.port} (HTTPS_PROXY)`);
    expect(r.stderr).not.toContain(PROXY_PASS);
    expect(r.stderr).not.toContain(Buffer.from(`proxyuser:${PROXY_PASS}`).toString('base64'));
  });

  it('call over plain HTTP: the request goes to the proxy in absolute form', async () => {
    const r = await run(['--profile', 'plain', 'call', 'require-auth'], viaProxy());
    expect(r.code, r.stderr).toBe(0);
    expect(r.proxied).toEqual([`GET http://${plainAuthority}/prod/require-auth`]);
  });

  it('batch: every request through the proxy (HTTPS: tunnels; HTTP: absolute form)', async () => {
    const lines = '{"path":"no-auth"}\n{"path":"require-auth"}\n{"path":"no-auth"}\n';
    const t = await run(['--profile', 'tls', 'batch', '--concurrency', '2'], viaProxy(), lines);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout.trim().split('\n').map((l) => JSON.parse(l).status)).toEqual([200, 200, 200]);
    expect(t.proxied.length).toBeGreaterThan(0);
    expect(t.proxied.every((line) => line === `CONNECT ${tlsAuthority}`)).toBe(true);
    const p = await run(['--profile', 'plain', 'batch'], viaProxy(), lines);
    expect(p.code, p.stderr).toBe(0);
    expect(p.proxied.filter((l) => l.startsWith(`GET http://${plainAuthority}/prod/`)).length).toBe(3);
  });

  it('status --verify fetches the JWKS through the proxy', async () => {
    const r = await run(['--profile', 'plain', 'status', '--verify', '--json'], viaProxy());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).login.user.claims).toBe('verified');
    expect(r.proxied.some((l) => /^GET http:\/\/.*\/\.well-known\/jwks\.json$/.test(l))).toBe(true);
  });

  it('credentials: the Identity Pool exchange (the AWS SDK) goes through the proxy too', async () => {
    // Profiles of their own: no guest credentials are cached for them yet.
    const tlsGuest = await run(['--profile', 'tlsguest', 'credentials', '--guest', '--format', 'json'], viaProxy());
    expect(tlsGuest.code, tlsGuest.stderr).toBe(0);
    expect(JSON.parse(tlsGuest.stdout).AccessKeyId).toMatch(/^ASIA/);
    expect(tlsGuest.proxied.length).toBeGreaterThan(0);
    expect(tlsGuest.proxied.every((line) => line === `CONNECT ${tlsAuthority}`)).toBe(true);
    const plainGuest = await run(['--profile', 'plainguest', 'credentials', '--guest', '--format', 'json'], viaProxy());
    expect(plainGuest.code, plainGuest.stderr).toBe(0);
    // The SDK writes its own requests: for http:// it gets a tunnel rather than absolute form.
    expect(plainGuest.proxied.length).toBeGreaterThan(0);
    expect(plainGuest.proxied.every((line) => line === `CONNECT ${plainServiceAuthority}`), plainGuest.proxied.join(', ')).toBe(true);
  });

  it('refresh (an hour later) and logout (RevokeToken) go through the proxy', async () => {
    const login = await run(['--profile', 'refreshing', 'login', '-u', 'demouser', '--password-stdin'], env(), 'demoPASS123\n');
    expect(login.code, login.stderr).toBe(0);
    serverOffset.ms = 61 * 60_000;
    try {
      const later = await run(['--profile', 'refreshing', 'call', 'require-auth'], viaProxy(), undefined, 61 * 60_000);
      expect(later.code, later.stderr).toBe(0);
      // REFRESH_TOKEN_AUTH and the Identity Pool exchange tunnelled, then the call itself.
      expect(later.proxied.length).toBeGreaterThanOrEqual(3);
      expect(later.proxied.every((line) => line === `CONNECT ${tlsAuthority}`)).toBe(true);
      const logout = await run(['--profile', 'refreshing', 'logout'], viaProxy(), undefined, 61 * 60_000);
      expect(logout.code, logout.stderr).toBe(0);
      expect(logout.stderr).toContain('refresh token revoked');
      expect(logout.proxied).toEqual([`CONNECT ${tlsAuthority}`]);
    } finally {
      serverOffset.ms = 0;
    }
  });

  it('NO_PROXY: a listed host is reached directly, the others still through the proxy', async () => {
    const seenBefore = front.seen.length;
    const direct = await run(['--profile', 'tls', 'call', 'require-auth'], viaProxy({ NO_PROXY: 'example.com,localhost' }));
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.proxied).toEqual([]);
    expect(front.seen.length).toBe(seenBefore + 1);
    const lower = await run(['--profile', 'plain', 'call', 'no-auth'], viaProxy({ no_proxy: '127.0.0.1' }));
    expect(lower.code, lower.stderr).toBe(0);
    expect(lower.proxied).toEqual([]);
    const otherPort = await run(['--profile', 'plain', 'call', 'no-auth'], viaProxy({ NO_PROXY: '127.0.0.1:1' }));
    expect(otherPort.code, otherPort.stderr).toBe(0);
    expect(otherPort.proxied).toEqual([`GET http://${plainAuthority}/prod/no-auth`]);
  });

  it('the lower-case variables work the same', async () => {
    const r = await run(['--profile', 'tls', 'call', 'no-auth'], env({ https_proxy: proxy.url }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.proxied).toEqual([`CONNECT ${tlsAuthority}`]);
  });

  it('wrong proxy credentials: exit 6, one line naming the proxy, not retried', async () => {
    const bad = proxy.url.replace(PROXY_PASS, 'wrong-pass');
    const r = await run(['--profile', 'tls', 'call', 'no-auth'], env({ HTTPS_PROXY: bad }));
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(new RegExp(`^authapi: the proxy http://proxyuser:\\*\\*\\*@127\\.0\\.0\\.1:${proxy.port} \\(HTTPS_PROXY\\) wants credentials \\((401|407)`, 'm'));
    expect(r.stderr).not.toContain('wrong-pass');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.proxied).toHaveLength(1);
  });
});

describe.skipIf(noTinyproxy)('a proxy that is down: exit 6 naming the proxy, for every command', () => {
  let down: string;
  beforeAll(async () => {
    down = `http://127.0.0.1:${await closedPort()}`;
  });
  const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('authapi:'));

  it('call (HTTPS and HTTP), with the retries the policy allows', async () => {
    for (const profile of ['tls', 'plain']) {
      const r = await runBinary(['--profile', profile, 'call', 'no-auth', '--retries', '0'], { env: env({ HTTPS_PROXY: down, HTTP_PROXY: down }) });
      expect(r.code, r.stderr).toBe(6);
      expect(oneLine(r.stderr)).toEqual([`authapi: cannot reach the proxy ${down} (${profile === 'tls' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}): connection refused (ECONNREFUSED) — check ${profile === 'tls' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}, or list the host in NO_PROXY to go direct`]);
    }
  });

  it('login, batch, status --verify and configure --from-stack', async () => {
    const e = env({ HTTPS_PROXY: down, HTTP_PROXY: down, AUTHAPI_MAX_ATTEMPTS: '1', AWS_MAX_ATTEMPTS: '1' });
    const login = await runBinary(['--profile', 'tls', 'login', '-u', 'demouser', '--password-stdin'], { env: e, input: 'demoPASS123\n' });
    expect(login.code, login.stderr).toBe(6);
    expect(login.stderr).toContain(`cannot reach the proxy ${down} (HTTPS_PROXY)`);

    const batch = await runBinary(['--profile', 'tls', 'batch'], { env: e, input: '{"path":"no-auth"}\n' });
    expect(batch.code, batch.stderr).toBe(6);
    expect(JSON.parse(batch.stdout).error).toContain(`cannot reach the proxy ${down} (HTTPS_PROXY)`);

    const status = await runBinary(['--profile', 'plain', 'status', '--verify'], { env: e });
    expect(status.code, status.stderr).toBe(6);
    expect(status.stdout + status.stderr).toContain(`cannot reach the proxy ${down} (HTTP_PROXY)`);

    const stack = await runBinary(['configure', '--from-stack', 'some-stack', '--region', 'us-east-1', '--profile', 'fromstack'],
      { env: { ...e, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example', AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(stack.code, stack.stderr).toBe(6);
    expect(oneLine(stack.stderr)[0]).toContain(`cannot reach the proxy ${down} (HTTPS_PROXY)`);
  });
});
