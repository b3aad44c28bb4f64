// Completion scripts in the real shells (bash, zsh, fish), with the real binary on
// PATH answering the words that depend on the machine (profiles, routes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';
import { buildProgram } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { routeWords } from '../../src/commands/completion.js';

const has = (shell: string) => spawnSync(shell, ['--version']).status === 0;
/** A shell the tests need: CI must have it (.ci/run installs it); elsewhere the test says why it skips. */
function need(shell: string, t: { skip: (note: string) => void }) {
  if (has(shell)) return;
  if (process.env.CI) throw new Error(`CI must have ${shell} (.ci/run installs it)`);
  t.skip(`${shell} is not installed`);
}

let home: string;
let env: NodeJS.ProcessEnv;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  home = tempDir();
  const cfg = join(home, 'cfg');
  mkdirSync(cfg);
  const profile = { region: 'us-east-1', userPoolId: 'us-east-1_abc', userPoolClientId: 'abc', identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', apiUrl: 'http://127.0.0.1:9/prod', apiKey: 'k1234567890' };
  // staging has a route table (as `authapi local` and `configure` write): its routes, of every API, are the words.
  const apis = {
    rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /no-auth': 'none', 'GET /require-token': 'id-token', 'GET /items/{id}': 'iam' } },
    http: { url: 'http://127.0.0.1:9', type: 'http', auth: 'access-token', routes: { 'GET /me': 'access-token', 'GET /iam': 'iam' } },
  };
  writeProfiles(cfg, { local: profile, prod: profile, staging: { ...profile, apis } });
  // The real binary as `authapi` on PATH, as an installed one would be.
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'authapi'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, 'authapi'), 0o755);
  mkdirSync(join(home, 'files', 'sub'), { recursive: true });
  writeFileSync(join(home, 'files', 'body.json'), '{}');
  env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, AUTHAPI_CONFIG_DIR: cfg, AUTHAPI_AGENT: '0', XDG_CACHE_HOME: join(home, 'cache') };
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runBinary(['completion', shell], { env });
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = r.stdout;
  }
});

