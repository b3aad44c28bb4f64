// Where `call` streams a large response body (src/http/client.ts streamBody): stdout,
// or the -o file — written whole or not at all, as output-file.ts does for a body
// held in memory: a regular file is written to a temp file beside it and renamed over
// it on success (its permissions kept), removed on failure; /dev/null, /dev/stdout or
// a FIFO are written straight. Each write resolves when the bytes are taken, so a
// slow disk or a slow pipe slows the download instead of filling memory.
import type { Writable } from 'node:stream';
import type { BodySink } from '../http/client.js';

export interface OutputSink extends BodySink {
  /** The body is complete: make it visible (rename the temp file). */
  commit(): Promise<void>;
  /** The body broke off: leave nothing half-written behind. */
  abort(): Promise<void>;
  /** The last byte written (to end a terminal's line), or undefined if none. */
  readonly lastByte: number | undefined;
}

export function stdoutSink(stdout: Writable): OutputSink {
  let last: number | undefined;
  return {
    write(chunk) {
      if (chunk.length) last = chunk[chunk.length - 1];
      // Resolved once written, not merely queued: the chunk's memory is reused after.
      return new Promise<void>((resolve, reject) => stdout.write(chunk, (err) => (err ? reject(err) : resolve())));
    },
    commit: async () => {},
    abort: async () => {},
    get lastByte() {
      return last;
    },
  };
}

export function fileSink(path: string): OutputSink {
  type Target = { fh: import('node:fs/promises').FileHandle; tmp?: string; final?: string; mode?: number };
  let target: Promise<Target> | undefined;
  let last: number | undefined;
  const open = async (): Promise<Target> => {
    const { promises: fsp } = await import('node:fs');
    const { createTemp } = await import('./atomic-write.js');
    let real: string | undefined;
    try {
      real = await fsp.realpath(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (real === undefined) {
      const { tmp, fh } = await createTemp(path, 0o666);
      return { fh, tmp, final: path };
    }
    const st = await fsp.stat(real);
    if (!st.isFile()) return { fh: await fsp.open(real, 'w') };
    const { tmp, fh } = await createTemp(real, st.mode & 0o777);
    return { fh, tmp, final: real, mode: st.mode & 0o777 };
  };
  return {
    async write(chunk) {
      const t = await (target ??= open());
      if (chunk.length) last = chunk[chunk.length - 1];
      await t.fh.write(chunk);
    },
    async commit() {
      const t = await (target ??= open());
      const { promises: fsp } = await import('node:fs');
      try {
        if (t.tmp) await t.fh.sync();
        await t.fh.close();
        if (t.tmp && t.final) {
          if (t.mode !== undefined) await fsp.chmod(t.tmp, t.mode);
          await fsp.rename(t.tmp, t.final);
        }
      } catch (err) {
        if (t.tmp) await fsp.unlink(t.tmp).catch(() => {});
        throw err;
      }
    },
    async abort() {
      if (!target) return;
      const t = await target.catch(() => undefined);
      if (!t) return;
      await t.fh.close().catch(() => {});
      if (t.tmp) await (await import('node:fs')).promises.unlink(t.tmp).catch(() => {});
    },
    get lastByte() {
      return last;
    },
  };
}
