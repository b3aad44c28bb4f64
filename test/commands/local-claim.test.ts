// `authapi local` never silently repoints a profile another running emulator serves,
// and says what the profile points at when it stops. Through the built binary.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runBinary, tempDir } from '../helpers/cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.length = 0;
});

function startLocal(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'local', '--port', '0', '--no-state', '--json'], {
    cwd: tempDir(), env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]!) as Record<string, string>);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, ready, exited, stderr: () => stderr };
}

describe('authapi local and the profile it serves', () => {
  it('a second emulator for a served profile is refused (exit 2, names --profile); after the first stops, it may start', async () => {
    const dir = tempDir('authapi-claim-');
    const env = { AUTHAPI_CONFIG_DIR: dir, HOME: dir };
    const first = startLocal(env);
    const info = await first.ready;

    const second = await runBinary(['local', '--port', '0', '--no-state'], { env });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`profile "local" is served by another running \`authapi local\` (pid ${first.child.pid}, http://127.0.0.1:`);
    expect(second.stderr).toContain('authapi local --profile');
    // Another profile name is fine, and leaves the first one's profile alone.
    const other = startLocal({ ...env, AUTHAPI_PROFILE: 'local2' });
    const otherInfo = await other.ready;
    expect(otherInfo.profile).toBe('local2');
    const status = await runBinary(['status', '--json', '--profile', 'local'], { env });
    expect(JSON.parse(status.stdout).settings.apiUrl).toBe(info.apiUrl);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain('authapi local: stopped; profile "local" points at it until `authapi local` runs again');
    expect(readdirSync(join(dir, 'emulators'))).toEqual(['local2.json']);
    const third = startLocal(env);
    expect((await third.ready).profile).toBe('local');
    third.child.kill('SIGTERM');
    other.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(await other.exited).toBe(0);
    expect(existsSync(join(dir, 'emulators', 'local.json'))).toBe(false);
  });

  it('the claim of an emulator that died (SIGKILL) does not block the next one', async () => {
    const dir = tempDir('authapi-claim-');
    const env = { AUTHAPI_CONFIG_DIR: dir, HOME: dir };
    const first = startLocal(env);
    await first.ready;
    first.child.kill('SIGKILL');
    await first.exited;
    const next = startLocal(env);
    expect((await next.ready).profile).toBe('local');
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});
