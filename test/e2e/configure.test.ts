import { describe, expect, it } from 'vitest';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, tempDir } from '../helpers/cli.js';

// The "done when": configure from a real-shaped outputs file, then status --json.
describe('e2e: configure --from-outputs then status --json (real binary)', () => {
  it('shows the configured profile', async () => {
    const dir = tempDir();
    const outputs = join(dir, 'outputs.json');
    // Shape of `sam list stack-outputs --stack-name authapi --output json`.
    writeFileSync(outputs, JSON.stringify([
      { OutputKey: 'ApiKeyId', OutputValue: 'x9y8z7w6v5', Description: 'Id of the API key' },
      { OutputKey: 'ApiUrl', OutputValue: 'https://q1w2e3r4t5.execute-api.us-east-2.amazonaws.com/prod', Description: 'Base URL of the API stage' },
      { OutputKey: 'IdentityPoolId', OutputValue: 'us-east-2:6c9c8b5e-3f0a-4d9e-8a77-1f2e3d4c5b6a', Description: 'Cognito Identity Pool id' },
      { OutputKey: 'Region', OutputValue: 'us-east-2', Description: 'Region of the stack' },
      { OutputKey: 'UserPoolClientId', OutputValue: '5n1t9q8vd3m2l6k4j7h0g5f2d1', Description: 'Cognito User Pool app client id (public, SRP)' },
      { OutputKey: 'UserPoolId', OutputValue: 'us-east-2_Qw3Er5Ty7', Description: 'Cognito User Pool id' },
    ], null, 2));
    const env = { AUTHAPI_CONFIG_DIR: join(dir, 'cfg'), AUTHAPI_PROFILE: 'staging' };
    const key = 'Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd8Ss7Aa6';
    const conf = await runBinary(['configure', '--from-outputs', outputs, '--api-key', key], { env });
    expect(conf.stderr).toContain('Saved profile "staging"');
    expect(conf.code).toBe(0);
    expect(statSync(join(dir, 'cfg', 'config.json')).mode & 0o777).toBe(0o600);

    const status = await runBinary(['status', '--json'], { env });
    const report = JSON.parse(status.stdout);
    expect(report).toMatchObject({
      profile: 'staging',
      configPath: join(dir, 'cfg', 'config.json'),
      configured: true,
      settings: {
        region: 'us-east-2',
        userPoolId: 'us-east-2_Qw3Er5Ty7',
        userPoolClientId: '5n1t9q8vd3m2l6k4j7h0g5f2d1',
        identityPoolId: 'us-east-2:6c9c8b5e-3f0a-4d9e-8a77-1f2e3d4c5b6a',
        apiUrl: 'https://q1w2e3r4t5.execute-api.us-east-2.amazonaws.com/prod',
        apiKey: '****7Aa6',
      },
    });
    expect(status.stdout + status.stderr).not.toContain(key);
  });

  it('without a TTY never prompts: missing fields are named with their flags', async () => {
    const r = await runBinary(['configure', '--region', 'us-east-1'], { env: { AUTHAPI_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^authapi: profile "default" is incomplete: missing or invalid --user-pool-id .*--client-id .*--identity-pool-id .*--api-url .*--api-key .* — pass those flags \(no prompts without a terminal\)\n$/);
  });
});
