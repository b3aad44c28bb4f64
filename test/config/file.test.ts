import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig, writeConfig, getProfile, emptyConfig } from '../../src/config/file.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

describe('config file', () => {
  it('a missing file is an empty config; writing creates a 0700 dir and a 0600 file, no temp left', async () => {
    const dir = join(tempDir(), 'nested', 'authapi');
    const path = join(dir, 'config.json');
    expect(await readConfig(path)).toEqual(emptyConfig());
    await writeConfig(path, { version: 1, profiles: { x: { region: 'us-east-1' } } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['config.json']);
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles.x.region).toBe('us-east-1');
  });

  it.each([
    ['{oops', /is not valid JSON/],
    ['[]', /must hold a JSON object/],
    ['{"version":2}', /has version 2; this authapi reads version 1/],
    ['{"profiles":[]}', /"profiles" must be an object/],
  ])('rejects %s without touching it', async (text, message) => {
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, text);
    await expect(readConfig(path)).rejects.toThrow(message);
    await expect(readConfig(path)).rejects.toBeInstanceOf(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('an unreadable file is a config error, not a crash', async () => {
    if (process.getuid?.() === 0) {
      // root reads anything: use a directory where the file should be instead
      const path = join(tempDir(), 'config.json');
      mkdirSync(path);
      await expect(readConfig(path)).rejects.toThrow(/cannot read/);
      return;
    }
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, '{}');
    chmodSync(path, 0o000);
    await expect(readConfig(path)).rejects.toThrow(/cannot read/);
  });

  it('getProfile names the file, the profile and the key', () => {
    const data = { version: 1 as const, profiles: { p: { region: 'us-east-1' } } };
    expect(() => getProfile(data, 'p', '/x/config.json')).toThrow(/profile "p" in \/x\/config.json: userPoolId is missing; expected a user pool id such as us-east-1_AbC123/);
    expect(() => getProfile(data, 'q', '/x/config.json')).toThrow(/no profile "q" in \/x\/config.json \(profiles: p\)/);
  });
});
