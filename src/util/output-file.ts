// `call -o FILE`: the response body goes to FILE whole or not at all. A regular file
// (new, or replaced keeping its permissions; through a symlink, the file it points
// to) is written atomically (atomic-write.ts). Anything else — /dev/null,
// /dev/stdout, a FIFO — cannot be replaced by a rename and is written straight, as
// curl does.
import { promises as fsp } from 'node:fs';
import { replaceFile } from './atomic-write.js';

export async function writeOutputFile(path: string, data: Uint8Array): Promise<void> {
  let real: string;
  try {
    real = await fsp.realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await replaceFile(path, data); // a new file
    return;
  }
  const st = await fsp.stat(real);
  if (!st.isFile()) {
    await fsp.writeFile(real, data);
    return;
  }
  await replaceFile(real, data, st.mode & 0o777);
}
