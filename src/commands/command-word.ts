// Which command a command line is for, read the way commander reads it: global
// options may come before the command, with their values (`--profile local`,
// `--profile=local`, `-p local`, `-plocal`, `-vp local`), so the command is the first
// word that is neither an option nor an option's value. The launcher (src/launch.ts)
// picks the bundle and the code cache with it, src/cli.ts which command to define:
// both must agree, and with commander, whatever the order of the options.
import { GLOBAL_OPTIONS } from './global-options.js';

/** Every command name: the launcher cannot import the commands themselves (start-up). */
export const COMMAND_NAMES: readonly string[] = ['configure', 'login', 'logout', 'status', 'call', 'batch', 'credentials', 'completion', 'local'];

interface Flags {
  /** Long options (`--profile`) → whether they take a value. */
  long: Map<string, boolean>;
  /** Short letters (`p`) → whether they take a value. */
  short: Map<string, boolean>;
}

let flags: Flags | undefined;

function globalFlags(): Flags {
  if (flags) return flags;
  flags = { long: new Map(), short: new Map() };
  for (const o of GLOBAL_OPTIONS) {
    const takesValue = /<[^>]+>$/.test(o.flags);
    for (const f of o.flags.split(/[ ,]+/)) {
      if (f.startsWith('--')) flags.long.set(f, takesValue);
      else if (/^-[A-Za-z]$/.test(f)) flags.short.set(f[1]!, takesValue);
    }
  }
  return flags;
}

/**
 * Where the first word of `argv` that is not a global option or its value is, or -1
 * (none, `--` first, or an unknown option first — commander then refuses the line).
 */
export function firstWordAt(argv: readonly string[]): number {
  const { long, short } = globalFlags();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return -1;
    if (a.length < 2 || !a.startsWith('-')) return i;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const takesValue = long.get(eq < 0 ? a : a.slice(0, eq));
      if (takesValue === undefined) return -1;
      if (takesValue && eq < 0) i++;
      continue;
    }
    // A group of short flags: the first one that takes a value takes the rest of the
    // group, or the next word when it ends the group.
    for (let k = 1; k < a.length; k++) {
      const takesValue = short.get(a[k]!);
      if (takesValue === undefined) return -1;
      if (takesValue) {
        if (k === a.length - 1) i++;
        break;
      }
    }
  }
  return -1;
}

export function firstWord(argv: readonly string[]): string | undefined {
  const at = firstWordAt(argv);
  return at < 0 ? undefined : argv[at];
}

/** The command `argv` runs, or undefined (help, --version, a mistake). */
export function commandOf(argv: readonly string[]): string | undefined {
  const w = firstWord(argv);
  return w !== undefined && COMMAND_NAMES.includes(w) ? w : undefined;
}
