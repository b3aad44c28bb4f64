// Shared pieces for the benchmarks. Each bench script prints its own figures and
// ends with one or more `RESULT {json}` lines that bench/run.mjs gathers into the
// table: {"measure", "ratio", "target", "pass", "detail"?}.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'authapi.js');

/**
 * The environment for start-up timings: this machine sets NODE_EXTRA_CA_CERTS,
 * which adds ~80 ms to every Node 20 start; unset it on both sides.
 */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function hasHyperfine() {
  return spawnSync('hyperfine', ['--version']).status === 0;
}

/**
 * Times commands in ONE hyperfine run (so ratios are paired on a noisy machine).
 * Returns [{command, median, mean, stddev}] in seconds.
 */
export function hyperfine(commands, { runs = 30, warmup = 3, env = benchEnv(), shell = 'none' } = {}) {
  if (!hasHyperfine()) throw new Error('hyperfine is not installed (apt-get install hyperfine)');
  const tmp = mkdtempSync(join(tmpdir(), 'authapi-bench-'));
  const out = join(tmp, 'hf.json');
  const args = ['--runs', String(runs), '--warmup', String(warmup), '--export-json', out, '--style', 'none', '-N'];
  if (shell !== 'none') args.splice(args.indexOf('-N'), 1, '--shell', shell);
  const r = spawnSync('hyperfine', [...args, ...commands], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stdout}`);
  const results = JSON.parse(readFileSync(out, 'utf8')).results;
  rmSync(tmp, { recursive: true, force: true });
  return results.map((x) => ({ command: x.command, median: x.median, mean: x.mean, stddev: x.stddev }));
}

export const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

export function result({ measure, ratio, target, pass, detail }) {
  const line = { measure, ratio: Number(ratio.toFixed(2)), target, pass: Boolean(pass), ...(detail ? { detail } : {}) };
  process.stdout.write(`RESULT ${JSON.stringify(line)}\n`);
  return line;
}
