import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { StateDir, StateDirError, STATE_FILES } from '../../src/local/state.js';
import { tempDir } from '../helpers/cli.js';

describe('StateDir', () => {
  test('creates a private dir and tightens an existing one', () => {
    const fresh = join(tempDir(), 'a', 'b');
    StateDir.open(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const loose = tempDir();
    chmodSync(loose, 0o755);
    StateDir.open(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  test('writes 0600 JSON atomically and reads it back; missing files read as undefined', () => {
    const dir = tempDir();
    const s = StateDir.open(dir);
    expect(s.read(STATE_FILES.idp)).toBeUndefined();
    s.write(STATE_FILES.idp, { a: 1 });
    s.write(STATE_FILES.idp, { a: 2 });
    expect(s.read(STATE_FILES.idp)).toEqual({ a: 2 });
    expect(statSync(join(dir, STATE_FILES.idp)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual([STATE_FILES.idp, 'emulator.pid']); // no temp files left
    s.release();
    expect(readdirSync(dir)).toEqual([STATE_FILES.idp]);
  });

  test('an existing file with loose permissions is replaced by a 0600 one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILES.secrets), '{}', { mode: 0o644 });
    StateDir.open(dir).write(STATE_FILES.secrets, { x: 1 });
    expect(statSync(join(dir, STATE_FILES.secrets)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, STATE_FILES.secrets), 'utf8'))).toEqual({ x: 1 });
  });

  test('errors name the path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILES.identities), 'nope');
    const opened = StateDir.open(dir);
    expect(() => opened.read(STATE_FILES.identities)).toThrow(new StateDirError(`${join(dir, STATE_FILES.identities)} is not valid JSON; remove it (or the whole state dir) to start afresh`));
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    expect(() => StateDir.open(join(file, 'sub'))).toThrow(/^cannot use state dir .*file\/sub: /);
    mkdirSync(join(dir, STATE_FILES.credentials));
    expect(() => opened.read(STATE_FILES.credentials)).toThrow(/cannot read .*credentials\.json/);
  });
});
