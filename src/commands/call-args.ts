// The `call` command line read without commander, for the fast entry (src/call-main.ts):
// a `call` in a shell loop should not load and run 125 KB of option parser each time.
// It accepts a deliberately small grammar — the global options and call's own, as
// `--name value`, `--name=value`, `-X value` or `-Xvalue`, and exactly one TARGET — and
// answers undefined for everything else (help, --version, unknown or combined flags,
// `--`, a missing value, a stray argument). The caller then runs the full CLI, so any
// unusual command line is parsed, and refused, exactly as before. Where this parser
// accepts a line it must agree with commander: test/commands/call-args.test.ts
// compares the two on every form it accepts.
import { CALL_OPTIONS, type CallOptions } from './call.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import type { OptionSpec } from './spec.js';
import type { GlobalOptions } from '../run-spec.js';

export interface ParsedCall {
  target: string;
  opts: CallOptions;
  globals: GlobalOptions;
}

interface OptionDef {
  /** The key commander stores the value under (camelCase, without "no-"). */
  key: string;
  takesValue: boolean;
  repeatable: boolean;
  /** --no-x stores false. */
  negated: boolean;
  /** A program-wide option (accepted before and after `call`). */
  global: boolean;
  default?: string;
  choices?: readonly string[];
}

interface Tables {
  long: Map<string, OptionDef>;
  short: Map<string, OptionDef>;
}

let tables: Tables | undefined;

/** Lookup tables from the option lists commander is given too. */
function optionTables(): Tables {
  if (tables) return tables;
  const long = new Map<string, OptionDef>();
  const short = new Map<string, OptionDef>();
  const add = (specs: readonly OptionSpec[], global: boolean) => {
    for (const o of specs) {
      const m = /^(?:(-[A-Za-z]), )?--([a-z][a-z-]*)(?: <[^>]+>)?$/.exec(o.flags);
      if (!m) throw new Error(`call-args: cannot read the option flags ${JSON.stringify(o.flags)}`);
      const negated = m[2]!.startsWith('no-');
      const name = negated ? m[2]!.slice(3) : m[2]!;
      const def: OptionDef = {
        key: name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
        takesValue: o.flags.endsWith('>'),
        repeatable: Boolean(o.repeatable),
        negated,
        global,
        default: o.default,
        choices: o.choices,
      };
      long.set(`--${m[2]}`, def);
      if (m[1]) short.set(m[1], def);
    }
  };
  add(GLOBAL_OPTIONS, true);
  add(CALL_OPTIONS, false);
  return (tables = { long, short });
}

type Values = Record<string, string | string[] | boolean>;

/**
 * Reads one option at argv[i] if `lookup` knows it: the index of the last argument it
 * used, 'unknown' if it is not one of these options, or 'bail' for a form left to
 * commander (combined flags, a flag given a value, a value missing).
 */
function readOption(argv: readonly string[], i: number, lookup: (flag: string) => OptionDef | undefined, values: Values): number | 'unknown' | 'bail' {
  const arg = argv[i]!;
  let def: OptionDef | undefined;
  let inline: string | undefined;
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    def = lookup(eq < 0 ? arg : arg.slice(0, eq));
    if (eq >= 0) inline = arg.slice(eq + 1);
  } else {
    def = lookup(arg.slice(0, 2));
    if (def && arg.length > 2) {
      if (!def.takesValue) return 'bail'; // -iv: a group of flags
      inline = arg.slice(2); // -XPOST is -X POST
    }
  }
  if (!def) return 'unknown';
  if (!def.takesValue) {
    if (inline !== undefined) return 'bail';
    values[def.key] = !def.negated;
    return i;
  }
  let value = inline;
  if (value === undefined) {
    if (i + 1 >= argv.length) return 'bail'; // commander reports the missing value
    value = argv[++i]!; // taken whatever it looks like, as commander does
  }
  if (def.choices && !def.choices.includes(value)) return 'bail'; // commander words the refusal
  values[def.key] = def.repeatable ? [...((values[def.key] as string[] | undefined) ?? []), value] : value;
  return i;
}

const looksLikeOption = (arg: string) => arg.length > 1 && arg.startsWith('-');

/**
 * The parsed `call` command line, or undefined when the full CLI must handle it.
 * Two passes, as commander makes them: the program takes its (global) options from
 * anywhere on the line first — even where a call option expected its value — and
 * `call` then reads what is left.
 */
export function parseCallArgs(argv: readonly string[]): ParsedCall | undefined {
  const { long, short } = optionTables();
  const find = (flag: string) => (flag.startsWith('--') ? long.get(flag) : short.get(flag));
  const globalOf = (flag: string) => {
    const d = find(flag);
    return d?.global ? d : undefined;
  };
  const callOf = (flag: string) => {
    const d = find(flag);
    return d && !d.global ? d : undefined;
  };

  // Pass 1: global options anywhere. The command is the first argument that is
  // neither an option nor after an unknown one (commander's operands).
  const globalValues: Values = {};
  const rest: string[] = [];
  let operandsEnded = false;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (looksLikeOption(arg)) {
      const r = readOption(argv, i, globalOf, globalValues);
      if (r === 'bail') return undefined;
      if (r !== 'unknown') {
        i = r;
        continue;
      }
      operandsEnded = true;
      rest.push(arg);
      continue;
    }
    if (command === undefined) {
      if (operandsEnded) return undefined; // no command before the first unknown option
      command = arg;
      continue;
    }
    rest.push(arg);
  }
  if (command !== 'call') return undefined;

  // Pass 2: call's own options; exactly one TARGET.
  const values: Values = {};
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!looksLikeOption(arg)) {
      positionals.push(arg);
      continue;
    }
    const r = readOption(rest, i, callOf, values);
    if (typeof r !== 'number') return undefined; // unknown to call too, or a form left to commander
    i = r;
  }
  if (positionals.length !== 1) return undefined;

  const globals: GlobalOptions = { color: globalValues.color !== false };
  if (globalValues.profile !== undefined) globals.profile = globalValues.profile as string;
  if (globalValues.verbose) globals.verbose = true;
  if (globalValues.insecureStorage) globals.insecureStorage = true;
  const opts: Record<string, unknown> = {};
  for (const d of long.values()) if (!d.global && d.default !== undefined) opts[d.key] = d.default;
  return { target: positionals[0]!, opts: { ...opts, ...values } as CallOptions, globals };
}
