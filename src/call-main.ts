// The fast entry for `authapi call` (dist/call.cjs): the command that sits in shell
// loops gets a bundle of its own, without commander and the other commands (measured:
// ~7 ms less start-up per call, with a smaller code cache). It reads the command line
// with src/commands/call-args.ts; anything that parser leaves alone (--help, an
// unknown flag, a mistake) goes to the full CLI unchanged, before any side effect.
import { callCommand } from './commands/call.js';
import { parseCallArgs, type ParsedCall } from './commands/call-args.js';
import type { ContextOptions } from './context.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import { runAsProcess, systemIO } from './io.js';
import { reportError, runSpec } from './run-spec.js';

/**
 * Runs `call` in-process and returns its exit code, or undefined when the command
 * line is one for the full CLI (src/cli.ts runCli).
 */
export async function runCallCli(argv: string[], opts: ContextOptions = {}): Promise<ExitCodeValue | undefined> {
  const parsed = parseCallArgs(argv);
  return parsed && runParsed(parsed, opts);
}

async function runParsed(parsed: ParsedCall, opts: ContextOptions): Promise<ExitCodeValue> {
  const io = opts.io ?? systemIO(opts.env ?? process.env);
  try {
    await runSpec(callCommand, io, parsed.globals, parsed.opts, [parsed.target], opts);
    return ExitCode.OK;
  } catch (err) {
    return reportError(err, io, Boolean(parsed.globals.verbose));
  }
}

/**
 * Entry point of dist/call.cjs, called by src/launch.ts with the way to run the full
 * CLI when this command line is not one for the fast path.
 */
export function main(argv: string[], fullCli: () => unknown): unknown {
  const parsed = parseCallArgs(argv);
  if (!parsed) return fullCli();
  return runAsProcess((signal) => runParsed(parsed, { signal }));
}
