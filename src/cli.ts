// Builds the commander program from the command list and runs it. This is the ONE
// place that turns errors into exit codes and user-facing error lines.
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { createContext, type ContextOptions } from './context.js';
import { EXIT_CODE_HELP, ExitCode, InterruptedError, SilentExit, UserError, exitCodeFor, type ExitCodeValue } from './errors.js';
import { systemIO, type IO } from './io.js';
import { VERSION } from './version.js';

const MAIN_EXAMPLES = `
Examples:
  $ authapi local &                                  # start the embedded local stack (writes the "local" profile)
  $ authapi login --profile local -u demouser        # sign in with SRP; secrets go to the OS keychain
  $ authapi call no-auth --profile local             # guest route: API key only
  $ authapi call require-auth --profile local        # API key + SigV4 with your credentials
  $ authapi configure --from-outputs outputs.json --api-key KEY   # a deployed stack

Environment:
  AUTHAPI_PROFILE      profile to use (like --profile)
  AUTHAPI_CONFIG_DIR   config directory (default $XDG_CONFIG_HOME/authapi or ~/.config/authapi)
  NO_COLOR             disable colour

${EXIT_CODE_HELP}
`;

/**
 * The command a run is for: the first positional argument, when it names one.
 * Global options that take a value are skipped with their value.
 */
export function invokedCommand(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-p' || a === '--profile') {
      i++;
      continue;
    }
    if (a === '--') return undefined;
    if (a.startsWith('-')) continue;
    return COMMANDS.some((c) => c.name === a) ? a : undefined;
  }
  return undefined;
}

/**
 * Builds the program. With `only`, just that command is registered: a `call` in a
 * shell loop should not pay for defining every other command's options.
 */
export function buildProgram(io: IO, onRun: (name: string, cmd: Command) => Promise<void>, only?: string): Command {
  const program = new Command('authapi')
    .description('Call APIs secured by AWS Cognito and IAM (SigV4) from the command line.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('-p, --profile <name>', 'profile to use (default: $AUTHAPI_PROFILE or "default")')
    .option('-v, --verbose', 'trace requests on stderr (secrets redacted) and show stack traces of bugs')
    .option('--no-color', 'no ANSI colours (NO_COLOR=1 works too)')
    .option('--insecure-storage', 'allow a plaintext 0600 file for secrets when no OS keychain is usable (AUTHAPI_STORE=file works too)')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
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
      .summary(spec.summary)
      .description(spec.description ?? spec.summary);
    spec.define(cmd);
    cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n\n${EXIT_CODE_HELP}\n`);
    cmd.action(async (...args: unknown[]) => onRun(spec.name, args[args.length - 1] as Command));
  }
  return program;
}

function oneLine(s: string): string {
  return s.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs the CLI in-process and returns the exit code; never exits the process.
 * `argv` excludes `node` and the script path.
 */
export async function runCli(argv: string[], opts: ContextOptions = {}): Promise<ExitCodeValue> {
  const io = opts.io ?? systemIO(opts.env ?? process.env);
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  const program = buildProgram(io, async (name, cmd) => {
    const spec = COMMANDS.find((c) => c.name === name)!;
    const globals = cmd.optsWithGlobals() as { profile?: string; verbose?: boolean; color?: boolean; insecureStorage?: boolean };
    verbose = Boolean(globals.verbose);
    if (globals.color === false) io.color = false;
    const ctx = createContext({
      ...opts,
      io,
      profile: globals.profile ?? opts.profile,
      verbose,
      insecureStorage: globals.insecureStorage || opts.insecureStorage,
    });
    await spec.run(ctx, cmd.opts(), cmd.args);
  }, invokedCommand(argv));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    return report(err, io, verbose, argv);
  }
}

function report(err: unknown, io: IO, verbose: boolean, argv: string[]): ExitCodeValue {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    // Bare `authapi` (or a command group without a verb) printed help to stderr.
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return ExitCode.USAGE;
    const name = invokedCommand(argv);
    io.stderr.write(`authapi: ${oneLine(err.message)} (see \`authapi${name ? ` ${name}` : ''} --help\`)\n`);
    return ExitCode.USAGE;
  }
  if (err instanceof SilentExit) return err.exitCode;
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

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return String(cause);
}

/** Entry point of bin/authapi.js: real process, real signals. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
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
  const code = await runCli(argv, { signal: controller.signal });
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.exitCode = code;
  // A keychain call that timed out may leave a native handle alive; once our output
  // is flushed there is nothing left to wait for.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
