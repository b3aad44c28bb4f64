import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { STATE_FILES } from '../../src/local/state.js';
import { tempDir } from '../helpers/cli.js';
import { srpLogin } from './srp-login.js';

const open: LocalStack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function start(opts: Parameters<typeof startLocal>[0] = {}): Promise<LocalStack> {
  const s = await startLocal(opts);
  open.push(s);
  return s;
}
const fakeCreds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('routing', () => {
  test('info describes the template stack; JWKS and 404s on the service port, the API on its own', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const apiBase = new URL(s.info.apiUrl).origin;
    expect(apiBase).not.toBe(s.url);
    const api = s.stack.apis[0]!;
    const pool = s.stack.userPools[0]!;
    const client = pool.clients[0]!;
    expect(s.info).toEqual({
      region: 'us-east-1',
      userPoolId: s.stack.userPools[0]!.id,
      userPoolClientId: s.stack.userPools[0]!.clients[0]!.clientId,
      identityPoolId: s.stack.identityPools[0]!.id,
      apiUrl: `${apiBase}/prod`,
      apiKey: s.stack.apiKeys[0]!.value,
      endpoints: { cognitoIdp: s.url, cognitoIdentity: s.url, sts: s.url, api: `${apiBase}/prod` },
      accountId: '123456789012',
      apis: [{
        kind: 'rest', logicalId: 'Api', id: api.id, stage: 'prod', url: `${apiBase}/prod`, apiKeys: ['ApiKey'],
        routes: [
          { method: 'GET', path: '/no-auth', auth: 'NONE', apiKeyRequired: true },
          { method: 'GET', path: '/require-auth', auth: 'AWS_IAM', apiKeyRequired: true },
          { method: 'GET', path: '/require-token', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true },
          { method: 'GET', path: '/require-scope', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true, scopes: ['aws.cognito.signin.user.admin'] },
        ],
      }, {
        // The HTTP API's $default stage: no stage in its URL.
        kind: 'http', logicalId: 'HttpApi', id: s.stack.httpApis![0]!.id, stage: '$default', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), apiKeys: [],
        routes: [
          { method: 'GET', path: '/me', auth: 'JWT', apiKeyRequired: false },
          { method: 'GET', path: '/admin', auth: 'JWT', apiKeyRequired: false, scopes: ['authapi/admin'] },
          { method: 'GET', path: '/iam', auth: 'AWS_IAM', apiKeyRequired: false },
        ],
      }, {
        kind: 'function-url', logicalId: 'FunctionUrlFunction', id: s.stack.functionUrls![0]!.urlId, stage: '', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), apiKeys: [],
        routes: [{ method: 'ANY', path: '/{proxy+}', auth: 'AWS_IAM', apiKeyRequired: false }],
      }],
      userPools: [{
        logicalId: 'UserPool', id: pool.id, name: pool.name, providerName: pool.providerName,
        clients: [{ logicalId: 'UserPoolClient', clientId: client.clientId, name: 'authapi-cli', hasSecret: false, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }],
      }],
      identityPools: [{ logicalId: 'IdentityPool', id: s.info.identityPoolId, allowUnauthenticated: true, providers: [{ providerName: pool.providerName, clientId: client.clientId }] }],
      apiKeys: [{ logicalId: 'ApiKey', id: s.stack.apiKeys[0]!.id, enabled: true }],
      admin: { accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/), secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) },
    });
    const jwks = await fetch(`${s.url}/${s.info.userPoolId}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys).toHaveLength(2);
    expect((await fetch(`${s.url}/us-east-1_NoSuchOne/.well-known/jwks.json`)).status).toBe(404);

    const ok = await fetch(`${s.info.apiUrl}/no-auth`, { headers: { 'x-api-key': s.info.apiKey } });
    expect(await ok.json()).toEqual({ message: 'Open for All!' });
    const noKey = await fetch(`${s.info.apiUrl}/no-auth`);
    expect(noKey.status).toBe(403);

    const other = await fetch(`${s.url}/prod/no-auth`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/json');
    expect(((await other.json()) as { message: string }).message).toBe(`Not found: GET /prod/no-auth is not an endpoint of the authapi emulator (the APIs are at ${s.info.apis.map((a) => a.url).join(', ')})`);
    expect(s.info.apis.map((a) => a.url)[0]).toBe(`${apiBase}/prod`);
    // At the API's own base URL, an unknown stage is answered as API Gateway answers it.
    const stage = await fetch(`${apiBase}/staging/no-auth`, { headers: { 'x-api-key': s.info.apiKey } });
    expect([stage.status, stage.headers.get('x-amzn-errortype'), await stage.text()]).toEqual([403, 'ForbiddenException', '{"message":"Forbidden"}']);

    const target = await fetch(s.url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
    expect(((await target.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  test('the User Pool and the Identity Pool answer AWS SDK clients', async () => {
    const s = await start();
    const idp = new CognitoIdentityProviderClient({ endpoint: s.url, region: 'us-east-1', credentials: fakeCreds });
    await expect(idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: s.info.userPoolClientId, AuthParameters: { REFRESH_TOKEN: 'bogus' } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const ci = new CognitoIdentityClient({ endpoint: s.url, region: 'us-east-1' });
    const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }));
    expect(IdentityId).toMatch(/^us-east-1:/);
  });

  test('template overrides and users flow through', async () => {
    const dir = tempDir();
    const template = join(dir, 'template.yaml');
    writeFileSync(template, readFileSync(resolve('infra/template.yaml'), 'utf8').replace('GenerateSecret: false', 'GenerateSecret: true').replace('CodeUri: functions/', `CodeUri: ${resolve('infra/functions')}/`));
    const lines: string[] = [];
    const s = await start({ templatePath: template, parameterOverrides: { StageName: 'dev' }, users: [{ username: 'alice', password: 'Alice12345' }], log: (l) => lines.push(l) });
    expect(s.info.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(s.info.clientSecret).toMatch(/^[a-z0-9]{52}$/);
    expect((await fetch(`${s.info.apiUrl}/no-auth`, { headers: { 'x-api-key': s.info.apiKey } })).status).toBe(200);
    expect((await fetch(`${s.info.apiUrl.replace(/dev$/, 'prod')}/no-auth`, { headers: { 'x-api-key': s.info.apiKey } })).status).toBe(403);
    const users = Object.values(s.idp.snapshot().pools[s.info.userPoolId]!.users).map((u) => u.username);
    expect(users).toEqual(['alice']);
  });

  test('a template it cannot use is refused before listening', async () => {
    await expect(startLocal({ templatePath: '/nonexistent.yaml' })).rejects.toThrow('/nonexistent.yaml: no such file');
    const t = join(tempDir(), 'no-identity-pool.yaml');
    writeFileSync(t, 'Resources:\n  UserPool:\n    Type: AWS::Cognito::UserPool\n');
    await expect(startLocal({ templatePath: t })).rejects.toThrow(`${t}: Resources: the emulator needs a user pool client, an identity pool, an API with routes, an API key`);
  });
});

describe('state dir', () => {
  test('a login stays valid across restarts: refresh works, identity id, API key and client stay the same', async () => {
    const dir = join(tempDir(), 'state');
    const first = await start({ stateDir: dir });
    const tokens = await srpLogin(first.info, 'demouser', 'demoPASS123');
    const ci1 = new CognitoIdentityClient({ endpoint: first.url, region: 'us-east-1' });
    const logins = { [first.stack.userPools[0]!.providerName]: tokens.idToken };
    const { IdentityId } = await ci1.send(new GetIdCommand({ IdentityPoolId: first.info.identityPoolId, Logins: logins }));
    const info1 = first.info;
    await first.close();

    // Files are private: 0700 dir, 0600 files, no temp files left behind.
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(Object.values(STATE_FILES).sort()); // the lock is gone too
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, STATE_FILES.idp), 'utf8')).not.toContain('demoPASS123');

    const second = await start({ stateDir: dir });
    const portless = (i: typeof info1) => ({ ...i, apiUrl: '', endpoints: null, apis: i.apis.map((a) => ({ ...a, url: '' })) });
    expect(portless(second.info)).toEqual(portless(info1));
    const idp = new CognitoIdentityProviderClient({ endpoint: second.url, region: 'us-east-1', credentials: fakeCreds });
    const refreshed = await idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: second.info.userPoolClientId, AuthParameters: { REFRESH_TOKEN: tokens.refreshToken } }));
    expect(refreshed.AuthenticationResult?.IdToken).toBeTruthy();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    // The old ID token still verifies (same signing keys) and maps to the same identity.
    const ci2 = new CognitoIdentityClient({ endpoint: second.url, region: 'us-east-1' });
    expect((await ci2.send(new GetIdCommand({ IdentityPoolId: second.info.identityPoolId, Logins: logins }))).IdentityId).toBe(IdentityId);
    expect((await ci2.send(new GetIdCommand({ IdentityPoolId: second.info.identityPoolId, Logins: { [second.stack.userPools[0]!.providerName]: refreshed.AuthenticationResult!.IdToken! } }))).IdentityId).toBe(IdentityId);
  });

  test('without a state dir nothing survives: another API key, the old refresh token is unknown', async () => {
    const first = await start();
    const tokens = await srpLogin(first.info, 'demouser', 'demoPASS123');
    await first.close();
    const second = await start();
    expect(second.info.apiKey).not.toBe(first.info.apiKey);
    expect(second.info.userPoolId).toBe(first.info.userPoolId);
    const idp = new CognitoIdentityProviderClient({ endpoint: second.url, region: 'us-east-1', credentials: fakeCreds });
    await expect(idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: second.info.userPoolClientId, AuthParameters: { REFRESH_TOKEN: tokens.refreshToken } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  test('a corrupt state file is a clear error naming it (and the dir is not left locked)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILES.secrets), '{not json');
    await expect(startLocal({ stateDir: dir })).rejects.toThrow(`${join(dir, STATE_FILES.secrets)} is not valid JSON`);
    expect(readdirSync(dir)).toEqual([STATE_FILES.secrets]);
  });

  test('one emulator per state dir; a lock left by a dead process is taken over', async () => {
    const dir = tempDir();
    const first = await start({ stateDir: dir });
    await expect(startLocal({ stateDir: dir })).rejects.toThrow(`state dir ${dir} is in use by another emulator (pid ${process.pid})`);
    await first.close();
    writeFileSync(join(dir, 'emulator.pid'), '2147483646\n'); // no such process
    const second = await start({ stateDir: dir });
    expect(readFileSync(join(dir, 'emulator.pid'), 'utf8')).toBe(`${process.pid}\n`);
    await second.close();
  });
});
