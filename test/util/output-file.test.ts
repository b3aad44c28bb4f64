import { describe, expect, it } from 'vitest';
import { chmodSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeOutputFile } from '../../src/util/output-file.js';
import { tempDir } from '../helpers/cli.js';

const body = Buffer.from([0xff, 0x00, 0x0a, 0x80, 0x41]);

describe('call -o FILE', () => {
  it('a new file: written whole, with the umask\'s mode, and no temp file left behind', async () => {
    const dir = tempDir();
    const file = join(dir, 'out.bin');
    await writeOutputFile(file, body);
    expect(readFileSync(file).equals(body)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o666 & ~process.umask());
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('an existing file is replaced (not appended to or half-written) and keeps its permissions', async () => {
    const dir = tempDir();
    const file = join(dir, 'out.json');
    writeFileSync(file, 'a much longer old content that must not survive');
    chmodSync(file, 0o640);
    const before = statSync(file).ino;
    await writeOutputFile(file, body);
    expect(readFileSync(file).equals(body)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(statSync(file).ino).not.toBe(before); // a new file renamed into place
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('through a symlink: the file it points to is replaced, the link stays', async () => {
    const dir = tempDir();
    const target = join(dir, 'real.bin');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.bin');
    symlinkSync(target, link);
    await writeOutputFile(link, body);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  // Not tried on /dev/null itself: a regression would replace the machine's /dev/null.
  it('a FIFO (like /dev/null or /dev/stdout, not a regular file) is written straight, not renamed over', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    // node:fs has no mkfifo; the coreutils one is everywhere Linux is.
    await new Promise<void>((res, rej) => spawn('mkfifo', [fifo]).on('exit', (c) => (c === 0 ? res() : rej(new Error(`mkfifo exited ${c}`)))));
    const reader = new Promise<Buffer>((res) => {
      const chunks: Buffer[] = [];
      const cat = spawn('cat', [fifo]);
      cat.stdout.on('data', (c: Buffer) => chunks.push(c));
      cat.on('exit', () => res(Buffer.concat(chunks)));
    });
    await writeOutputFile(fifo, body);
    expect((await reader).equals(body)).toBe(true);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('a missing directory is an error, and nothing is created', async () => {
    const dir = tempDir();
    await expect(writeOutputFile(join(dir, 'nope', 'x.bin'), body)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
