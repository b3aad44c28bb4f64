// Two ways to drive the CLI in tests: in-process through runCli with injected IO
// (fast, inspectable), and as the real built binary in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import type { ContextOptions } from '../../src/context.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'authapi.js');

const created = new Set<string>();

/** A new directory under the OS temp dir, removed after the test file (test/setup.ts). */
export function tempDir(prefix = 'authapi-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Writes <dir>/config.json holding these profiles (mode 0600, as `authapi configure` does). */
export function writeProfiles(dir: string, profiles: Record<string, unknown>): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ version: 1, profiles }), { mode: 0o600 });
}

/** Removes every tempDir() of this test file; AUTHAPI_KEEP_TEMP=1 keeps them for a post-mortem. */
export function removeTempDirs(): void {
  if (process.env.AUTHAPI_KEEP_TEMP === '1') return;
  for (const dir of created) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  created.clear();
}

// The binary's home for this test file (made on first use, removed with the other
// temp dirs): its V8 code caches (~/.cache/authapi) and anything else it would keep
// under HOME stay out of the home of whoever runs the tests.
let binaryHome: string | undefined;
function homeForBinary(): string {
  if (binaryHome === undefined || !created.has(binaryHome)) binaryHome = tempDir('authapi-home-');
  return binaryHome;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs the CLI in-process. `env` replaces process.env entirely. */
export async function runInProcess(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; tty?: boolean } & Omit<ContextOptions, 'io' | 'env'> = {},
): Promise<RunResult> {
  const { env, input, tty, ...rest } = opts;
  const io = testIO({ input, tty });
  const code = await runCli(argv, { ...rest, io, env: env ?? {} });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText(), stdoutBytes: io.stdoutBytes() };
}

/**
 * Runs the built binary (`node scripts/build.mjs` first — `npm test` does) with the
 * same Node that runs the tests, so CI on Node 24 tests Node 24.
 */
export function runBinary(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string; execArgv?: string[]; bin?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(opts.execArgv ?? []), opts.bin ?? BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      // No credentials agent unless the test asks for one: it would outlive the test.
      env: { PATH: process.env.PATH, HOME: homeForBinary(), AUTHAPI_AGENT: '0', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ code: code ?? -1, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    child.stdin.end(opts.input);
  });
}
