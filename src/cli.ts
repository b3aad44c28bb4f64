// Builds the commander program from the command list and runs it. This is the ONE
// place that turns errors into exit codes and user-facing error lines.
import { CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { COMMAND_NAMES, commandOf as invokedCommand, firstWordAt } from './commands/command-word.js';
import type { ContextOptions } from './context.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import { buildProgram as buildProgramOf } from './program.js';
import { reportError, runSpec, type GlobalOptions } from './run-spec.js';
import { runAsProcess, systemIO, type IO } from './io.js';
import type { Command } from 'commander';

/** The program of every command (what `authapi` parses with). */
export function buildProgram(io: IO, onRun: (name: string, cmd: Command) => Promise<void>, only?: string): Command {
  return buildProgramOf(COMMANDS, io, onRun, only);
}

function oneLine(s: string): string {
  return s
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    // commander's "(Did you mean --json?)" reads as part of the sentence instead.
    .replace(/\s*\(Did you mean (.+?)\?\)/, ' — did you mean $1?')
    .trim();
}

/**
 * `authapi help nosuch` is the mistake `authapi nosuch` is (commander would print the
 * main help instead): the line is read as that, so the error and its "did you mean"
 * are the same.
 */
function helpForUnknown(argv: string[]): string[] {
  const at = firstWordAt(argv);
  if (at < 0 || argv[at] !== 'help') return argv;
  const topic = argv.slice(at + 1).find((a) => !a.startsWith('-'));
  if (topic === undefined || COMMAND_NAMES.includes(topic)) return argv;
  // `help help` is the main help, as `help` is.
  if (topic === 'help') return argv.slice(0, at + 1);
  return [...argv.slice(0, at), topic];
}

/**
 * Runs the CLI in-process and returns the exit code; never exits the process.
 * `argv` excludes `node` and the script path.
 */
export async function runCli(argv: string[], opts: ContextOptions = {}): Promise<ExitCodeValue> {
  argv = helpForUnknown(argv);
  const io = opts.io ?? systemIO(opts.env ?? process.env);
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  const program = buildProgram(io, async (name, cmd) => {
    const spec = COMMANDS.find((c) => c.name === name)!;
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    verbose = Boolean(globals.verbose);
    await runSpec(spec, io, globals, cmd.opts(), cmd.args, opts);
  }, invokedCommand(argv));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    if (!(err instanceof CommanderError)) return reportError(err, io, verbose);
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    // `authapi help [command]` printed help to stdout (exit code 0); bare `authapi`
    // printed it to stderr as a mistake (exit code 1 in commander's terms).
    if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    if (err.code === 'commander.executeSubCommandAsync') return ExitCode.USAGE;
    const name = invokedCommand(argv);
    io.stderr.write(`authapi: ${oneLine(err.message)} (see \`authapi${name ? ` ${name}` : ''} --help\`)\n`);
    return ExitCode.USAGE;
  }
}

/** Entry point of bin/authapi.js (through src/launch.ts): real process, real signals. */
export function main(argv = process.argv.slice(2)): Promise<void> {
  return runAsProcess((signal) => runCli(argv, { signal }));
}
