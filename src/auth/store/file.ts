// Plaintext file backend, used only when the user allowed it (--insecure-storage,
// AUTHAPI_STORE=file or `"store": "file"` in the profile; see choose.ts). One file per
// item, mode 0600, in a directory of mode 0700 — so two processes writing different
// profiles never race on one shared file. Writes are atomic (temp file in the same
// 0700 directory, created 0600, then renamed): a reader never sees half a secret.
import { chmod, mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { SecretStore } from './types.js';

/** Item key → file name: keep [A-Za-z0-9._-], percent-encode the rest ("/" included). */
export function fileNameFor(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export class FileStore implements SecretStore {
  readonly name: string;
  readonly kind = 'file' as const;
  private ready?: Promise<void>;

  constructor(readonly dir: string) {
    this.name = `file (${dir})`;
  }

  /** Creates the directory 0700, or tightens an existing one that others could read. */
  private ensureDir(): Promise<void> {
    return (this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const st = await stat(this.dir);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) await chmod(this.dir, 0o700);
    })());
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, fileNameFor(key)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.ensureDir();
    await writeFileAtomic(join(this.dir, fileNameFor(key)), value, 0o600);
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(join(this.dir, fileNameFor(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
