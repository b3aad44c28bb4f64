// The session side of a cached token route, alone: what `call require-token` does
// before its request (src/http/token-source.ts → the credentials agent's `token` op,
// src/auth/agent-token.ts) against what `call require-auth` does before its request
// (src/http/signer.ts sessionSignWithAgent → the agent's `sign` op). Both run in a small
// process bundled from the sources the way dist/cli.cjs is (CommonJS, lazy imports as
// require calls, the same externals): context, profile, marker, one agent round trip,
// exit. The connection and the request itself are the same for both routes, so this
// ratio is the one the end-to-end comparison (bench/token-call.bench.mjs) can only
// dilute. Runs against the local stack of call-stack.mjs: logged in, agent warm, its
// tokens put by one miss first (which reads the store and hands them over).
//   get a token from the agent vs get a signature from the agent   target ≤ 1.05×
// (no slower; 5 % is the spread of paired medians on a busy shared machine).
// Run: `node scripts/build.mjs && node bench/token-agent.bench.mjs` (or `npm run bench -- token-agent`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, ms, result } from './lib.mjs';
import { interleaved, startStack } from './call-stack.mjs';

const LAZY_EXTERNALS = ['@aws-sdk/*', '@smithy/*', '@inquirer/*', '@napi-rs/*', 'undici', 'jose', 'yaml', 'amazon-cognito-identity-js'];
// One bundle holding both paths (as dist/call.cjs will), so both pay the same parse and
// differ only in what runs: `node harness.cjs token` or `node harness.cjs sign`.
const HARNESS = `
import { createContext } from '../src/context.js';
import { sessionToken } from '../src/http/token-source.js';
import { sessionSignWithAgent } from '../src/http/signer.js';
const ctx = createContext({ verbose: process.env.HARNESS_VERBOSE === '1' });
const fail = (why: string) => { process.stderr.write(why + '\\n'); process.exit(1); };
async function token() {
  const t = await sessionToken(ctx, 'id');
  if (!/^[\\w-]+\\.[\\w-]+\\.[\\w-]+$/.test(t)) fail('not a token');
}
async function sign() {
  const p = await ctx.profile();
  const u = new URL(p.apiUrl);
  const signed = await sessionSignWithAgent(ctx, false, {
    method: 'GET', target: { protocol: u.protocol as 'http:', hostname: u.hostname, port: u.port, path: u.pathname.replace(/\\/$/, '') + '/require-auth', query: [] },
    headers: {}, region: p.region, now: Date.now(), apiKey: p.apiKey,
  });
  if (!signed) fail('the agent did not sign');
}
(process.argv[2] === 'token' ? token() : sign()).catch((e) => fail(String(e?.message ?? e)));
`;

const out = mkdtempSync(join(tmpdir(), 'authapi-bench-harness-'));
const harness = join(out, 'harness.cjs');
await build({
  stdin: { contents: HARNESS, resolveDir: join(ROOT, 'bench'), loader: 'ts', sourcefile: 'token-agent-harness.ts' },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
  supported: { 'dynamic-import': false }, external: LAZY_EXTERNALS, outfile: harness,
  define: { __AUTHAPI_VERSION__: '"bench"' },
});

const stack = await startStack();
try {
  if (!stack.agentPid) throw new Error('this bench needs the credentials agent (do not set AUTHAPI_BENCH_AGENT=0)');
  const run = (name, extra = {}) => spawnSync(process.execPath, [harness, name], { env: { ...stack.env, ...extra }, encoding: 'utf8' });
  // The first token request misses (the agent was started by an IAM call): it reads the
  // store and hands the agent the tokens. From then on the agent serves them.
  const miss = run('token', { HARNESS_VERBOSE: '1' });
  if (miss.status !== 0) throw new Error(`token harness failed: ${miss.stderr}`);
  const hit = run('token', { HARNESS_VERBOSE: '1' });
  if (hit.status !== 0 || !hit.stderr.includes('debug: ID token from agent')) throw new Error(`the agent did not serve the token: ${hit.stderr}`);
  const signed = run('sign'); // exits 1 unless the agent signed
  if (signed.status !== 0) throw new Error(`sign harness failed: ${signed.stderr}`);

  const node = process.execPath;
  const [floor, sign, token] = interleaved([[node, '-e', ''], [node, harness, 'sign'], [node, harness, 'token']],
    { runs: Number(process.env.RUNS ?? 40), warmup: 3, env: stack.env, rotate: true });
  const paired = (a, b, k) => a[k].map((x, i) => x / b[k][i]).sort((x, y) => x - y)[Math.floor(a[k].length / 2)];
  const r = paired(token, sign, 'walls');
  console.log(`medians, interleaved: node -e '' ${ms(floor.wall)} (cpu ${ms(floor.cpu)}) · agent sign ${ms(sign.wall)} (cpu ${ms(sign.cpu)}) · agent token ${ms(token.wall)} (cpu ${ms(token.cpu)})`);
  console.log(`above node -e '': sign +${ms(sign.wall - floor.wall)} · token +${ms(token.wall - floor.wall)}`);
  result({
    measure: 'token from the agent vs signature from the agent (session side of a cached call)',
    ratio: r, target: '≤ 1.05×', pass: r <= 1.05,
    detail: `${ms(token.wall)} vs ${ms(sign.wall)} wall (paired median); cpu ${(paired(token, sign, 'cpus')).toFixed(2)}×`,
  });
} finally {
  await stack.stop();
  rmSync(out, { recursive: true, force: true });
}
