// The real binary against the real emulator, for the conventions people bring from
// curl, gh and the AWS CLI (issue 13): `-o -`, headers the user gives, batch pacing
// and progress, credentials for older SDKs, messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BIN, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';
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
  const wireUrl = `http://127.0.0.1:${(wire.address() as AddressInfo).port}/prod`;
  writeProfiles(dir, {
    local,
    wire: { ...local, apiUrl: wireUrl },
    // Nobody logged in and no Identity Pool: only an unsigned request can go.
    wireNoPool: { ...local, apiUrl: wireUrl, endpoints: { ...local.endpoints, cognitoIdentity: 'http://127.0.0.1:9' } },
    badKey: { ...local, apiKey: 'not-the-key' },
  });
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

/** The headers the wire server saw on its last request, as [name, value] pairs in order. */
function lastHeaders(): Array<[string, string]> {
  const raw = seen.at(-1)!.rawHeaders;
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
}
const valuesOf = (name: string) => lastHeaders().filter(([k]) => k === name).map(([, v]) => v);
const signedHeaders = () => /SignedHeaders=([^,]+)/.exec(valuesOf('authorization')[0] ?? '')?.[1]?.split(';') ?? [];

describe('call -H: nothing the user gives is dropped or replaced without a word', () => {
  it("a user's X-Api-Key replaces the profile's, and is signed", async () => {
    const bad = await runBinary(['call', 'no-auth', '--profile', 'badKey'], { env });
    expect(bad.code).toBe(4); // the profile's (wrong) key: API Gateway says Forbidden
    expect(bad.stdout).toBe('{"message":"Forbidden"}');
    const mine = await runBinary(['call', 'no-auth', '--profile', 'badKey', '-H', `X-Api-Key: ${stack.info.apiKey}`], { env });
    expect(mine.stdout).toBe('{"message":"Open for All!"}');
    expect(mine.code).toBe(0);
    await runBinary(['call', '/x', '--profile', 'wire', '-H', 'X-Api-Key: mine'], { env });
    expect(valuesOf('x-api-key')).toEqual(['mine']);
    expect(signedHeaders()).toContain('x-api-key');
  });

  it('Authorization and the SigV4 X-Amz-* headers are refused (exit 2, nothing sent), with the way to send unsigned', async () => {
    for (const h of ['Authorization: Bearer abc', 'X-Amz-Date: 20200101T000000Z', 'x-amz-security-token: t', 'X-Amz-Content-Sha256: UNSIGNED-PAYLOAD']) {
      const before = seen.length;
      const r = await runBinary(['call', '/x', '--profile', 'wire', '-H', h], { env });
      const name = h.slice(0, h.indexOf(':'));
      expect(r.code, h).toBe(2);
      expect(r.stderr).toBe(`authapi: -H ${name} refused: the request is signed with SigV4, which sets ${name} itself — a route without IAM auth (API key only, like no-auth) can be called unsigned: add --unsigned\n`);
      expect(seen.length).toBe(before);
    }
    for (const h of ['Content-Length: 3', 'Transfer-Encoding: chunked', 'Connection: keep-alive']) {
      const r = await runBinary(['call', '/x', '--profile', 'wire', '-H', h, '--unsigned'], { env });
      expect(r.code, h).toBe(2);
      expect(r.stderr).toMatch(/authapi sets .* itself/);
    }
    // Other X-Amz-* headers (API Gateway's X-Amz-Invocation-Type, say) are the user's: sent and signed.
    await runBinary(['call', '/x', '--profile', 'wire', '-H', 'X-Amz-Invocation-Type: Event'], { env });
    expect(valuesOf('x-amz-invocation-type')).toEqual(['Event']);
    expect(signedHeaders()).toContain('x-amz-invocation-type');
  });

  it('--unsigned: no signature, no credentials needed, and the user\'s Authorization goes as given', async () => {
    const r = await runBinary(['call', '/x', '--profile', 'wireNoPool', '--unsigned', '-H', 'Authorization: Bearer abc'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(valuesOf('authorization')).toEqual(['Bearer abc']);
    expect(lastHeaders().map(([k]) => k).filter((k) => k.startsWith('x-amz-'))).toEqual([]);
    expect(valuesOf('x-api-key')).toEqual([profileFor(stack).apiKey]);
    // A route without IAM auth answers an unsigned request; an IAM route refuses it.
    const open = await run(['call', 'no-auth', '--unsigned']);
    expect(open.stdout).toBe('{"message":"Open for All!"}');
    const iam = await run(['call', 'require-auth', '--unsigned']);
    expect(iam.code).toBe(4);
    const both = await run(['call', 'no-auth', '--unsigned', '--guest']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--unsigned and --guest cannot be combined/);
  });

  it("Host: the user's is sent and signed", async () => {
    await runBinary(['call', '/x', '--profile', 'wire', '-H', 'Host: api.example.test'], { env });
    expect(valuesOf('host')).toEqual(['api.example.test']);
    expect(signedHeaders()).toContain('host');
    const none = await runBinary(['call', '/x', '--profile', 'wire', '-H', 'Host:'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cannot go without a Host header/);
  });

  it("'Name:' removes a header authapi adds, 'Name;' sends it empty, as curl does", async () => {
    await runBinary(['call', '/x', '--profile', 'wire', '-H', 'X-Api-Key:', '-H', 'X-Empty;', '-H', 'X-Gone:'], { env });
    expect(valuesOf('x-api-key')).toEqual([]);
    expect(valuesOf('x-empty')).toEqual(['']);
    expect(valuesOf('x-gone')).toEqual([]);
    expect(signedHeaders()).toContain('x-empty');
    // No key: API Gateway refuses, as it should.
    const r = await run(['call', 'no-auth', '-H', 'X-Api-Key:']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('{"message":"Forbidden"}');
    const bad = await run(['call', 'no-auth', '-H', 'X-Bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected "Name: value" \("Name:" removes it, "Name;" sends it empty\)/);
  });

  it('`?flag` goes on the wire as typed (the signature has flag=), and the emulator accepts the signature', async () => {
    await runBinary(['call', '/search?flag&q=a', '--profile', 'wire'], { env });
    expect(seen.at(-1)!.url).toBe('/prod/search?flag&q=a');
    const r = await run(['call', '/echo/search?flag']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).query).toEqual({ flag: [''] });
  });

  it('--dry-run shows exactly what is sent: every header, in order, framing included', async () => {
    const args = ['call', '/x?flag', '--profile', 'wire', '-X', 'PUT', '-d', 'abc', '-H', 'X-One: 1', '-H', 'X-Empty;'];
    const dry = await runBinary([...args, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    await runBinary(args, { env });
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`PUT ${seen.at(-1)!.url} HTTP/1.1`);
    const head = lines.slice(1, lines.indexOf(''));
    const dryHeaders = head.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]);
    const sent = lastHeaders();
    expect(dryHeaders.map(([k]) => k)).toEqual(sent.map(([k]) => k));
    for (const [k, v] of dryHeaders) {
      if (k === 'x-api-key' || k === 'x-amz-security-token') expect(v).toBe('***');
      else if (k === 'authorization') expect(v).toMatch(/Signature=\*\*\*$/);
      else if (k !== 'x-amz-date') expect(v, k).toBe(sent.find(([n]) => n === k)![1]);
    }
    expect(lines.at(-1)).toBe('<3 bytes of body>');
  });

  it('batch: a line with a SigV4 header is an error result (exit 2); a line\'s own X-Api-Key is used', async () => {
    // require-auth is an IAM route (no-auth, which takes no signature, may carry an Authorization of yours).
    const r = await runBinary(['batch', '--profile', 'badKey', '--ordered'], {
      env,
      input: `{"path":"require-auth","headers":{"Authorization":"Bearer x"}}\n{"path":"no-auth","headers":{"X-Api-Key":"${stack.info.apiKey}"}}\n`,
    });
    const [first, second] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(first).toMatchObject({ id: 1, exitCode: 2, error: expect.stringMatching(/header Authorization refused: the request is signed with SigV4/) });
    expect(second).toMatchObject({ id: 2, status: 200 });
    expect(r.code).toBe(2);
  });
});

describe('batch against a usage plan', () => {
  let strict: LocalStack;
  let strictEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // 20 requests per second, a burst of 5: what an unpaced run of 30 lines overruns. The
    // burst also absorbs what a loaded machine bunches up (a stalled event loop on either
    // side delivers paced requests together), so the paced run's margin is not timing.
    strict = await startLocal({ port: 0, parameterOverrides: { ThrottleRateLimit: '20', ThrottleBurstLimit: '5' } });
    const d = tempDir();
    writeProfiles(d, { strict: profileFor(strict) });
    strictEnv = { ...env, AUTHAPI_CONFIG_DIR: d, AUTHAPI_PROFILE: 'strict' };
  });
  afterAll(async () => strict?.close());
  const runStrict = async (args: string[], input: string) => {
    const r = await runBinary(args, { env: strictEnv, input });
    return { ...r, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
  };
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i, path: 'no-auth' })).join('\n') + '\n';

  it('unpaced: throttled lines, exit 7, and one summary line on stderr (not a terminal)', async () => {
    const r = await runStrict(['batch', '--retries', '0', '--concurrency', '8'], lines);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results).toHaveLength(30);
    const throttled = results.filter((x) => x.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(`authapi: batch: 30/30 done: ${30 - throttled} 2xx, ${throttled} throttled (${/\(([\d.]+)\/s\)/.exec(r.stderr)?.[1]}/s)\n`);
  });

  it('--rate keeps the run inside the plan: every line 2xx, exit 0, nothing on stderr', async () => {
    const ten = lines.split('\n').slice(0, 10).join('\n') + '\n';
    const r = await runStrict(['batch', '--retries', '0', '--concurrency', '8', '--rate', '5'], ten);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results).toHaveLength(10);
    expect(results.filter((x) => x.status !== 200)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const bad = await runBinary(['batch', '--rate', '10/h'], { env: strictEnv, input: lines });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('authapi: --rate "10/h": expected requests per second (10), or N/m per minute (600/m)\n');
  });

  it('--include adds the status text and headers, as call -i shows them', async () => {
    const r = await runBinary(['batch', '--include'], { env: strictEnv, input: '{"path":"no-auth"}\n' });
    const [one] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(one).toMatchObject({ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' } });
    expect(Object.keys(one).slice(0, 4)).toEqual(['id', 'status', 'statusText', 'headers']);
    const short = await runBinary(['batch', '-i'], { env: strictEnv, input: '{"path":"no-auth"}\n' });
    expect(JSON.parse(short.stdout)).toMatchObject({ status: 200, statusText: 'OK' });
  });

  it('in a real terminal the status line never shares a line with results printed there', async (t) => {
    if (!hasTmux()) {
      if (process.env.CI) throw new Error('CI must have tmux');
      t.skip('tmux is not installed');
    }
    const input = join(tempDir(), 'in.ndjson');
    writeFileSync(input, Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: i, path: i % 3 ? 'no-auth' : 'nope' })).join('\n') + '\n');
    const tmux = new TmuxSession(`${process.execPath} ${BIN} batch --rate 20 --concurrency 2 < ${input}`, { ...strictEnv, PATH: process.env.PATH! } as Record<string, string>);
    try {
      const screen = await tmux.waitFor(/\[exit \d+\]/);
      const rows = screen.split('\n').filter((l) => l.trim() !== '');
      const results = rows.filter((l) => l.startsWith('{'));
      expect(results).toHaveLength(12);
      for (const row of results) expect(row, row).not.toMatch(/done:/);
      // The last status line, on a line of its own, then the exit code (4: the 403s for "nope").
      expect(rows.at(-2)).toMatch(/^12\/12 done: 8 2xx, 4 4xx \([\d.]+\/s\)$/);
      expect(rows.at(-1)).toBe('[exit 4]');
    } finally {
      tmux.kill();
    }
  });
});

