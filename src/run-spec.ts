// Running one command and turning how it ended into an exit code: shared by the full
// CLI (src/cli.ts, commander) and the fast `call` entry (src/call-main.ts), so both
// build the context and report errors exactly alike.
import type { CommandSpec } from './commands/spec.js';
import { createContext, type ContextOptions } from './context.js';
import { SilentExit, UsageError, UserError, exitCodeFor, interruptOf, type ExitCodeValue } from './errors.js';
import type { IO } from './io.js';

/** The program-wide options, as commander's optsWithGlobals() has them. */
export interface GlobalOptions {
  profile?: string;
  verbose?: boolean;
  /** false with --no-color. */
  color?: boolean;
  insecureStorage?: boolean;
}

export async function runSpec<Opts>(
  spec: CommandSpec<Opts>, io: IO, globals: GlobalOptions, cmdOpts: Opts, args: string[], opts: ContextOptions,
): Promise<void> {
  if (globals.color === false) io.color = false;
  if (globals.profile === '') throw new UsageError('--profile needs a profile name', 'list them with `authapi configure --list`');
  const ctx = createContext({
    ...opts,
    io,
    profile: globals.profile ?? opts.profile,
    verbose: Boolean(globals.verbose),
    insecureStorage: globals.insecureStorage || opts.insecureStorage,
  });
  await spec.run(ctx, cmdOpts, args);
}

/** One line on stderr for what went wrong (a stack only with --verbose), and the exit code. */
export function reportError(err: unknown, io: IO, verbose: boolean): ExitCodeValue {
  if (err instanceof SilentExit) return err.exitCode;
  err = interruptOf(err) ?? err;
  if (err instanceof UserError) {
    const line = err.hint ? `authapi: ${err.message} — ${err.hint}` : `authapi: ${err.message}`;
    io.stderr.write(io.redactor.redact(line) + '\n');
    if (verbose && err.cause) io.stderr.write(io.redactor.redact(`caused by: ${describeCause(err.cause)}`) + '\n');
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(io.redactor.redact(`authapi: unexpected error: ${message}`) + '\n');
  if (verbose && err instanceof Error && err.stack) io.stderr.write(io.redactor.redact(err.stack) + '\n');
  else io.stderr.write('authapi: this is a bug; run again with --verbose for the stack trace and report it\n');
  return exitCodeFor(err);
}

/** What caused a user's error, in one line: a stack trace is for bugs only. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}${(cause as NodeJS.ErrnoException).code ? ` (${(cause as NodeJS.ErrnoException).code})` : ''}`;
  return String(cause);
}
