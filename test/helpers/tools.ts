// Tests that need a tool from outside the repository (cfn-lint and moto_server come
// with a Python install; tinyproxy and openssl are Debian packages). Outside CI a
// missing tool skips those tests with the reason printed; in CI (CI=true) it is never
// a skip: .ci/run installs or checks every tool first, and the tests then fail loudly.
import { spawnSync } from 'node:child_process';

export const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Whether `name` runs here (found on PATH and answers `args`, `--version` by default). */
export function hasTool(name: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(name, args, { stdio: 'ignore', timeout: 30_000 });
  // 127: a version manager's shim (pyenv) for a tool the active version lacks.
  return !r.error && r.status !== 127;
}

/**
 * True when the tests needing `name` must be skipped: absent and not in CI. Prints
 * why (once per test file), naming what it is for and how to get it.
 */
export function skipWithout(name: string, forWhat: string, howToGet: string, args?: string[]): boolean {
  if (hasTool(name, args)) return false;
  if (inCI) return false;
  process.stderr.write(`${forWhat}: skipping — ${name} is not installed here (${howToGet}; CI requires it)\n`);
  return true;
}
