// The fast `call` parser must agree with commander on every command line it accepts,
// and leave everything else to the full CLI (undefined).
import { describe, expect, it } from 'vitest';
import { parseCallArgs } from '../../src/commands/call-args.js';
import { buildProgram } from '../../src/cli.js';
import { testIO } from '../../src/io.js';

interface Parsed {
  target: string;
  opts: Record<string, unknown>;
  globals: Record<string, unknown>;
}

/** What commander makes of a command line: the same shape as parseCallArgs, or 'error'. */
async function viaCommander(argv: string[]): Promise<Parsed | 'error' | 'other'> {
  let got: Parsed | 'other' = 'other';
  const program = buildProgram(testIO(), async (name, cmd) => {
    if (name !== 'call') return;
    const g = cmd.optsWithGlobals() as Record<string, unknown>;
    const globals: Record<string, unknown> = { color: g.color };
    for (const k of ['profile', 'verbose', 'insecureStorage']) if (g[k] !== undefined) globals[k] = g[k];
    got = { target: cmd.args[0]!, opts: cmd.opts(), globals };
  }, 'call');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return 'error';
  }
  return got;
}

const ACCEPTED: string[][] = [
  ['call', 'no-auth'],
  ['call', 'require-auth', '-i', '-v'],
  ['-p', 'local', 'call', '/items?x=1'],
  ['--profile=local', '--verbose', 'call', 'x', '--no-color', '--insecure-storage'],
  ['-plocal', 'call', 'x'],
  ['call', 'x', '-X', 'POST', '-H', 'a: b', '--header', 'c: d', '--header=e: f', '-d', '@-'],
  ['call', '-XPUT', 'x', '-d{"a":1}', '-ofile', '--output', 'other'],
  ['call', 'x', '--query', 'a=b', '--query=c=d', '--timeout', '5', '--retries=0', '--guest', '--dry-run', '--include'],
  ['call', 'x', '-X', 'GET', '-X', 'PUT'], // the last one wins, as in commander
  ['call', 'x', '-d', '-1'], // a value is taken whatever it looks like
  ['call', 'x', '-H', '--guest'],
  ['call', 'x', '--data='],
  ['call', '-'],
  ['call', 'x', '-p', 'call'],
  ['-p', 'call', 'call', 'x'],
  ['call', 'x', '-p', '--verbose'], // the profile is "--verbose"
  ['call', 'x', '-d', '--nope'], // the body is "--nope": the program does not know that flag
  ['call', 'x', '-v', '-d', 'v'],
  ['call', 'me', '--auth', 'access-token', '--api', 'http'],
  ['call', 'x', '--auth=none', '--unsigned'],
];

const LEFT_TO_COMMANDER: string[][] = [
  [], ['call'], ['call', 'a', 'b'], ['--help'], ['call', '--help'], ['call', 'x', '-h'], ['help', 'call'], ['-V'],
  ['call', 'x', '--nope'], ['call', 'x', '-iv'], ['call', 'x', '-vi'], ['call', 'x', '--include=yes'], ['call', '--', '-x'],
  ['call', 'x', '--timeout'], ['call', 'x', '-p'], ['-X', 'GET', 'call', 'x'], ['status'], ['login', 'call'], ['call', 'x', '--color'],
  ['call', 'x', '-5'],
  ['call', 'x', '--auth', 'jwt'], // not one of its choices: commander words the refusal
  // Commander's program takes its own options first, wherever they are: here the
  // global flag steals the value a call option expected, and commander says so.
  ['call', 'x', '-d', '--verbose'], ['call', 'x', '-H', '--profile'], ['call', 'x', '-d', '-p'], ['-H', 'a', 'call', 'x'],
];

describe('call-args: the fast `call` parser', () => {
  it('accepts the usual forms, with the same options, globals and target as commander', async () => {
    for (const argv of ACCEPTED) {
      const fast = parseCallArgs(argv);
      expect(fast, JSON.stringify(argv)).toBeDefined();
      expect(fast, JSON.stringify(argv)).toEqual(await viaCommander(argv));
    }
    expect(parseCallArgs(['call', 'no-auth'])).toEqual({ target: 'no-auth', opts: { timeout: '30' }, globals: { color: true } });
  });

  it('leaves help, mistakes and anything unusual to the full CLI', async () => {
    for (const argv of LEFT_TO_COMMANDER) expect(parseCallArgs(argv), JSON.stringify(argv)).toBeUndefined();
  });

  it('never disagrees with commander on random command lines built from call\'s vocabulary', async () => {
    const words = ['call', 'x', '/p', '-', '--', '-X', 'POST', '-XGET', '-H', 'a: b', '-d', '@f', '--data=1', '--query', 'k=v', '-i', '-v',
      '--verbose', '-p', 'prof', '--profile=q', '--no-color', '--insecure-storage', '--guest', '--dry-run', '--timeout', '3',
      '--retries=1', '-o', 'out', '--include', '-iv', '--help', '--nope', 'help', '-h', '--auth', 'id-token', 'jwt', '--auth=none', '--api', 'http', '--unsigned'];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      const argv = Array.from({ length: 1 + Math.floor(random() * 7) }, () => words[Math.floor(random() * words.length)]!);
      if (random() < 0.7) argv.splice(Math.floor(random() * 2), 0, 'call'); // mostly call command lines
      const fast = parseCallArgs(argv);
      if (fast === undefined) continue;
      accepted += 1;
      expect(fast, JSON.stringify(argv)).toEqual(await viaCommander(argv));
    }
    expect(accepted).toBeGreaterThan(200); // the comparison really ran
  });
});
