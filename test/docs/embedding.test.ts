// docs/embedding.md's vitest example, run as written: extracted from the page into a
// directory inside this package (so `authapi/local` resolves to this package's own
// export, as it would from node_modules), type-checked with tsc, then run by vitest
// in a process of its own. Needs the build (dist/local.cjs, dist/types): `npm test`
// builds first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function example(): string {
  const page = readFileSync(join(ROOT, 'docs', 'embedding.md'), 'utf8');
  const m = /```ts example\n([\s\S]*?)```/.exec(page);
  if (!m) throw new Error('docs/embedding.md has no ```ts example block');
  return m[1]!;
}

test('the documented example loads no CLI code, type-checks and passes', { timeout: 180_000 }, () => {
  expect(existsSync(join(ROOT, 'dist', 'local.cjs'))).toBe(true);
  expect(existsSync(join(ROOT, 'dist', 'types', 'local', 'index.d.ts'))).toBe(true);
  const dir = join(ROOT, '.tmp', `embedding-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'example.test.ts'), example());
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['example.test.ts'], testTimeout: 30000, hookTimeout: 30000 } };\n");

    // The export's module graph: the emulator bundle and its libraries, nothing of the CLI.
    const trace = spawnSync(process.execPath, ['--input-type=module', '-e',
      "import('authapi/local').then((m) => console.log(typeof m.startLocalStack))"], { cwd: dir, encoding: 'utf8' });
    expect(trace.stderr).toBe('');
    expect(trace.stdout.trim().split(' ')[0]).toBe('function');
    const loaded = spawnSync(process.execPath, ['-e',
      "require('authapi/local'); console.log(Object.keys(require.cache).filter((f) => !f.includes('/node_modules/')).join('\\n'))"], { cwd: dir, encoding: 'utf8' });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim().split('\n').map((f) => f.slice(ROOT.length))).toEqual(['/dist/local.cjs']);
    const libs = spawnSync(process.execPath, ['-e',
      "require('authapi/local'); console.log(Object.keys(require.cache).filter((f) => /commander|@inquirer|@napi-rs|keyring/.test(f)).length)"], { cwd: dir, encoding: 'utf8' });
    expect(libs.stdout.trim()).toBe('0');

    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', join(dir, 'example.test.ts')], { cwd: dir, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Tests\s+3 passed \(3\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
