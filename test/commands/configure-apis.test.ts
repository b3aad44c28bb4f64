// configure and the profile's route table: the stack outputs' API URLs (ApiUrl,
// HttpApiUrl, FunctionUrl) with the template's routes, the flags for each API, and
// refusals naming the flag, before anything is written.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { configDirSetup, VALID_CONFIGURE_FLAGS } from '../helpers/profile-fixtures.js';

const VALID = VALID_CONFIGURE_FLAGS;

const setup = configDirSetup;

describe('configure: the APIs of the stack', () => {
  it('--from-outputs: each API from its output, the routes\' auth from the package template', async () => {
    const { dir, env, file } = setup();
    const outputs = join(dir, 'outputs.json');
    writeFileSync(outputs, JSON.stringify([
      { OutputKey: 'Region', OutputValue: 'eu-west-1' },
      { OutputKey: 'UserPoolId', OutputValue: 'eu-west-1_Zz9Yy8Xx7' },
      { OutputKey: 'UserPoolClientId', OutputValue: '4abcdefghijklmnopqrstuvwx1' },
      { OutputKey: 'IdentityPoolId', OutputValue: 'eu-west-1:0f0e0d0c-0b0a-0908-0706-050403020100' },
      { OutputKey: 'ApiUrl', OutputValue: 'https://q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com/prod' },
      { OutputKey: 'HttpApiUrl', OutputValue: 'https://h1h2h3h4h5.execute-api.eu-west-1.amazonaws.com' },
      { OutputKey: 'FunctionUrl', OutputValue: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/' },
    ]));
    const r = await runInProcess(['configure', '--from-outputs', outputs, '--api-key', 'abcdefghijklmnopqrstuvwxyz0123'], { env });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(readFileSync(file, 'utf8')).profiles.default;
    expect(p.apiUrl).toBe('https://q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com/prod');
    // The REST API is the profile's apiUrl (no url of its own), with the template's routes.
    expect(p.apis.rest).toMatchObject({ type: 'rest', auth: 'iam', apiKey: true, routes: expect.objectContaining({ 'GET /no-auth': 'none', 'GET /require-auth': 'iam' }) });
    expect(p.apis.rest.url).toBeUndefined();
    expect(p.apis.http).toMatchObject({ url: 'https://h1h2h3h4h5.execute-api.eu-west-1.amazonaws.com', type: 'http', auth: 'access-token' });
    expect(p.apis['function-url']).toEqual({ url: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws', type: 'function-url', auth: 'iam' });
  });

  it('--http-api-url, --function-url and --api-id; other APIs of the profile are kept', async () => {
    const { env, file } = setup();
    expect((await runInProcess(['configure', ...VALID, '--api-id', 'abc123defg'], { env })).code).toBe(0);
    const r = await runInProcess(['configure', '--http-api-url', 'https://h.example.com/', '--function-url', 'https://f.lambda-url.us-east-1.on.aws/'], { env });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(readFileSync(file, 'utf8')).profiles.default;
    expect(p.apiId).toBe('abc123defg');
    expect(p.apis.http).toMatchObject({ url: 'https://h.example.com', type: 'http' });
    expect(p.apis['function-url']).toMatchObject({ url: 'https://f.lambda-url.us-east-1.on.aws', type: 'function-url', auth: 'iam' });
    const again = await runInProcess(['configure', '--function-url', 'https://g.lambda-url.us-east-1.on.aws'], { env });
    expect(again.code).toBe(0);
    const q = JSON.parse(readFileSync(file, 'utf8')).profiles.default;
    expect(q.apis.http.url).toBe('https://h.example.com');
    expect(q.apis['function-url'].url).toBe('https://g.lambda-url.us-east-1.on.aws');
  });

  it.each([
    [['--api-id', 'Not-An-Id'], '--api-id "Not-An-Id" is not an API id'],
    [['--http-api-url', 'ftp://x'], '--http-api-url "ftp://x" is not an http(s) base URL'],
    [['--function-url', 'https://f.example.com/?x=1'], '--function-url "https://f.example.com/?x=1" is not an http(s) base URL'],
  ])('refuses %j with one line naming the flag, writing nothing', async (flags, message) => {
    const { env, file } = setup();
    const r = await runInProcess(['configure', ...VALID, ...flags], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(file)).toBe(false);
  });

  it('a hand-edited route table with a mistake: call refuses the profile naming the key', async () => {
    const { env, file } = setup();
    expect((await runInProcess(['configure', ...VALID], { env })).code).toBe(0);
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    cfg.profiles.default.apis = { http: { url: 'https://h.example.com', type: 'http', auth: 'access-token', routes: { 'GET /me': 'jwt' } } };
    writeFileSync(file, JSON.stringify(cfg));
    const r = await runInProcess(['call', 'me', '--dry-run'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apis.http.routes."GET /me": "jwt" is not valid; expected "iam", "id-token", "access-token", "none"');
  });
});
