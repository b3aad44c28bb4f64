// The real binary against the real emulator, for the conventions people bring from
// curl, gh and the AWS CLI (issue 13): `-o -`, headers the user gives, batch pacing
// and progress, credentials for older SDKs, messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { echoTemplate, profileFor, startLocal } from './call-stack.js';
import type { LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let dir: string;
let env: NodeJS.ProcessEnv;
// A plain HTTP server that records what reached the wire (profile "wire": the local
// stack's pools, this server as the API), answering 200 "ok".
let wire: Server;
const seen: Array<{ method: string; url: string; rawHeaders: string[] }> = [];
// The file store (no keychain in CI) announces itself on stderr on every run; that line is not ours.
const PLAINTEXT_NOTE = /^warning: secrets are kept in plaintext files.*\n/gm;
const run = async (args: string[], input?: string | Buffer, extraEnv: NodeJS.ProcessEnv = {}) => {
  const r = await runBinary([...args, '--profile', 'local'], { env: { ...env, ...extraEnv }, input });
  return { ...r, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
};

beforeAll(async () => {
  stack = await startLocal({ port: 0, templatePath: echoTemplate({ headers: true }), parameterOverrides: { ThrottleRateLimit: '10000', ThrottleBurstLimit: '10000' } });
  wire = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders });
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => wire.listen(0, '127.0.0.1', r));
  dir = tempDir();
  const local = profileFor(stack);
  writeProfiles(dir, { local, wire: { ...local, apiUrl: `http://127.0.0.1:${(wire.address() as AddressInfo).port}/prod` } });
  env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const login = await run(['login', '-u', 'demouser', '--password-stdin'], 'demoPASS123\n');
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => {
  wire?.close();
  await stack?.close();
});

describe('call -o', () => {
  it('-o - writes the body to stdout, as curl does, and no file named -', async () => {
    const cwd = tempDir();
    const r = await runBinary(['call', 'no-auth', '-o', '-', '--profile', 'local'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"message":"Open for All!"}');
    expect(readdirSync(cwd)).toEqual([]);
    const long = await run(['call', 'no-auth', '--output=-']);
    expect(long.stdout).toBe('{"message":"Open for All!"}');
  });

  it('-o into a missing directory names the directory, exit 2, and sends nothing', async () => {
    const missing = join(tempDir(), 'nope');
    const before = seen.length;
    const r = await runBinary(['call', '/post', '-X', 'POST', '-d', 'x', '-o', join(missing, 'out.json'), '--profile', 'wire'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`authapi: -o ${join(missing, 'out.json')}: the directory ${missing} does not exist — create it first (nothing was sent)\n`);
    expect(existsSync(missing)).toBe(false);
    expect(seen.length).toBe(before);
    const notDir = join(tempDir(), 'file');
    await run(['call', 'no-auth', '-o', notDir]);
    const under = await run(['call', 'no-auth', '-o', join(notDir, 'x')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(`authapi: -o ${join(notDir, 'x')}: ${notDir} is not a directory — choose another path (nothing was sent)\n`);
  });

  it('-o FILE still writes the file', async () => {
    const out = join(tempDir(), 'out.json');
    const r = await run(['call', 'no-auth', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('{"message":"Open for All!"}');
  });
});

/** A shell command, run without blocking this process (the emulator answers from it). */
function sh(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('credentials --format env', () => {
  const hasBoto3 = spawnSync('python3', ['-c', 'import boto3']).status === 0;
  it('exports AWS_DEFAULT_REGION too: boto3 (which reads only that one) works after eval', async (t) => {
    if (!hasBoto3) {
      if (process.env.CI) throw new Error('CI must have python3 with boto3');
      t.skip('python3 with boto3 is not installed');
    }
    const r = await run(['credentials', '--format', 'env']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("export AWS_REGION='us-east-1'\nexport AWS_DEFAULT_REGION='us-east-1'\n");
    const py = `import boto3; print(boto3.client('sts', endpoint_url='${stack.info.endpoints.sts}').get_caller_identity()['Arn'])`;
    // Nothing from this environment but PATH: the region comes from the eval'd lines only.
    const ok = await sh(`eval "$CREDS" && python3 -c "$PY"`, { PATH: process.env.PATH, CREDS: r.stdout, PY: py, HOME: dir });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^arn:aws:sts::\d+:assumed-role\/[^/]+\/CognitoIdentityCredentials\n$/);
    // Without AWS_DEFAULT_REGION boto3 has no region: what users of the old output met.
    const without = await sh(`eval "$CREDS" && unset AWS_DEFAULT_REGION && python3 -c "$PY"`, { PATH: process.env.PATH, CREDS: r.stdout, PY: py, HOME: dir });
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/NoRegionError|must specify a region/);
  });
});