describe('help and messages', () => {
  it('the main help has the whole exit-code table and every environment variable authapi reads', async () => {
    const r = await runBinary(['--help'], { env });
    expect(r.code).toBe(0);
    for (const m of ['0  success', '1  unexpected error', '2  bad usage', '3  authentication', '4  HTTP 4xx', '5  HTTP 5xx', '6  network', '7  throttled', '130 interrupted']) expect(r.stdout).toContain(m);
    // Every variable the sources read (the emulator's aside; one the CLI only sets).
    const { execFileSync } = await import('node:child_process');
    const src = execFileSync('grep', ['-rhoE', "env(\\.|\\[')[A-Z_]{3,}|'(AUTHAPI|AWS)_[A-Z_]+'", join(import.meta.dirname, '..', '..', 'src'), '--include=*.ts', '--exclude-dir=local'], { encoding: 'utf8' });
    const names = new Set(src.split('\n').filter(Boolean).map((l) => l.replace(/^env(\.|\[')/, '').replace(/'/g, '')));
    names.delete('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
    names.delete('AWS_IAM'); // an API Gateway auth type in `local`'s summary, not a variable
    expect(names.size).toBeGreaterThan(10);
    const envSection = r.stdout.slice(r.stdout.indexOf('Environment:'), r.stdout.indexOf('Exit codes:'));
    for (const n of names) expect(envSection, n).toContain(n);
  });

  it('each command lists only the exit codes it can return; defaults unquoted; 0 = no timeout; descriptions capitalised', async () => {
    const call = (await runBinary(['call', '--help'], { env })).stdout;
    expect(call).toMatch(/Exit codes:\n {2}0 +success\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}4 .*\n {2}5 .*\n {2}6 .*\n {2}7 .*\n {2}130 +interrupted/);
    expect(call).toContain('(0 = no\n');
    expect(call).toContain('(default: 30)');
    expect(call).not.toContain('(default: "30")');
    const completion = (await runBinary(['completion', '--help'], { env })).stdout;
    expect(completion.slice(completion.indexOf('Exit codes:')).trimEnd()).toBe('Exit codes:\n  0   success\n  1   unexpected error (a bug)\n  2   bad usage, input or config');
    const local = (await runBinary(['local', '--help'], { env })).stdout;
    expect(local).toContain('(default: 0)');
    expect(local).toContain('Ctrl-C or SIGTERM stop it cleanly, exit 0.');
    expect(local).not.toMatch(/^ {2}130/m);
    const main = (await runBinary(['--help'], { env })).stdout;
    const commands = main.slice(main.indexOf('Commands:'), main.indexOf('Examples:')).split('\n').slice(1).filter((l) => /^ {2}\S/.test(l));
    expect(commands.length).toBeGreaterThan(8);
    for (const l of commands) expect(l, l).toMatch(/^ {2}\S.*?\s{2,}[A-Z]/);
    const options = call.slice(call.indexOf('Options:'), call.indexOf('Examples:')).split('\n').filter((l) => /^ {2}-/.test(l));
    for (const l of options) expect(l, l).toMatch(/\s{2,}[A-Z]/);
  });

  it("--profile '' is a usage error; a profile AUTHAPI_PROFILE names and nobody wrote says so; suggestions quote their arguments", async () => {
    for (const argv of [['call', 'no-auth', '--profile', ''], ['status', '--profile=']]) {
      const r = await runBinary(argv, { env });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toBe('authapi: --profile needs a profile name — list them with `authapi configure --list`\n');
    }
    const byEnv = await runBinary(['call', 'no-auth'], { env: { ...env, AUTHAPI_PROFILE: 'nope' } });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).toMatch(/^authapi: no profile "nope", chosen by AUTHAPI_PROFILE, in .*config\.json \(profiles: .*\) — run `authapi configure --profile nope` \(or pick another with --profile, or change AUTHAPI_PROFILE\)\n$/);
    const spaced = await runBinary(['status', '--profile', 'my team'], { env });
    expect(spaced.stderr).toContain("run `authapi configure --profile 'my team'`");
  });

  it('-v on an ordinary failure prints no stack trace; login -v traces the Identity Pool calls too', async () => {
    const wrong = await run(['login', '-u', 'demouser', '--password-stdin', '-v'], 'wrongPASS1\n');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    expect(wrong.stderr).toMatch(/caused by: \w+: Incorrect username or password\.\n/);
    const ok = await run(['login', '-u', 'demouser', '--password-stdin', '-v'], 'demoPASS123\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/debug: POST http:\/\/127\.0\.0\.1:\d+\/ AWSCognitoIdentityService\.GetCredentialsForIdentity\n/);
    expect(ok.stderr).toMatch(/debug: ← 200 AWSCognitoIdentityService\.GetCredentialsForIdentity in \d+ ms\n/);
  });

  it('--dry-run -v prints the request once', async () => {
    const r = await run(['call', 'require-auth', '--dry-run', '-v']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^GET \/prod\/require-auth HTTP\/1\.1\n/);
    expect(r.stderr).not.toContain('GET /prod/require-auth HTTP/1.1');
  });

  it('a local-stack profile whose emulator is not running: "is `authapi local` running?"', async () => {
    const d = tempDir();
    const dead = { ...profileFor(stack), apiUrl: 'http://127.0.0.1:9/prod', endpoints: { cognitoIdp: 'http://127.0.0.1:9', cognitoIdentity: 'http://127.0.0.1:9', sts: 'http://127.0.0.1:9' } };
    writeProfiles(d, { local: dead });
    const r = await runBinary(['call', 'require-auth', '--profile', 'local'], { env: { ...env, AUTHAPI_CONFIG_DIR: d } });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/ — is `authapi local` running\? This profile points at the local stack \(127\.0\.0\.1:9\)\n$/);
    const unsigned = await runBinary(['call', 'no-auth', '--unsigned', '--profile', 'local'], { env: { ...env, AUTHAPI_CONFIG_DIR: d } });
    expect(unsigned.code).toBe(6);
    expect(unsigned.stderr).toMatch(/is `authapi local` running\?/);
  });
});
