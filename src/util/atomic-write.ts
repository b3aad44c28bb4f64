// Writes a file so that readers see the old content or the new, never half of it:
// a temp file in the same directory (same filesystem), fsync, then rename. The
// mode is set at creation, so a secret is never readable by others, not even briefly.
// The temp name need not be unpredictable: it is created with O_EXCL ('wx'), which
// fails on anything already there, symlinks included, and a clash is retried.
// fs.promises and Math.random rather than node:fs/promises and node:crypto: this
// module is loaded (not called) by every `call`, and those two cost its start-up.
import { promises as fsp } from 'node:fs';
import { dirname, basename, join } from 'node:path';

export async function createTemp(path: string, mode: number): Promise<{ tmp: string; fh: import('node:fs/promises').FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
    try {
      return { tmp, fh: await fsp.open(tmp, 'wx', mode) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceFile(path, data, mode);
}

/**
 * The same, in a directory that must already exist. Without `mode` a new file gets
 * what the umask allows (0666 & ~umask), as any file a shell command creates.
 */
export async function replaceFile(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const { tmp, fh } = await createTemp(path, mode ?? 0o666);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await fsp.unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    if (mode !== undefined) await fsp.chmod(tmp, mode); // umask may have narrowed or (rarely) the fs ignored the open mode
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => {});
    throw err;
  }
}
