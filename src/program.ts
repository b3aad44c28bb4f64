// The commander program built from a command list: global options, help, examples,
// the exit-code table. Its own module, taking the list as an argument, so that
// `completion` (one of the commands) can build the very program authapi parses with
// without importing the list that imports it.
import { Command } from 'commander';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import { addOptions, type CommandSpec } from './commands/spec.js';
import { EXIT_CODE_HELP, exitCodesHelp } from './errors.js';
import type { IO } from './io.js';
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
  BROWSER                 login --browser: the command that opens the sign-in page (default: the platform's opener)
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY   proxies, as curl reads them (lower-case too; docs/network.md)
  AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS  extra certificate authorities to trust
  AUTHAPI_TIMEOUT         seconds per attempt for the User Pool, Identity Pool and JWKS requests (0 = none)
  AUTHAPI_NO_CODE_CACHE=1 no V8 code cache
  NO_COLOR, FORCE_COLOR, TERM   colour on stderr (also --no-color)
  AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID, …   configure --from-stack: your own AWS credentials (the AWS CLI's chain)

${EXIT_CODE_HELP}
`;

/**
 * Builds the program. With `only`, just that command is registered: a `call` in a
 * shell loop should not pay for defining every other command's options.
 */
export function buildProgram(
  commands: readonly CommandSpec<any>[], io: IO, onRun: (name: string, cmd: Command) => Promise<void>, only?: string,
): Command {
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

  for (const spec of commands) {
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

