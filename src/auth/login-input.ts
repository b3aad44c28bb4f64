// Getting secrets from the person or the pipeline: stdin lines (--password-stdin),
// hidden prompts on stderr (@inquirer/prompts, imported only when a prompt is really
// shown), and the rule that nothing ever prompts without a TTY — the caller turns
// that into a UsageError naming the flag to use.
import type { Readable } from 'node:stream';
import type { IO } from '../io.js';
import { loadModule } from '../util/lazy-load.js';

type Prompts = typeof import('@inquirer/prompts');

/** Reads stdin one line at a time (without the line ending), undefined at EOF. */
export function lineReader(stdin: Readable): () => Promise<string | undefined> {
  let buffer = '';
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  stdin.setEncoding?.('utf8');
  stdin.on('data', (chunk: string | Buffer) => {
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    wake();
  });
  stdin.on('end', () => {
    ended = true;
    wake();
  });
  stdin.on('error', () => {
    ended = true;
    wake();
  });
  return async () => {
    for (;;) {
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (!buffer && !ended) stdin.pause();
        return line;
      }
      if (ended) {
        if (!buffer) return undefined;
        const line = buffer.replace(/\r$/, '');
        buffer = '';
        return line;
      }
      stdin.resume();
      await new Promise<void>((r) => waiters.push(r));
    }
  };
}

/** A hidden prompt on stderr; Ctrl-C comes back as an InterruptedError-like rejection. */
export async function promptSecret(io: IO, message: string): Promise<string> {
  const { password } = await loadModule<Prompts>('@inquirer/prompts');
  // No mask: nothing per character (a * each would tell the length), as sudo and ssh do.
  return password({ message, mask: false }, { input: io.stdin, output: io.stderr });
}

export async function promptText(io: IO, message: string): Promise<string> {
  const { input } = await loadModule<Prompts>('@inquirer/prompts');
  return input({ message, required: true }, { input: io.stdin, output: io.stderr });
}

export async function promptChoice<T extends string>(io: IO, message: string, choices: { value: T; name: string }[]): Promise<T> {
  const { select } = await loadModule<Prompts>('@inquirer/prompts');
  return select<T>({ message, choices }, { input: io.stdin, output: io.stderr });
}

/**
 * `--password-stdin` when stdin is a terminal: a person is typing, so say what is read
 * (stderr) and read each line with echo off, as `docker login --password-stdin` does
 * not and should. `names` label the lines in order (password, new password).
 */
export function hiddenLineReader(io: IO, names: string[]): () => Promise<string | undefined> {
  let n = 0;
  return async () => {
    const name = names[Math.min(n++, names.length - 1)]!;
    io.stderr.write(`authapi: --password-stdin: type the ${name} here (it is not shown), then Enter: `);
    try {
      return await readHiddenLine(io.stdin as NodeJS.ReadStream);
    } finally {
      io.stderr.write('\n');
    }
  };
}

/** One line from a terminal in raw mode (no echo): Backspace edits, Ctrl-C interrupts, Ctrl-D on nothing is end of input. */
function readHiddenLine(tty: NodeJS.ReadStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let line = '';
    const wasRaw = tty.isRaw;
    tty.setRawMode?.(true);
    const done = (fn: () => void) => {
      tty.off('data', onData);
      tty.setRawMode?.(wasRaw ?? false);
      tty.pause();
      fn();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(line));
        if (ch === '\u0003') return done(() => reject(Object.assign(new Error('interrupted'), { name: 'ExitPromptError' })));
        if (ch === '\u0004') {
          if (line === '') return done(() => resolve(undefined));
          continue;
        }
        if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
        else if (ch >= ' ') line += ch;
      }
    };
    tty.on('data', onData);
    tty.resume();
  });
}
