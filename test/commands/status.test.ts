import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runInProcess, tempDir, writeProfiles } from '../helpers/cli.js';

const PROFILE = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123xyz',
  userPoolClientId: '1example23456789abcdefghij',
  identityPoolId: 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  apiUrl: 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod',
  apiKey: 'k3yk3yk3yk3yk3yk3yk3yk3yk3y0123456789abc',
};

function withConfig(profiles: Record<string, unknown>) {
  const dir = tempDir();
  writeProfiles(dir, profiles);
  return { AUTHAPI_CONFIG_DIR: dir };
}

describe('authapi status (configuration part)', () => {
  it('--json reports a missing profile and exits 2', async () => {
    const env = withConfig({});
    const r = await runInProcess(['status', '--json'], { env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ profile: 'default', configured: false });
    expect(report.configPath).toBe(join(env.AUTHAPI_CONFIG_DIR, 'config.json'));
    expect(r.stderr).toContain('authapi configure --profile default');
  });

  it('names every problem of an invalid profile without printing its secrets', async () => {
    const env = withConfig({ default: { ...PROFILE, region: 'moon', extra: 1 } });
    const r = await runInProcess(['status', '--json'], { env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.problems).toEqual(expect.arrayContaining([
      expect.stringContaining('unknown key "extra"'),
      expect.stringContaining('region "moon" is not valid'),
    ]));
    expect(r.stdout).not.toContain(PROFILE.apiKey);
  });

  it('AUTHAPI_PROFILE selects the profile; --profile wins over it', async () => {
    const env = { ...withConfig({ a: PROFILE, b: { ...PROFILE, region: 'eu-west-1' } }), AUTHAPI_PROFILE: 'a' };
    const fromEnv = await runInProcess(['status', '--json'], { env });
    expect(JSON.parse(fromEnv.stdout).profile).toBe('a');
    const fromFlag = await runInProcess(['--profile', 'b', 'status', '--json'], { env });
    expect(JSON.parse(fromFlag.stdout).settings.region).toBe('eu-west-1');
  });

  it('prints a readable table for people', async () => {
    const env = withConfig({ default: PROFILE });
    const r = await runInProcess(['status'], { env });
    expect(r.stdout).toMatch(/^profile:\s+default$/m);
    expect(r.stdout).toMatch(/^apiKey:\s+\*\*\*\*9abc$/m);
  });
});
