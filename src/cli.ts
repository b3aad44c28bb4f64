// Builds the commander program from the command list and runs it. This is the ONE
// place that turns errors into exit codes and user-facing error lines.
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import { COMMAND_NAMES, commandOf as invokedCommand, firstWordAt } from './commands/command-word.js';
import { addOptions } from './commands/spec.js';
import type { ContextOptions } from './context.js';
import { EXIT_CODE_HELP, ExitCode, exitCodesHelp, type ExitCodeValue } from './errors.js';
import { reportError, runSpec, type GlobalOptions } from './run-spec.js';
import { runAsProcess, systemIO, type IO } from './io.js';
import { VERSION } from './version.js';

const MAIN_EXAMPLES = `
Examples:
  $ authapi local &                                  # start the embedded local stack (writes the "local" profile)
  $ authapi login --profile local -u demouser        # sign in with SRP; secrets go to the OS keychain
  $ authapi call no-auth --profile local             # guest route: API key only
  $ authapi call require-auth --profile local        # API key + SigV4 with your credentials
  $ authapi configure --from-outputs outputs.json --api-key KEY   # a deployed stack

Environment:
  AUTHAPI_PROFILE         profile to use (like --profile; default "default")
  AUTHAPI_CONFIG_DIR      config directory (default $XDG_CONFIG_HOME/authapi, or ~/.config/authapi)
  XDG_CONFIG_HOME, HOME   where that default is
  XDG_DATA_HOME           authapi local's state (default ~/.local/share/authapi/local)
  XDG_CACHE_HOME          code caches (default ~/.cache/authapi; LOCALAPPDATA on Windows)
  XDG_RUNTIME_DIR         the credentials agent's socket
  AUTHAPI_STORE=file      allow a 0600 file for secrets (like --insecure-storage)
  AUTHAPI_USERNAME        login: the username (like -u)
  AUTHAPI_PASSWORD        login: the password (prefer --password-stdin)
  AUTHAPI_MAX_ATTEMPTS    call, batch: attempts per request (AWS_MAX_ATTEMPTS too; default 3)
  AUTHAPI_AGENT=0         no credentials agent
  AUTHAPI_NO_CODE_CACHE=1 no V8 code cache
  NO_COLOR, FORCE_COLOR, TERM   colour on stderr (also --no-color)
  AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID, …   configure --from-stack: your own AWS credentials (the AWS CLI's chain)

${EXIT_CODE_HELP}
`;

/**
 * Builds the program. With `only`, just that command is registered: a `call` in a
 * shell loop should not pay for defining every other command's options.
 */
export function buildProgram(io: IO, onRun: (name: string, cmd: Command) => Promise<void>, only?: string): Command {
  const program = new Command('authapi')
    .description('Call APIs secured by AWS Cognito and IAM (SigV4) from the command line.')
    .version(VERSION, '-V, --version', 'Print the version');
  addOptions(program, GLOBAL_OPTIONS);
  program
    .helpOption('-h, --help', 'Show help')
    .helpCommand('help [command]', 'Show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are printed by runCli, as one line in our format.
      outputError: () => {},
    })
    .addHelpText('after', MAIN_EXAMPLES);

  for (const spec of COMMANDS) {
    if (only !== undefined && spec.name !== only) continue;
    const cmd = program
      .command(spec.args ? `${spec.name} ${spec.args}` : spec.name)
      .summary(capitalise(spec.summary))
      .description(capitalise(spec.description ?? spec.summary));
    spec.define(cmd);
    polishOptions(cmd);
    cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n\n${exitCodesHelp(spec.exitCodes, spec.exitNote)}\n`);
    cmd.action(async (...args: unknown[]) => onRun(spec.name, args[args.length - 1] as Command));
  }
  polishOptions(program);
  return program;
}

/** Help text starts with a capital, as gh's and the AWS CLI's do. */
function capitalise(s: string): string {
  return s.replace(/^[a-z]/, (c) => c.toUpperCase());
}

/** Option help, alike everywhere: capitalised, and a default shown as typed (30, not "30"). */
function polishOptions(cmd: Command): void {
  for (const o of cmd.options) {
    o.description = capitalise(o.description);
    if (typeof o.defaultValue === 'string' && o.defaultValueDescription === undefined) o.defaultValueDescription = o.defaultValue;
  }
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
