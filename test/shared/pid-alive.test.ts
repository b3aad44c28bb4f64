import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { pidAlive } from '../../src/shared/pid-alive.js';

test('a running process is alive, one that exited is not', () => {
  expect(pidAlive(process.pid)).toBe(true);
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  expect(pidAlive(Number(child.stdout))).toBe(false);
});
