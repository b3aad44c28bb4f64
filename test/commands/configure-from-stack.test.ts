// `configure --from-stack` through the real binary against moto's server (the
// machine's Python): a CloudFormation stack with the template's outputs and an API
// Gateway key created there, read with credentials from the SDK's default chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, CreateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { runBinary, tempDir } from '../helpers/cli.js';
import { skipWithout } from '../helpers/tools.js';
import { startTestProxy } from '../helpers/proxies.js';

// moto_server comes with a Python install (pip install 'moto[server]'); CI checks for it first.
const noMoto = skipWithout('moto_server', 'configure-from-stack.test', "pip install 'moto[server]'", ['--help']);

let moto: ChildProcess | undefined;
let endpoint = '';
let keyValue = '';
let keyId = '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function ready(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const r = request(`${url}/moto-api/data.json`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    r.on('error', () => resolve(false));
    r.end();
  });
}

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const OUTPUTS = {
  Region: 'us-east-1',
  UserPoolId: 'us-east-1_MotoPool42',
  UserPoolClientId: '6motoclient0123456789abcde',
  IdentityPoolId: 'us-east-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  ApiUrl: 'https://m0t0api123.execute-api.us-east-1.amazonaws.com/prod',
  LoginUrl: 'https://authapi-moto.auth.us-east-1.amazoncognito.com',
};

beforeAll(async () => {
  if (noMoto) return;
  // moto binds the port it is given; a just-freed port 0 pick avoids fixed ports.
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 150 && !(await ready(endpoint)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await ready(endpoint)).toBe(true);

  const apigw = new APIGatewayClient({ region: 'us-east-1', endpoint, credentials: creds });
  const key = await apigw.send(new CreateApiKeyCommand({ name: 'authapi-key', enabled: true, value: 'MotoKeyValue0123456789abcdefghijklmnop' }));
  keyId = key.id!;
  keyValue = key.value!;
  const cfn = new CloudFormationClient({ region: 'us-east-1', endpoint, credentials: creds });
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'authapi-moto' } } },
    Outputs: Object.fromEntries([...Object.entries(OUTPUTS), ['ApiKeyId', keyId]].map(([k, v]) => [k, { Value: v }])),
  };
  await cfn.send(new CreateStackCommand({ StackName: 'authapi-moto', TemplateBody: JSON.stringify(template) }));
}, 60_000);

afterAll(() => {
  moto?.kill('SIGTERM');
});

function env(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AUTHAPI_CONFIG_DIR: dir,
    HOME: dir, // no ~/.aws of the person running the tests
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK's Node-20 support notice is not this command's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

describe.skipIf(noMoto)('configure --from-stack (binary, moto)', () => {
  it('writes the profile from the stack outputs and the API key value', async () => {
    const dir = tempDir();
    const r = await runBinary(['configure', '--from-stack', 'authapi-moto', '--region', 'us-east-1', '--profile', 'prod'], { env: env(dir) });
    expect(r.stderr).toBe(`Saved profile "prod" to ${join(dir, 'config.json')}\n`);
    expect(r.code).toBe(0);
    const p = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.prod;
    expect(p).toEqual({
      region: 'us-east-1', userPoolId: OUTPUTS.UserPoolId, userPoolClientId: OUTPUTS.UserPoolClientId, identityPoolId: OUTPUTS.IdentityPoolId, apiUrl: OUTPUTS.ApiUrl, apiKey: keyValue, loginUrl: OUTPUTS.LoginUrl,
      // The REST API (ApiUrl) with the routes' auth from the package template: a deployed stack's profile knows them too.
      apis: { rest: { type: 'rest', auth: 'iam', apiKey: true, routes: expect.objectContaining({ 'GET /no-auth': 'none', 'GET /require-auth': 'iam', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token' }) } },
    });
    // The key never reaches the terminal, even with --verbose.
    const v = await runBinary(['configure', '--from-stack', 'authapi-moto', '--profile', 'p2', '-v'], { env: env(dir, { AWS_REGION: 'us-east-1' }) });
    expect(v.code).toBe(0);
    expect(v.stdout + v.stderr).not.toContain(keyValue);
    expect(v.stderr).toMatch(/stack authapi-moto: CREATE_COMPLETE, 7 outputs/);
  });

  it('goes through HTTP_PROXY (the SDK clients get a tunnelling agent), unless NO_PROXY lists the endpoint', async () => {
    const proxy = await startTestProxy('forward');
    try {
      const dir = tempDir();
      const r = await runBinary(['configure', '--from-stack', 'authapi-moto', '--region', 'us-east-1', '--profile', 'viaproxy'], { env: env(dir, { HTTP_PROXY: proxy.url }) });
      expect(r.code, r.stderr).toBe(0);
      const authority = new URL(endpoint).host;
      expect(proxy.seen.map((s) => `${s.method} ${s.target}`)).toContain(`CONNECT ${authority}`);
      const before = proxy.seen.length;
      const direct = await runBinary(['configure', '--from-stack', 'authapi-moto', '--region', 'us-east-1', '--profile', 'direct'], { env: env(dir, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }) });
      expect(direct.code, direct.stderr).toBe(0);
      expect(proxy.seen.length).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it('flags given with it win over the stack', async () => {
    const dir = tempDir();
    const r = await runBinary(['configure', '--from-stack', 'authapi-moto', '--region', 'us-east-1', '--api-key', 'OverrideKey0123456789'], { env: env(dir) });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.default.apiKey).toBe('OverrideKey0123456789');
  });

  it('an unknown stack is exit 2 with the name; nothing is written', async () => {
    const dir = tempDir();
    const r = await runBinary(['configure', '--from-stack', 'no-such-stack', '--region', 'us-east-1'], { env: env(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^authapi: stack no-such-stack does not exist in us-east-1 — check the name/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('no AWS credentials anywhere is exit 3 saying how to provide them', async () => {
    const dir = tempDir();
    const e = env(dir);
    delete e.AWS_ACCESS_KEY_ID;
    delete e.AWS_SECRET_ACCESS_KEY;
    const r = await runBinary(['configure', '--from-stack', 'authapi-moto', '--region', 'us-east-1'], { env: { ...e, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no AWS credentials found/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a bad stack name and --from-outputs together with --from-stack before any AWS call', async () => {
    const dir = tempDir();
    const bad = await runBinary(['configure', '--from-stack', 'bad name!'], { env: env(dir) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a stack name/);
    const both = await runBinary(['configure', '--from-stack', 'x', '--from-outputs', 'y.json'], { env: env(dir) });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be combined/);
  });
});
