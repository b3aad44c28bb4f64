import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { configDirSetup, VALID_CONFIGURE_FLAGS } from '../helpers/profile-fixtures.js';

const VALID = VALID_CONFIGURE_FLAGS;

const SAM_OUTPUTS = [
  { OutputKey: 'Region', OutputValue: 'eu-west-1', Description: 'Region of the stack' },
  { OutputKey: 'UserPoolId', OutputValue: 'eu-west-1_Zz9Yy8Xx7' },
  { OutputKey: 'UserPoolClientId', OutputValue: '4abcdefghijklmnopqrstuvwx1' },
  { OutputKey: 'IdentityPoolId', OutputValue: 'eu-west-1:0f0e0d0c-0b0a-0908-0706-050403020100' },
  { OutputKey: 'ApiUrl', OutputValue: 'https://q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com/prod' },
  { OutputKey: 'ApiKeyId', OutputValue: 'a1b2c3d4e5' },
  { OutputKey: 'LoginUrl', OutputValue: 'https://authapi-0f0e0d0c.auth.eu-west-1.amazoncognito.com' },
];

const setup = configDirSetup;

describe('authapi configure', () => {
  it('writes a profile from flags, atomically with mode 0600, trimming the URL slash', async () => {
    const { env, file } = setup();
    const r = await runInProcess(['configure', ...VALID], { env });
    expect(r.stderr).toContain('Saved profile "default"');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    expect(data.version).toBe(1);
    expect(data.profiles.default.apiUrl).toBe('https://abc123defg.execute-api.us-east-1.amazonaws.com/prod');
    expect(data.profiles.default.userPoolClientId).toBe('1example23456789abcdefghij');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reads `sam list stack-outputs` JSON and needs --api-key without a TTY', async () => {
    const { dir, env, file } = setup();
    const outputs = join(dir, 'outputs.json');
    writeFileSync(outputs, JSON.stringify(SAM_OUTPUTS));
    const missing = await runInProcess(['configure', '--from-outputs', outputs], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--api-key/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file)).toBe(false);

    const ok = await runInProcess(['configure', '--from-outputs', outputs, '--api-key', 'abcdefghijklmnopqrstuvwxyz0123'], { env, profile: 'prod' });
    expect(ok.code).toBe(0);
    const p = JSON.parse(readFileSync(file, 'utf8')).profiles.prod;
    expect(p).toMatchObject({ region: 'eu-west-1', userPoolId: 'eu-west-1_Zz9Yy8Xx7', identityPoolId: 'eu-west-1:0f0e0d0c-0b0a-0908-0706-050403020100' });
    // The managed login's base address, for login --browser.
    expect(p.loginUrl).toBe('https://authapi-0f0e0d0c.auth.eu-west-1.amazoncognito.com');
  });

  it('reads `aws cloudformation describe-stacks` JSON from stdin', async () => {
    const { env, file } = setup();
    const described = { Stacks: [{ StackName: 'authapi', StackStatus: 'CREATE_COMPLETE', Outputs: SAM_OUTPUTS }] };
    const r = await runInProcess(['configure', '--from-outputs', '-', '--api-key', 'abcdefghijklmnopqrstuvwxyz0123'], { env, input: JSON.stringify(described) });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.default.apiUrl).toBe('https://q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('flags win over outputs, and later runs keep earlier values', async () => {
    const { dir, env, file } = setup();
    const outputs = join(dir, 'o.json');
    writeFileSync(outputs, JSON.stringify(SAM_OUTPUTS));
    await runInProcess(['configure', '--from-outputs', outputs, '--api-key', 'abcdefghijklmnopqrstuvwxyz0123', '--region', 'eu-central-1'], { env });
    const r = await runInProcess(['configure', '--cognito-idp-endpoint', 'http://127.0.0.1:9999/'], { env });
    expect(r.code).toBe(0);
    const p = JSON.parse(readFileSync(file, 'utf8')).profiles.default;
    expect(p.region).toBe('eu-central-1');
    expect(p.apiKey).toBe('abcdefghijklmnopqrstuvwxyz0123');
    expect(p.endpoints).toEqual({ cognitoIdp: 'http://127.0.0.1:9999/' });
  });

  it.each([
    [['--region', 'mars-1'], /--region: region "mars-1" is not valid; expected an AWS region/],
    [['--user-pool-id', 'AbC123'], /--user-pool-id: userPoolId "AbC123" is not valid; expected a user pool id such as us-east-1_AbC123/],
    [['--identity-pool-id', 'nope'], /--identity-pool-id: identityPoolId "nope" is not valid/],
    [['--api-url', 'ftp://x'], /--api-url: apiUrl "ftp:\/\/x" is not valid/],
    [['--store', 'paper'], /option '--store <backend>' argument 'paper' is invalid/],
    [['--bogus'], /unknown option '--bogus'.*authapi configure --help/],
    [['--show', '--list'], /--show and --list cannot be combined/],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    const { env, file } = setup();
    const r = await runInProcess(['configure', ...VALID.slice(0, 0), ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['not json', 'is not valid JSON'],
    ['{"Stacks":[]}', '"Stacks" is empty'],
    ['{"Stacks":[{"Outputs":[]},{"Outputs":[]}]}', 'describes 2 stacks'],
    ['{"foo":1}', 'neither a list of {OutputKey, OutputValue}'],
    ['[{"OutputKey":"Other","OutputValue":"x"}]', 'has none of the outputs authapi reads'],
    ['[{"OutputKey":1}]', 'output #1 has no string OutputKey/OutputValue'],
  ])('rejects outputs %s', async (text, message) => {
    const { dir, env } = setup();
    const f = join(dir, 'bad.json');
    writeFileSync(f, text);
    const r = await runInProcess(['configure', '--from-outputs', f, '--api-key', 'abcdefghijklmnopqrstuvwxyz0123'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('reports a missing outputs file', async () => {
    const { env } = setup();
    const r = await runInProcess(['configure', '--from-outputs', '/nonexistent/o.json'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /nonexistent/o.json: no such file');
  });

  it('never overwrites a corrupt config file', async () => {
    const { env, file } = setup();
    writeFileSync(file, '{"profiles": {oops');
    const r = await runInProcess(['configure', ...VALID], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is not valid JSON`);
    expect(r.stderr).toContain('it was not changed');
    expect(readFileSync(file, 'utf8')).toBe('{"profiles": {oops');
  });

  it('--show prints the profile with the API key and client secret masked', async () => {
    const { env } = setup();
    await runInProcess(['configure', ...VALID, '--client-secret', 'supersecretclientsecretvalue1234'], { env });
    const r = await runInProcess(['configure', '--show'], { env });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.settings.apiKey).toBe('****9abc');
    expect(shown.settings.clientSecret).toBe('****1234');
    expect(r.stdout).not.toContain('k3yk3yk3y');
    expect(r.stdout).not.toContain('supersecret');
    const list = await runInProcess(['configure', '--list'], { env });
    expect(list.stdout).toBe('default\n');
  });

  it('--show on a missing profile says how to create it', async () => {
    const { env } = setup();
    const r = await runInProcess(['configure', '--show'], { env, profile: 'nope' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no profile "nope".*authapi configure --profile nope/);
  });
});
