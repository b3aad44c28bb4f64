import { describe, expect, it } from 'vitest';
import { runInProcess, runBinary, tempDir } from './helpers/cli.js';
import { COMMANDS } from '../src/commands/index.js';

describe('cli: usage errors and help', () => {
  it('bare `authapi` prints help on stderr and exits 2', async () => {
    const r = await runInProcess([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: authapi');
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--frobnicate'], "unknown option '--frobnicate' (see `authapi --help`)"],
    [['frob'], "unknown command 'frob'"],
    [['cal', 'no-auth'], "unknown command 'cal' — did you mean call? (see `authapi --help`)"],
    [['status', '--jsn'], "unknown option '--jsn' — did you mean --json? (see `authapi status --help`)"],
    [['configure', '--region'], "option '--region <region>' argument missing"],
    [['--profile'], "option '-p, --profile <name>' argument missing"],
  ])('%j → one line, exit 2', async (argv, message) => {
    const r = await runInProcess(argv, { env: { AUTHAPI_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('`authapi help [command]` is --help (stdout, exit 0); `help nosuch` is an unknown command (exit 2)', async () => {
    const main = await runBinary(['help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Usage: authapi [options] [command]');
    expect(main.stderr).toBe('');
    expect((await runBinary(['help', 'help'])).stdout).toBe(main.stdout);
    for (const argv of [['help', 'call'], ['--profile', 'x', 'help', 'call'], ['call', '--help']]) {
      const r = await runBinary(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: authapi call [options] <target>');
      expect(r.stderr).toBe('');
    }
    const unknown = await runBinary(['help', 'nosuch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe("authapi: unknown command 'nosuch' (see `authapi --help`)\n");
    const near = await runBinary(['help', 'batc']);
    expect(near.stderr).toBe("authapi: unknown command 'batc' — did you mean batch? (see `authapi --help`)\n");
    expect(near.code).toBe(2);
  });

  it('every command has --help with examples and the exit codes', async () => {
    for (const c of COMMANDS) {
      const r = await runInProcess([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout, c.name).toContain('Examples:\n  $ authapi');
      expect(r.stdout, c.name).toContain('Exit codes:');
      expect(c.examples.length, c.name).toBeGreaterThan(0);
    }
  });

  it('a bug exits 1 with a one-line message; the stack only with --verbose', async () => {
    const { statusCommand } = await import('../src/commands/status.js');
    const original = statusCommand.run;
    statusCommand.run = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    try {
      const quiet = await runInProcess(['status'], { env: { AUTHAPI_CONFIG_DIR: tempDir() } });
      expect(quiet.code).toBe(1);
      expect(quiet.stderr).toContain('authapi: unexpected error: cannot read properties of undefined');
      expect(quiet.stderr).toContain('run again with --verbose');
      expect(quiet.stderr).not.toContain('    at ');
      const loud = await runInProcess(['--verbose', 'status'], { env: { AUTHAPI_CONFIG_DIR: tempDir() } });
      expect(loud.code).toBe(1);
      expect(loud.stderr).toContain('    at ');
    } finally {
      statusCommand.run = original;
    }
  });
});

describe('cli: the real binary', () => {
  it('--version prints the package version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    const r = await runBinary(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('`authapi --help` loads no AWS SDK, prompt library, keychain addon, undici or emulator', async () => {
    const r = await runBinary(['--help'], {
      execArgv: ['--require', new URL('./helpers/trace-requires.cjs', import.meta.url).pathname],
      env: { AUTHAPI_TRACE_REQUIRES: '1' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: authapi');
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('require: ')).map((l) => l.slice(9));
    expect(loaded).toContain('../dist/launch.cjs'); // the trace works
    const heavy = loaded.filter((m) => /@aws-sdk|@smithy|@inquirer|inquirer|@napi-rs|keyring|undici|jose|yaml|local\.cjs|amazon-cognito/.test(m));
    expect(heavy).toEqual([]);
  });

  it('exit code 2 and one line for an unknown flag, from the real process', async () => {
    const r = await runBinary(['status', '--nope'], { env: { AUTHAPI_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("authapi: unknown option '--nope' (see `authapi status --help`)\n");
  });
});
