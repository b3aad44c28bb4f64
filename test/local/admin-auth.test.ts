// Admin operations need a real SigV4 signature from the administrator credentials the
// emulator issued (LocalInfo.admin, which `authapi local` keeps in the profile), as
// AWS needs IAM credentials: driven with @aws-sdk/client-cognito-identity-provider,
// @aws-sdk/client-cognito-identity, the AWS CLI v2 and botocore (python3).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  AdminInitiateAuthCommand, CognitoIdentityProviderClient, DescribeUserPoolClientCommand, DescribeUserPoolCommand,
  GetTokensFromRefreshTokenCommand, ListUserPoolsCommand, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { awsToolEnv } from '../helpers/aws-env.js';
import { templateVariant } from '../auth/helpers/stack.js';

let s: LocalStack;
const sdk = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new CognitoIdentityProviderClient({ endpoint: s.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const MADE_UP = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

beforeAll(async () => {
  s = await startLocal({ templatePath: templateVariant({ extraAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'] }) });
});
afterAll(() => s?.close());

describe('SigV4 on admin calls (@aws-sdk/client-cognito-identity-provider)', () => {
  test('the issued credentials work; a made-up key, a wrong secret and no signature are refused as AWS refuses them', async () => {
    const users = await sdk(s.info.admin).send(new ListUsersCommand({ UserPoolId: s.info.userPoolId }));
    expect(users.Users?.map((u) => u.Username)).toEqual(['demouser']);
    await expect(sdk(MADE_UP).send(new ListUsersCommand({ UserPoolId: s.info.userPoolId })))
      .rejects.toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    await expect(sdk({ ...s.info.admin, secretAccessKey: MADE_UP.secretAccessKey }).send(new ListUsersCommand({ UserPoolId: s.info.userPoolId })))
      .rejects.toMatchObject({ name: 'InvalidSignatureException', message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided\./) });
    const unsigned = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      body: JSON.stringify({ UserPoolId: s.info.userPoolId }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  test('the JSON answers carry Content-Length and a fresh request id each time', async () => {
    const call = () => fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken' },
      body: '{}',
    });
    const [a, b] = [await call(), await call()];
    const body = await a.text();
    expect(a.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(a.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-amzn-requestid')).not.toBe(b.headers.get('x-amzn-requestid'));
  });

  test('DescribeUserPool, DescribeUserPoolClient and ListUserPools come from the template', async () => {
    const admin = sdk(s.info.admin);
    const { UserPool } = await admin.send(new DescribeUserPoolCommand({ UserPoolId: s.info.userPoolId }));
    const pool = s.stack.userPools[0]!;
    expect(UserPool).toMatchObject({
      Id: pool.id, Name: pool.name, Arn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${pool.id}`,
      MfaConfiguration: pool.mfaConfiguration, EstimatedNumberOfUsers: 1,
      Policies: { PasswordPolicy: { MinimumLength: pool.passwordPolicy.minimumLength, RequireSymbols: pool.passwordPolicy.requireSymbols } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: pool.allowAdminCreateUserOnly },
    });
    expect(UserPool?.CreationDate).toBeInstanceOf(Date);
    const { UserPoolClient } = await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: s.info.userPoolId, ClientId: s.info.userPoolClientId }));
    expect(UserPoolClient).toMatchObject({
      ClientId: s.info.userPoolClientId, ClientName: 'authapi-cli', AccessTokenValidity: 1, IdTokenValidity: 1, RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
      PreventUserExistenceErrors: 'ENABLED', EnableTokenRevocation: true, AuthSessionValidity: 3,
      RefreshTokenRotation: { Feature: 'DISABLED', RetryGracePeriodSeconds: 0 },
    });
    expect(UserPoolClient).not.toHaveProperty('ClientSecret');
    await expect(admin.send(new DescribeUserPoolClientCommand({ UserPoolId: s.info.userPoolId, ClientId: 'nosuchclient' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool client nosuchclient does not exist.' });
    const listed = await admin.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    expect(listed.UserPools?.map((p) => [p.Id, p.Name])).toEqual([[pool.id, pool.name]]);
    await expect(admin.send(new ListUserPoolsCommand({ MaxResults: 61 })))
      .rejects.toMatchObject({ name: 'InvalidParameterException', message: "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60" });
  });

  test('AdminInitiateAuth: ADMIN_USER_PASSWORD_AUTH where the client allows it, its tokens refresh', async () => {
    const admin = sdk(s.info.admin);
    const out = await admin.send(new AdminInitiateAuthCommand({
      UserPoolId: s.info.userPoolId, ClientId: s.info.userPoolClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'demouser', PASSWORD: 'demoPASS123' },
    }));
    expect(out.AuthenticationResult?.IdToken).toMatch(/^ey/);
    await expect(admin.send(new AdminInitiateAuthCommand({
      UserPoolId: s.info.userPoolId, ClientId: s.info.userPoolClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'demouser', PASSWORD: 'wrongPASS123' },
    }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const refreshed = await sdk(MADE_UP).send(new GetTokensFromRefreshTokenCommand({ ClientId: s.info.userPoolClientId, RefreshToken: out.AuthenticationResult!.RefreshToken! }));
    expect(refreshed.AuthenticationResult?.AccessToken).toMatch(/^ey/);
    await expect(sdk(MADE_UP).send(new AdminInitiateAuthCommand({
      UserPoolId: s.info.userPoolId, ClientId: s.info.userPoolClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'demouser', PASSWORD: 'demoPASS123' },
    }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  test('lists every validation error of a request at once', async () => {
    await expect(sdk(s.info.admin).send(new AdminInitiateAuthCommand({} as never)))
      .rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: "3 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
      });
  });
});

describe('SigV4 on DescribeIdentityPool (@aws-sdk/client-cognito-identity)', () => {
  test('answers from the template with the issued credentials; refuses a made-up key', async () => {
    const ci = (credentials: typeof MADE_UP) => new CognitoIdentityClient({ endpoint: s.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const out = await ci(s.info.admin).send(new DescribeIdentityPoolCommand({ IdentityPoolId: s.info.identityPoolId }));
    expect(out).toMatchObject({
      IdentityPoolId: s.info.identityPoolId, IdentityPoolName: 'authapi-local_identities', AllowUnauthenticatedIdentities: true,
      CognitoIdentityProviders: [{ ProviderName: s.stack.userPools[0]!.providerName, ClientId: s.info.userPoolClientId, ServerSideTokenCheck: false }],
    });
    await expect(ci(MADE_UP).send(new DescribeIdentityPoolCommand({ IdentityPoolId: s.info.identityPoolId })))
      .rejects.toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });
});

const awsEnv = awsToolEnv;

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('the AWS CLI v2', () => {
  // .ci/run installs Debian's awscli (v2); elsewhere the one on PATH is used.
  const awsBin = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
  const aws = (args: string[], creds: typeof MADE_UP) => run(awsBin, ['--endpoint-url', s.url, '--output', 'json', 'cognito-idp', ...args], awsEnv(creds));

  test('describe-user-pool-client and admin-initiate-auth with the issued key; a made-up key is refused', async () => {
    const d = await aws(['describe-user-pool-client', '--user-pool-id', s.info.userPoolId, '--client-id', s.info.userPoolClientId], s.info.admin);
    expect(d.stderr).toBe('');
    expect(JSON.parse(d.stdout).UserPoolClient.ClientId).toBe(s.info.userPoolClientId);
    const auth = await aws(['admin-initiate-auth', '--user-pool-id', s.info.userPoolId, '--client-id', s.info.userPoolClientId,
      '--auth-flow', 'ADMIN_USER_PASSWORD_AUTH', '--auth-parameters', 'USERNAME=demouser,PASSWORD=demoPASS123'], s.info.admin);
    expect(auth.code).toBe(0);
    expect(JSON.parse(auth.stdout).AuthenticationResult.TokenType).toBe('Bearer');
    const bad = await aws(['list-users', '--user-pool-id', s.info.userPoolId], MADE_UP);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('UnrecognizedClientException');
    expect(bad.stderr).toContain('The security token included in the request is invalid.');
  });
});

describe('botocore (python3)', () => {
  const script = `
import json, sys, boto3, botocore
args = json.loads(sys.stdin.read())
c = boto3.client('cognito-idp', endpoint_url=args['url'], region_name='us-east-1')
out = {}
out['pools'] = [p['Id'] for p in c.list_user_pools(MaxResults=5)['UserPools']]
out['client'] = c.describe_user_pool_client(UserPoolId=args['pool'], ClientId=args['client'])['UserPoolClient']['ClientName']
try:
    c.get_tokens_from_refresh_token(ClientId=args['client'], RefreshToken='bogus')
except botocore.exceptions.ClientError as e:
    out['refresh'] = [e.response['Error']['Code'], e.response['Error']['Message']]
print(json.dumps(out))
`;
  test('list_user_pools, describe_user_pool_client, get_tokens_from_refresh_token', async (ctx) => {
    const probe = await run('python3', ['-c', 'import boto3'], awsEnv(MADE_UP));
    if (probe.code !== 0) {
      // Required in CI; a contributor without boto3 skips with the reason.
      if (process.env.CI) throw new Error(`python3 with boto3 is required in CI: ${probe.stderr}`);
      ctx.skip('python3 with boto3 is not installed');
    }
    const r = await run('python3', ['-c', script], awsEnv(s.info.admin), JSON.stringify({ url: s.url, pool: s.info.userPoolId, client: s.info.userPoolClientId }));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ pools: [s.info.userPoolId], client: 'authapi-cli', refresh: ['NotAuthorizedException', 'Invalid Refresh Token.'] });
  });
});

describe('Credentials.Expiration as AWS writes it', () => {
  test('a Java double in the body (1.7…E9); the SDK v3 and botocore read the same instant', async (ctx) => {
    const ci = new CognitoIdentityClient({ endpoint: s.url, region: 'us-east-1', maxAttempts: 1 });
    const id = (await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }))).IdentityId!;
    const raw = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity' },
      body: JSON.stringify({ IdentityId: id }),
    });
    const text = await raw.text();
    const m = /"Expiration":(\d\.\d+E9)[,}]/.exec(text);
    expect(m, text.replace(/"(SecretKey|SessionToken)":"[^"]+"/g, '"$1":"…"')).not.toBeNull();
    expect(Number.isInteger(Number(m![1]))).toBe(true);
    expect(raw.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));

    const viaSdk = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: id }));
    expect(viaSdk.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(viaSdk.Credentials!.Expiration!.getTime()).toBe(s.credentials.get(viaSdk.Credentials!.AccessKeyId!)!.expiration);

    const probe = await run('python3', ['-c', 'import boto3'], awsEnv(MADE_UP));
    if (probe.code !== 0) {
      if (process.env.CI) throw new Error(`python3 with boto3 is required in CI: ${probe.stderr}`);
      ctx.skip('python3 with boto3 is not installed');
    }
    const py = `
import json, sys, boto3
a = json.loads(sys.stdin.read())
c = boto3.client('cognito-identity', endpoint_url=a['url'], region_name='us-east-1')
cr = c.get_credentials_for_identity(IdentityId=a['id'])['Credentials']
print(json.dumps([cr['AccessKeyId'], cr['Expiration'].timestamp()]))
`;
    const r = await run('python3', ['-c', py], awsEnv(MADE_UP), JSON.stringify({ url: s.url, id }));
    expect(r.stderr).toBe('');
    const [keyId, at] = JSON.parse(r.stdout) as [string, number];
    expect(at * 1000).toBe(s.credentials.get(keyId)!.expiration);
  });
});
