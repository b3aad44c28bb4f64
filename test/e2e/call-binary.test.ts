// The real binary (dist/cli.cjs, built by `npm test` / `node scripts/build.mjs`)
// against the real emulator: login, call, batch, credentials (through the AWS CLI's
// credential_process), logout, failure paths, and a byte scan of --verbose output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BIN, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { echoTemplate, profileFor, startLocal } from './call-stack.js';
import type { LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let dir: string;
let env: NodeJS.ProcessEnv;
// The file store (no keychain in CI) announces itself on stderr on every run; that line is not ours.
const PLAINTEXT_NOTE = /^warning: secrets are kept in plaintext files.*\n/gm;
const runRaw = async (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer }) => {
  const r = await runBinary(args, opts);
  return { ...r, stderrRaw: r.stderr, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
};
const run = (args: string[], input?: string | Buffer, extraEnv: NodeJS.ProcessEnv = {}) => runRaw([...args, '--profile', 'local'], { env: { ...env, ...extraEnv }, input });

beforeAll(async () => {
  // A generous usage plan: these tests are about signing and exit codes, not throttling.
  stack = await startLocal({ port: 0, templatePath: echoTemplate(), parameterOverrides: { ThrottleRateLimit: '10000', ThrottleBurstLimit: '10000' } });
  dir = tempDir();
  const local = profileFor(stack);
  writeProfiles(dir, {
    local,
    dead: { ...local, apiUrl: 'http://127.0.0.1:9/prod' },
    // Nobody logged in here, and the Identity Pool (the guests' way in) is down.
    poolDown: { ...local, endpoints: { ...local.endpoints, cognitoIdentity: 'http://127.0.0.1:9' } },
  });
  // The AWS SDK (loaded by the session layer for guests) prints a multi-line
  // "NodeVersionSupportWarning" on Node < 22; that is not this command's output.
  // No credentials agent: `credentials` runs under the AWS CLI here, outside runBinary's defaults, and an agent would outlive the test.
  env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const login = await run(['login', '-u', 'demouser', '--password-stdin'], 'demoPASS123\n');
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => stack?.close());

/** Every secret the emulator has issued, plus the API key. */
function secrets(): string[] {
  const out = [stack.info.apiKey];
  for (const c of stack.credentials.all()) out.push(c.secretAccessKey, c.sessionToken);
  return out;
}

function expectNoSecrets(text: string) {
  for (const s of secrets()) expect(text).not.toContain(s);
  expect(text).not.toMatch(/[0-9a-f]{64}/); // a SigV4 signature
  expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // a JWT (ID/access/refresh token)
}

describe('call (binary) with a logged-in user', () => {
  it('require-auth: exit 0, the body byte for byte with no added newline', async () => {
    const r = await run(['call', 'require-auth']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
  });

  it('-i puts the status line and headers on stderr; -o writes the file', async () => {
    const out = join(dir, 'out.json');
    const r = await run(['call', 'no-auth', '-i', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(r.stderr).toMatch(/x-amzn-RequestId: [0-9a-f-]{36}/i);
    expect(readFileSync(out, 'utf8')).toBe('{"message":"Open for All!"}');
  });

  it('odd paths and queries are signed right (the emulator verifies with smithy)', async () => {
    const r = await run(['call', '/echo/a b/caf\u00e9/100%/x+y=z,w:v@u*?q=a+b&r=%2B&k=2&k=1&flag', '--query', 'lit=a+b&c', '--query', 'pct=100%', '--query', 'k=3', '--query', 'e=']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const echo = JSON.parse(r.stdout);
    expect(echo.authType).toBe('authenticated');
    expect(echo.path).toBe('/echo/a%20b/caf%C3%A9/100%25/x%2By%3Dz%2Cw%3Av%40u%2A');
    expect(echo.query).toMatchObject({ q: ['a b'], r: ['+'], k: ['2', '1', '3'], flag: [''], lit: ['a+b&c'], pct: ['100%'], e: [''] });
  });

  it('a binary body from stdin (@-) arrives intact', async () => {
    const bin = Buffer.from([0, 0xff, 0xfe, 0x80, 10, 13, 0]);
    const r = await run(['call', '/echo/up', '-X', 'PUT', '-d', '@-', '-H', 'Content-Type: application/octet-stream'], bin);
    expect(r.code, r.stderr).toBe(0);
    const echo = JSON.parse(r.stdout);
    expect((echo.isBase64Encoded ? Buffer.from(echo.body, 'base64') : Buffer.from(echo.body)).equals(bin)).toBe(true);
  });

  it('--guest on require-auth: IAM refuses the guest role → 403 body, exit 4', async () => {
    const r = await run(['call', 'require-auth', '--guest']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^\{"Message":"User: arn:aws:sts::\d+:assumed-role\/[^/]*Unauth[^/]*\/CognitoIdentityCredentials is not authorized/);
    expect(r.stderr).toBe('authapi: HTTP 403 Forbidden\n');
  });

  it('--verbose shows method, URL, status, timing; no secret anywhere in stdout or stderr', async () => {
    const r = await run(['call', 'require-auth', '-v', '-i', '--query', 'a=1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/debug: > GET http:\/\/127\.0\.0\.1:\d+\/prod\/require-auth\?a=1/);
    expect(r.stderr).toMatch(/debug: < 200 OK \(\d+ ms\)/);
    expectNoSecrets(r.stdout + r.stderrRaw);
    const b = await run(['batch', '-v', '--include'], '{"path":"require-auth"}\n{"path":"/echo/x","guest":true}\n');
    expect(b.code).toBe(0);
    expectNoSecrets(b.stdout + b.stderrRaw);
    const d = await run(['call', 'require-auth', '--dry-run']);
    expect(d.stdout).toMatch(/^GET \/prod\/require-auth HTTP\/1\.1\n/);
    expectNoSecrets(d.stdout + d.stderrRaw);
  });
});

describe('batch (binary)', () => {
  it('one result per line, a bad line does not stop the run, exit 2 for it', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `r${i}`, path: i % 2 ? 'require-auth' : `/echo/item ${i}`, query: { n: String(i) } }));
    lines.splice(10, 0, '{oops');
    const r = await run(['batch', '--concurrency', '4', '--ordered'], lines.join('\n') + '\n');
    // Not a terminal: one summary line, because a line failed.
    expect(r.stderr).toMatch(/^authapi: batch: 41\/41 done: 40 2xx, 1 not sent \([\d.]+\/s\)\n$/);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(41);
    expect(out[10]).toMatchObject({ id: 11, exitCode: 2 });
    const ok = out.filter((o) => o.status === 200);
    expect(ok).toHaveLength(40);
    expect(out.map((o) => o.id).filter((id) => typeof id === 'string')).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    expect(JSON.parse(out[0].body)).toMatchObject({ path: '/echo/item%200', query: { n: ['0'] } });
    expect(r.code).toBe(2);
  });
});

describe('credentials (binary) through the real AWS CLI', () => {
  const awsCli = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

  it('process format works as credential_process for `aws sts get-caller-identity`', async () => {
    const awsConfig = join(dir, 'aws-config');
    writeFileSync(awsConfig, `[profile authapi]\ncredential_process = ${process.execPath} ${BIN} credentials --format process --profile local\nregion = ${stack.info.region}\n`);
    writeFileSync(join(dir, 'aws-credentials'), '');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(awsCli, ['sts', 'get-caller-identity', '--profile', 'authapi', '--endpoint-url', stack.info.endpoints.sts, '--output', 'json'], {
        env: { PATH: process.env.PATH, HOME: dir, ...env, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'), AWS_PAGER: '' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout);
    expect(id.Account).toBe(stack.info.accountId);
    expect(id.Arn).toMatch(/^arn:aws:sts::\d+:assumed-role\/[^/]*Authenticated[^/]*\/CognitoIdentityCredentials$/);
  });

  it('env format evals in a shell', async () => {
    const r = await run(['credentials', '--format', 'env']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='.+'\nexport AWS_SESSION_TOKEN='.+'\nexport AWS_REGION='us-east-1'\n/);
  });
});

describe('failure paths (binary)', () => {
  it('network failure exits 6 with one line; a timeout exits 6', async () => {
    const r = await runRaw(['call', 'no-auth', '--profile', 'dead', '--retries', '0'], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^authapi: cannot reach 127\.0\.0\.1:9: connection refused \(ECONNREFUSED\) — /);

    const hang: Server = createServer(() => {});
    await new Promise<void>((res) => hang.listen(0, '127.0.0.1', res));
    const port = (hang.address() as AddressInfo).port;
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.profiles.hang = { ...cfg.profiles.local, apiUrl: `http://127.0.0.1:${port}/prod` };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const t = await runRaw(['call', 'no-auth', '--profile', 'hang', '--timeout', '0.3', '--retries', '0'], { env });
    hang.closeAllConnections();
    hang.close();
    expect(t.code).toBe(6);
    expect(t.stderr).toMatch(/within 0\.3 s \(timeout\)/);
  });

  it('not logged in and the Identity Pool unreachable: exit 6 saying so (not a misleading "log in"), in call and batch', async () => {
    // no-auth needs no identity (the profile says so): --auth iam makes authapi sign it anyway.
    const r = await runRaw(['call', 'no-auth', '--auth', 'iam', '--profile', 'poolDown'], { env });
    expect(r.code).toBe(6);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^authapi: not logged in, and no guest credentials either: cannot reach the Identity Pool: ECONNREFUSED.* — check the network and the profile's endpoints$/)]);
    const b = await runRaw(['batch', '--profile', 'poolDown'], { env, input: '{"path":"no-auth","auth":"iam"}\n' });
    expect(b.code).toBe(6);
    expect(JSON.parse(b.stdout)).toMatchObject({ id: 1, exitCode: 6, error: expect.stringMatching(/^not logged in, and no guest credentials either: cannot reach the Identity Pool/) });
  });

  it('a usage error exits 2 before anything is sent', async () => {
    const r = await run(['call', 'https://example.com/prod/no-auth']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not under the profile's API URL/);
  });

  it('after logout: require-auth exits 3 with the login hint; no-auth still works as a guest', async () => {
    const out = await run(['logout']);
    expect(out.code, out.stderr).toBe(0);
    const r = await run(['call', 'require-auth']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not logged in.*guests may not call this route — run `authapi login --profile local`/);
    const g = await run(['call', 'no-auth']);
    expect(g.code).toBe(0);
    expect(g.stdout).toBe('{"message":"Open for All!"}');
    const c = await run(['credentials', '--format', 'process']);
    expect(c.code).toBe(3);
    expect(c.stdout).toBe('');
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe("clock skew (binary): this machine's clock runs an hour behind the API's", () => {
  it('"Signature expired" is corrected from the Date header, re-signed once, and remembered for the profile', async () => {
    // The binary's clock is skewed with a preload (Date.now 1 h behind); the emulator keeps real time.
    const d = tempDir();
    const preload = join(d, 'skew.cjs');
    writeFileSync(preload, 'const real = Date.now; Date.now = () => real() - 3600_000;\n');
    writeProfiles(d, { local: profileFor(stack) });
    const e = { ...env, AUTHAPI_CONFIG_DIR: d };
    const call = () => runBinary(['call', '/echo/skew', '--profile', 'local', '-v'], { env: e, execArgv: ['--require', preload] });
    const r = await call();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).path).toBe('/echo/skew');
    expect(r.stderr).toMatch(/< 403 Forbidden/);
    expect(r.stderr).toMatch(/clock skew: the server's clock is 3[56]\d\d s ahead of ours; re-signing once/);
    const saved = JSON.parse(readFileSync(join(d, 'clock-skew.json'), 'utf8'));
    expect(Math.abs(saved.local.offsetMs - 3600_000)).toBeLessThan(5000);
    const again = await call();
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/using the remembered clock offset of 3[56]\d\d s/);
    expect(again.stderr).not.toMatch(/< 403/);
  });
});
