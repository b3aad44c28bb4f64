// `npm run demo` (scripts/demo.sh) into a log: it must work, and its stderr must be
// plain text — no escape codes, no dbus-daemon warnings — when it is not a terminal.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ROOT } from '../helpers/cli.js';

describe('the demo, with stderr not a terminal', () => {
  it('runs the main job and writes no escape codes and no dbus noise', async () => {
    const { PATH, HOME, TMPDIR } = process.env;
    const child = spawn('bash', ['scripts/demo.sh'], { cwd: ROOT, env: { PATH, HOME, TMPDIR, CI: process.env.CI }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(0);
    expect(err).toContain('\n$ authapi call require-auth\n');
    expect(out).toContain("You're past the velvet rope!");
    expect(err).not.toContain('\x1b');
    expect(err).not.toMatch(/dbus-daemon/);
  }, 120_000);
});
