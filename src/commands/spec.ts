// A command is data (wrangler's idea): its name, help, examples and options, plus
// a run function that receives the injected Context and the parsed options.
// Option parsing and validation happen before run, and run validates anything
// else before its first side effect. Heavy modules are imported inside run.
import type { Command } from 'commander';
import type { Context } from '../context.js';

export interface CommandSpec<Opts = Record<string, unknown>> {
  name: string;
  /** Positional arguments in commander syntax, e.g. "<target>" or "[shell]". */
  args?: string;
  summary: string;
  /** Longer help shown above the options (optional). */
  description?: string;
  /** Shown under "Examples:" in --help; one command line each, with an optional "# comment". */
  examples: string[];
  /** The exit codes this command can return (its --help lists these only). */
  exitCodes: readonly number[];
  /** A line under them, for a command with a rule of its own. */
  exitNote?: string;
  /** Adds the command's options (and subcommand-specific parsing) to commander. */
  define(cmd: Command): void;
  run(ctx: Context, opts: Opts, args: string[]): Promise<void>;
}

export function defineCommand<Opts>(spec: CommandSpec<Opts>): CommandSpec<Opts> {
  return spec;
}

/**
 * An option as data, for the commands whose command line is also read without
 * commander (src/commands/call-args.ts reads call's and the global ones).
 */
export interface OptionSpec {
  /** Commander syntax: "-X, --request <method>", "--guest", "--no-color". */
  flags: string;
  description: string;
  /** May be given many times; the values collect into an array. */
  repeatable?: boolean;
  default?: string;
  /** The only values accepted (commander refuses others; shell completion offers them). */
  choices?: readonly string[];
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function addOptions(cmd: Command, options: readonly OptionSpec[]): void {
  for (const o of options) {
    // createOption: this module does not import commander's runtime (the fast `call` bundle has none).
    if (o.choices) cmd.addOption(cmd.createOption(o.flags, o.description).choices([...o.choices]));
    else if (o.repeatable) cmd.option(o.flags, o.description, collect);
    else if (o.default !== undefined) cmd.option(o.flags, o.description, o.default);
    else cmd.option(o.flags, o.description);
  }
}
