import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess, tempDir } from '../helpers/cli.js';

/** Sources the script in a real bash and asks the completion function for COMP_WORDS. */
function complete(script: string, words: string[], extraPath?: string): string[] {
  const dir = tempDir();
  const file = join(dir, 'authapi.bash');
  writeFileSync(file, script);
  const arr = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const prog = `source ${file}
COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; COMP_POINT=\${#COMP_LINE}
_authapi authapi "${words[words.length - 1]}" "${words[words.length - 2] ?? ''}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], {
    encoding: 'utf8',
    env: { PATH: extraPath ? `${extraPath}:${process.env.PATH}` : process.env.PATH, HOME: dir },
    cwd: dir,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('authapi completion', () => {
  it('bash: completes verbs, options, choices and route names in a real bash', async () => {
    const r = await runInProcess(['completion', 'bash']);
    expect(r.code).toBe(0);
    const script = r.stdout;
    expect(complete(script, ['authapi', 'ca'])).toEqual(['call']);
    expect(complete(script, ['authapi', 'c'])).toEqual(['call', 'completion', 'configure', 'credentials']);
    expect(complete(script, ['authapi', '--profile', 'x', 'ba'])).toEqual(['batch']);
    expect(complete(script, ['authapi', 'call', 're'])).toEqual(['require-auth']);
    expect(complete(script, ['authapi', 'call', '--g'])).toEqual(['--guest']);
    expect(complete(script, ['authapi', 'batch', '--con'])).toEqual(['--concurrency']);
    expect(complete(script, ['authapi', 'credentials', '--format', ''])).toEqual(['env', 'json', 'process']);
    expect(complete(script, ['authapi', 'completion', 'z'])).toEqual(['zsh']);
    expect(complete(script, ['authapi', '--ver'])).toEqual(['--verbose', '--version']);
  });

  it('bash: --profile completes the configured profile names through the binary on PATH', async () => {
    const script = (await runInProcess(['completion', 'bash'])).stdout;
    const bin = tempDir();
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'authapi'), '#!/bin/sh\n[ "$1 $2" = "configure --list" ] && printf "local\\nprod\\nstaging\\n"\n');
    chmodSync(join(bin, 'authapi'), 0o755);
    expect(complete(script, ['authapi', 'call', '--profile', 'p'], bin)).toEqual(['prod']);
  });

  it('zsh and fish scripts name every command; an unknown shell is a usage error', async () => {
    const zsh = await runInProcess(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef authapi/);
    for (const c of ['call', 'batch', 'credentials', 'completion', 'configure']) expect(zsh.stdout).toContain(`'${c}:`);
    expect(zsh.stdout).toContain("'--format[output format]:value:(env json process)'");
    const fish = await runInProcess(['completion', 'fish']);
    expect(fish.stdout).toContain('complete -c authapi -n "__fish_seen_subcommand_from call" -s X -l request -r');
    const bad = await runInProcess(['completion', 'powershell']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown shell "powershell"/);
  });
});
