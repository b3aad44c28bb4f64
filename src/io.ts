// One IO object for every command: stdout carries data only, stderr carries
// messages, progress and prompts. Real streams in production (systemIO), buffers
// in tests (testIO). Colour follows NO_COLOR, --no-color and whether stderr is a TTY.
import { PassThrough, Writable, type Readable } from 'node:stream';
import { ExitCode, InterruptedError, type ExitCodeValue } from './errors.js';
import { Redactor } from './redact.js';

export interface IO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** ANSI colour on stderr. */
  color: boolean;
  verbose: boolean;
  redactor: Redactor;
  /** Write data to stdout (as is). */
  out(data: string | Uint8Array): void;
  /** A message line to stderr. */
  info(line: string): void;
  warn(line: string): void;
  /** A --verbose trace line, redacted. Silent without --verbose. */
  debug(line: string): void;
  /** Prompts only when a person is there: stdin and stderr are TTYs. */
  canPrompt(): boolean;
}

const paint = (on: boolean, code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/**
 * How StreamIO gets its streams and learns which are terminals: on first use, so a
 * run that never reads stdin never opens it, and `--help` does not load node:tty.
 */
interface Streams {
  stdin(): Readable;
  stdout(): Writable;
  stderr(): Writable;
  /** Whether fd 0, 1 or 2 is a terminal. */
  isTTY(fd: 0 | 1 | 2): boolean;
  /** Colour on stderr, given whether it is a terminal (NO_COLOR, FORCE_COLOR, TERM). */
  wantsColor(stderrIsTTY: boolean): boolean;
}

class StreamIO implements IO {
  readonly redactor = new Redactor();
  private opened: Partial<{ stdin: Readable; stdout: Writable; stderr: Writable }> = {};
  private tty: Array<boolean | undefined> = [];
  private colorSet?: boolean;
  constructor(
    private readonly streams: Streams,
    public verbose = false,
  ) {}

  private isTTY(fd: 0 | 1 | 2): boolean {
    return (this.tty[fd] ??= this.streams.isTTY(fd));
  }
  get stdinIsTTY(): boolean {
    return this.isTTY(0);
  }
  get stdoutIsTTY(): boolean {
    return this.isTTY(1);
  }
  get stderrIsTTY(): boolean {
    return this.isTTY(2);
  }
  get color(): boolean {
    return (this.colorSet ??= this.streams.wantsColor(this.stderrIsTTY));
  }
  set color(on: boolean) {
    this.colorSet = on;
  }

  // Node builds process.stdin/stdout lazily too, and building one costs a `call` up to
  // a few ms (a file stdin is an fs.ReadStream, a TTY loads tty); ask only when used.
  get stdin(): Readable {
    return (this.opened.stdin ??= this.streams.stdin());
  }
  get stdout(): Writable {
    return (this.opened.stdout ??= this.streams.stdout());
  }
  get stderr(): Writable {
    return (this.opened.stderr ??= this.streams.stderr());
  }

  out(data: string | Uint8Array): void {
    this.stdout.write(data);
  }
  info(line: string): void {
    this.stderr.write(this.redactor.redact(line) + '\n');
  }
  warn(line: string): void {
    this.stderr.write(paint(this.color, 33, 'warning: ') + this.redactor.redact(line) + '\n');
  }
  debug(line: string): void {
    if (this.verbose) this.stderr.write(paint(this.color, 2, `debug: ${this.redactor.redact(line)}`) + '\n');
  }
  canPrompt(): boolean {
    return this.stdinIsTTY && this.stderrIsTTY;
  }
}

export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function systemIO(env: NodeJS.ProcessEnv = process.env): IO {
  return new StreamIO({
    stdin: () => process.stdin,
    stdout: () => process.stdout,
    stderr: () => process.stderr,
    isTTY: (fd) => (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(fd),
    wantsColor: (errTTY) => wantsColor(env, errTTY),
  });
}

/**
 * The real process around a run of the CLI, for both entries (src/cli.ts and
 * src/call-main.ts): Ctrl-C and SIGTERM abort the run (a second Ctrl-C stops at
 * once), a closed stdout pipe ends it quietly, and the process exits with the run's
 * code once stdout and stderr are flushed.
 */
export async function runAsProcess(run: (signal: AbortSignal) => Promise<ExitCodeValue>): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(ExitCode.INTERRUPTED); // a second Ctrl-C: stop now
    controller.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed pipe (e.g. `authapi call … | head -c1`) is not an error worth a stack.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  // On Node 20 the AWS SDK prints a multi-line deprecation notice whenever a client
  // is built; stderr is for our messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const code = await run(controller.signal);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.exitCode = code;
  // A keychain call that timed out may leave a native handle alive; once our output
  // is flushed there is nothing left to wait for.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

export interface TestIO extends IO {
  stdoutText(): string;
  stderrText(): string;
  stdoutBytes(): Buffer;
}

/** Buffers instead of streams, for in-process tests. `stdin` gets `input` then ends. */
export function testIO(opts: { input?: string | Buffer; tty?: boolean; verbose?: boolean } = {}): TestIO {
  const stdin = new PassThrough();
  if (opts.input !== undefined) stdin.end(opts.input);
  else stdin.end();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  // Plain Writables collect synchronously, so a test can read the text right after the run.
  const collect = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  const stdout = collect(outChunks);
  const stderr = collect(errChunks);
  const tty = opts.tty ?? false;
  const io = new StreamIO(
    { stdin: () => stdin, stdout: () => stdout, stderr: () => stderr, isTTY: () => tty, wantsColor: () => false },
    opts.verbose ?? false,
  ) as StreamIO & TestIO;
  io.stdoutText = () => Buffer.concat(outChunks).toString('utf8');
  io.stderrText = () => Buffer.concat(errChunks).toString('utf8');
  io.stdoutBytes = () => Buffer.concat(outChunks);
  return io;
}
