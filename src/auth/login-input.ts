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
  return password({ message, mask: true }, { input: io.stdin, output: io.stderr });
}

export async function promptText(io: IO, message: string): Promise<string> {
  const { input } = await loadModule<Prompts>('@inquirer/prompts');
  return input({ message, required: true }, { input: io.stdin, output: io.stderr });
}

export async function promptChoice<T extends string>(io: IO, message: string, choices: { value: T; name: string }[]): Promise<T> {
  const { select } = await loadModule<Prompts>('@inquirer/prompts');
  return select<T>({ message, choices }, { input: io.stdin, output: io.stderr });
}
