// `authapi batch` against the local stack (issue 7's figures); batch and its baseline
// run interleaved (A B A B …) so the ratio is paired on a busy machine:
//   1. 1,000 signed requests through `authapi batch --concurrency C` vs a minimal
//      undici Pool + aws4 script (bench/batch-minimal-undici.mjs) at the same
//      concurrency, whole processes                              target ≥ 0.8× its throughput
//   2. the same batch vs a shell loop of `authapi call`s          target ≥ 20×
//      (the loop runs LOOP=100 calls and is scaled to 1,000 — said in the output)
// Credentials are cached (logged in once); the minimal script gets the same ones
// through the environment. Run: `node scripts/build.mjs && node bench/batch.bench.mjs`
// (or `npm run bench -- batch`). N, C, LOOP and RUNS override the sizes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, ms, result } from './lib.mjs';
import { interleaved, startStack } from './call-stack.mjs';

const N = Number(process.env.N ?? 1000);
const C = Number(process.env.C ?? 16);
const LOOP = Number(process.env.LOOP ?? 100);
const stack = await startStack();
try {
  const input = join(stack.dir, 'requests.ndjson');
  writeFileSync(input, Array.from({ length: N }, (_, i) => JSON.stringify({ id: i, path: 'require-auth' })).join('\n') + '\n');
  const creds = JSON.parse(spawnSync(process.execPath, [BIN, 'credentials', '--format', 'json'], { env: stack.env, encoding: 'utf8' }).stdout);
  const env = { ...stack.env, AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey, AWS_SESSION_TOKEN: creds.SessionToken };

  // Sanity: every batch line answered 200.
  const check = spawnSync(process.execPath, [BIN, 'batch', '--concurrency', String(C)], { env, input: `${JSON.stringify({ path: 'require-auth' })}\n`.repeat(20), encoding: 'utf8' });
  if (check.status !== 0 || check.stdout.trim().split('\n').some((l) => JSON.parse(l).status !== 200)) throw new Error(`batch check failed: ${check.stderr}`);

  const minimal = join(ROOT, 'bench', 'batch-minimal-undici.mjs');
  const loop = `for i in $(seq ${LOOP}); do node ${BIN} call require-auth >/dev/null 2>&1 || exit 1; done`;
  const runs = Number(process.env.RUNS ?? 5);
  const node = process.execPath;
  const [batch, base] = interleaved([['sh', '-c', `${node} ${BIN} batch --concurrency ${C} < ${input} > /dev/null`], [node, minimal, String(N), String(C)]], { runs, warmup: 1, env })
    .map((r) => ({ median: r.wall, cpu: r.cpu }));
  const [shellLoop] = interleaved([['bash', '-c', loop]], { runs: Math.max(1, Math.round(runs / 2)), warmup: 0, env }).map((r) => ({ median: r.wall }));
  const tput = (s) => N / s;
  const loopFor1000 = shellLoop.median * (N / LOOP);
  console.log(`batch ${N} @${C}: ${ms(batch.median)} (${tput(batch.median).toFixed(0)} req/s, client cpu ${ms(batch.cpu)}) · minimal undici+aws4: ${ms(base.median)} (${tput(base.median).toFixed(0)} req/s, cpu ${ms(base.cpu)}) · shell loop of ${LOOP} calls: ${ms(shellLoop.median)} → ×${+(N / LOOP).toFixed(2)} = ${ms(loopFor1000)}`);
  const r1 = base.median / batch.median;
  result({ measure: `batch ${N} requests vs minimal undici Pool + aws4 (concurrency ${C}), throughput`, ratio: r1, target: '≥ 0.8×', pass: r1 >= 0.8, detail: `${tput(batch.median).toFixed(0)} vs ${tput(base.median).toFixed(0)} req/s` });
  const r2 = loopFor1000 / batch.median;
  result({ measure: `batch ${N} vs a shell loop of ${N} calls (measured on ${LOOP}, scaled)`, ratio: r2, target: '≥ 20×', pass: r2 >= 20, detail: `${ms(batch.median)} vs ${ms(loopFor1000)}` });
} finally {
  stack.stop();
}
