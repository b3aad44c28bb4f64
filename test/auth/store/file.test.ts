import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore, fileNameFor } from '../../../src/auth/store/file.js';
import { tempDir } from '../../helpers/cli.js';

describe('FileStore', () => {
  it('writes each item as its own 0600 file in a 0700 directory, and reads it back', async () => {
    const dir = join(tempDir(), 'secrets');
    const f = new FileStore(dir);
    await f.set('local/session', 'secret-value');
    expect(await f.get('local/session')).toBe('secret-value');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['local%2Fsession']);
    expect(statSync(join(dir, 'local%2Fsession')).mode & 0o777).toBe(0o600);
    expect(f.name).toBe(`file (${dir})`);
  });

  it('tightens a directory others could read', async () => {
    const dir = join(tempDir(), 'secrets');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    await new FileStore(dir).set('k', 'v');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('absent items read as undefined and delete quietly; no temp files are left behind', async () => {
    const dir = join(tempDir(), 'secrets');
    const f = new FileStore(dir);
    expect(await f.get('nope')).toBeUndefined();
    await f.delete('nope');
    await f.set('a', '1');
    await f.set('a', '2');
    await f.delete('a');
    expect(await f.get('a')).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('file names keep safe characters and percent-encode the rest', () => {
    expect(fileNameFor('prod-eu/session.a.1')).toBe('prod-eu%2Fsession.a.1');
    expect(fileNameFor('../x')).toBe('..%2Fx');
    expect(fileNameFor('a b%')).toBe('a%20b%25');
  });
});