/** Sources the script in a real bash and asks the completion function for COMP_WORDS (as bash splits them). */
function bash(words: string[]): string[] {
  const file = join(home, 'authapi.bash');
  writeFileSync(file, scripts.bash!);
  const arr = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const prog = `source ${file}
COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; COMP_POINT=\${#COMP_LINE}
_authapi authapi "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], { encoding: 'utf8', env, cwd: join(home, 'files') });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** fish's own completion engine (`complete -C`), on the generated script: the words offered. */
function fish(line: string): string[] {
  const file = join(home, 'authapi.fish');
  writeFileSync(file, scripts.fish!);
  const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env, cwd: join(home, 'files') });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('completion scripts come from the parser itself', () => {
  it('every option commander knows is in every script, --insecure-storage among the globals', () => {
    const program = buildProgram(testIO(), async () => {});
    const all = [program, ...program.commands].flatMap((c) => c.createHelp().visibleOptions(c)).flatMap((o) => [o.short, o.long].filter(Boolean) as string[]);
    expect(all).toContain('--insecure-storage');
    expect(all).toContain('--unsigned');
    for (const flag of all) {
      expect(scripts.bash, flag).toContain(flag);
      expect(scripts.zsh, flag).toContain(flag);
      expect(scripts.fish, flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`).toContain(flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
    }
    // The hidden word lists are not offered to people.
    expect(/ completion\) opts='([^']*)'/.exec(scripts.bash!)?.[1]).toBe('-h --help');
  });

  it('routes: the template\'s, plain ones by name, templated ones up to the first {param}', () => {
    expect(routeWords(['/no-auth', '/require-auth', '/items/{id}', '/items/{id}/tags', '/{proxy+}'])).toEqual(['no-auth', 'require-auth', '/items/', '/']);
  });

  it('`completion --list` prints profiles and the profile\'s routes; a bad profile gives no words and exit 2', async () => {
    expect((await runBinary(['completion', '--list', 'profiles'], { env })).stdout).toBe('local\nprod\nstaging\n');
    expect((await runBinary(['--profile', 'prod', 'completion', '--list', 'routes'], { env })).stdout).toBe('no-auth\nrequire-auth\nrequire-token\nrequire-scope\nme\nadmin\niam\n');
    expect((await runBinary(['--profile', 'staging', 'completion', '--list', 'routes'], { env })).stdout).toBe('no-auth\nrequire-token\n/items/\nme\niam\n');
    const bad = await runBinary(['completion', '--list', 'routes', '--profile', 'nope'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const none = await runBinary(['completion'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('authapi: which shell? — use one of: bash, zsh, fish (e.g. authapi completion bash)\n');
    const unknown = await runBinary(['completion', 'powershell'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown shell "powershell"/);
  });
});

describe('bash (real bash)', () => {
  it('commands, also after global options with their values', (t) => {
    need('bash', t);
    expect(bash(['authapi', 'ca'])).toEqual(['call']);
    expect(bash(['authapi', 'c'])).toEqual(['call', 'completion', 'configure', 'credentials']);
    expect(bash(['authapi', '--profile', 'local', 'ba'])).toEqual(['batch']);
    expect(bash(['authapi', '--profile', '=', 'local', 'ba'])).toEqual(['batch']); // --profile=local, as bash splits it
    expect(bash(['authapi', '-v', '-p', 'x', 'cr'])).toEqual(['credentials']);
    expect(bash(['authapi', '--ins'])).toEqual(['--insecure-storage']);
  });

  it('options, choices, profiles and routes from the real binary, files after -o and -d @', (t) => {
    need('bash', t);
    expect(bash(['authapi', 'call', '--g'])).toEqual(['--guest']);
    expect(bash(['authapi', 'call', '--uns'])).toEqual(['--unsigned']);
    expect(bash(['authapi', 'credentials', '--format', ''])).toEqual(['env', 'json', 'process']);
    expect(bash(['authapi', 'completion', 'z'])).toEqual(['zsh']);
    expect(bash(['authapi', '--profile', 's'])).toEqual(['staging']);
    expect(bash(['authapi', 'call', '--profile', '=', 'p'])).toEqual(['prod']);
    expect(bash(['authapi', '--profile', 'prod', 'call', ''])).toEqual(['admin', 'iam', 'me', 'no-auth', 'require-auth', 'require-scope', 'require-token']);
    expect(bash(['authapi', '--profile', 'staging', 'call', 'm'])).toEqual(['me']);
    expect(bash(['authapi', 'call', 'me', '--auth', ''])).toEqual(['access-token', 'iam', 'id-token', 'none']);
    expect(bash(['authapi', 'call', 'no-auth', '-o', 'bo'])).toEqual(['body.json']);
    expect(bash(['authapi', 'call', 'no-auth', '-d', '@b'])).toEqual(['@body.json']);
    expect(bash(['authapi', 'local', '--state-dir', ''])).toEqual(['sub']);
  });
});

describe('fish (real fish)', () => {
  it('commands after global options, options with descriptions unmangled, profiles, routes, files', (t) => {
    need('fish', t);
    expect(fish('authapi --profile local ca')).toEqual(['call\tSend one authenticated request to the API (body to stdout, like curl)']);
    expect(fish('authapi -p local cr')).toEqual(['credentials\tPrint the temporary AWS credentials (env, json, or credential_process)']);
    expect(fish('authapi --profile st')).toEqual(['staging\tProfile to use']);
    expect(fish('authapi --profile prod call ')).toEqual(['admin', 'iam', 'me', 'no-auth', 'require-auth', 'require-scope', 'require-token']);
    expect(fish('authapi call --profile prod ')).toEqual(['admin', 'iam', 'me', 'no-auth', 'require-auth', 'require-scope', 'require-token']);
    expect(fish('authapi configure --from-s')).toEqual(["--from-stack\tRead a deployed stack's outputs and API key value with your AWS credentials"]);
    expect(fish('authapi credentials --format j')).toEqual(['json\tOutput format']);
    expect(fish('authapi call no-auth -d @bo')).toEqual(['@body.json']);
    expect(fish('authapi call no-auth -o bo')).toEqual(['body.json']);
    expect(fish('authapi --insecure')).toEqual(['--insecure-storage\tAllow a plaintext 0600 file for secrets when no OS keychain is usable']);
  });
});

describe('zsh (real zsh in a terminal)', () => {
  let tmux: TmuxSession | undefined;
  afterAll(() => tmux?.kill());

  it('completes commands after global options, profiles, routes, choices, -d @files; descriptions unmangled', async (t) => {
    need('zsh', t);
    if (!hasTmux()) {
      if (process.env.CI) throw new Error('CI must have tmux');
      t.skip('tmux is not installed');
    }
    const zdot = join(home, 'zdot');
    mkdirSync(join(zdot, 'functions'), { recursive: true });
    writeFileSync(join(zdot, 'functions', '_authapi'), scripts.zsh!);
    writeFileSync(join(zdot, '.zshrc'), `fpath=(${join(zdot, 'functions')} $fpath)\nautoload -Uz compinit && compinit -u -D\nPROMPT='%% '\ncd ${join(home, 'files')}\n`);
    tmux = new TmuxSession('zsh -i', { ...(env as Record<string, string>), ZDOTDIR: zdot });
    await tmux.waitFor(/^%$/m); // capture-pane trims the prompt's trailing space
    const expectLine = async (typed: string, completed: RegExp | string) => {
      tmux!.key('C-u');
      tmux!.type(typed);
      tmux!.key('Tab');
      return tmux!.waitFor(typeof completed === 'string' ? new RegExp(`^% ${completed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm') : completed);
    };
    await expectLine('authapi --profile local ca', 'authapi --profile local call');
    await expectLine('authapi -p local --verbose cre', 'authapi -p local --verbose credentials');
    await expectLine('authapi --profile st', 'authapi --profile staging');
    await expectLine('authapi --profile prod call require-a', 'authapi --profile prod call require-auth');
    await expectLine('authapi call --profile prod n', 'authapi call --profile prod no-auth');
    await expectLine('authapi credentials --format j', 'authapi credentials --format json');
    await expectLine('authapi call no-auth -d @bo', 'authapi call no-auth -d @body.json');
    await expectLine('authapi call no-auth --uns', 'authapi call no-auth --unsigned');
    // A list with descriptions: the apostrophe survives.
    const screen = await expectLine('authapi configure --from-', /Read a deployed stack's outputs/);
    expect(screen).toContain('Read stack outputs JSON');
  });
});
