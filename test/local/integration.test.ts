// The emulator driven end to end by clients nobody here wrote: the AWS SDK's Cognito
// Identity client, amazon-cognito-identity-js (SRP), the AWS CLI (STS), and requests
// signed by @smithy/signature-v4 and aws4.
import { execFile } from 'node:child_process';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { awsToolEnv } from '../helpers/aws-env.js';
import { srpLogin } from './srp-login.js';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken: string }

/** SHA-256 for @smithy/signature-v4, on node:crypto. */
class Sha256 {
  private h: Hash | Hmac;
  private readonly secret: Buffer | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined ? undefined : typeof secret === 'string' ? Buffer.from(secret) : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.h = this.make();
  }
  private make() { return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret); }
  update(data: string | Uint8Array) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
  reset() { this.h = this.make(); }
}

let s: LocalStack;
let guest: Creds;
let user: Creds;
let guestIdentity: string;
let userIdentity: string;

beforeAll(async () => {
  s = await startLocal({ port: 0 });
  const ci = new CognitoIdentityClient({ endpoint: s.url, region: s.info.region });
  const toCreds = (c: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string } | undefined): Creds => ({
    accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretKey!, sessionToken: c!.SessionToken!,
  });

  guestIdentity = (await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }))).IdentityId!;
  const g = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guestIdentity }));
  guest = toCreds(g.Credentials);
  expect(g.Credentials!.Expiration).toBeInstanceOf(Date);
  expect(Math.abs(g.Credentials!.Expiration!.getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);

  const tokens = await srpLogin(s.info, 'demouser', 'demoPASS123');
  const logins = { [`cognito-idp.${s.info.region}.amazonaws.com/${s.info.userPoolId}`]: tokens.idToken };
  userIdentity = (await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: logins }))).IdentityId!;
  const u = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: userIdentity, Logins: logins }));
  user = toCreds(u.Credentials);
});
afterAll(async () => {
  await s?.close();
});

const roleName = (logicalId: string) => s.stack.roles.find((r) => r.logicalId === logicalId)!.name;

describe('Identity Pool through @aws-sdk/client-cognito-identity', () => {
  test('guest and user get credentials of their own identities', () => {
    expect(guestIdentity).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(userIdentity).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(userIdentity).not.toBe(guestIdentity);
    expect(guest.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(s.credentials.get(guest.accessKeyId)).toMatchObject({ authenticated: false, roleLogicalId: 'UnauthenticatedRole' });
    expect(s.credentials.get(user.accessKeyId)).toMatchObject({ authenticated: true, roleLogicalId: 'AuthenticatedRole', identityId: userIdentity });
  });

  test('an access token in Logins is refused with AWS\'s message', async () => {
    const tokens = await srpLogin(s.info, 'demouser', 'demoPASS123');
    const ci = new CognitoIdentityClient({ endpoint: s.url, region: s.info.region });
    await expect(ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: { [`cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}`]: tokens.accessToken } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid login token. Missing a required claim: aud' });
  });
});

describe('STS through the real AWS CLI', () => {
  const awsBin = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
  function callerIdentity(creds: Creds): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = awsToolEnv(creds);
    return new Promise((resolve) => {
      execFile(awsBin, ['--endpoint-url', s.url, '--region', 'us-east-1', 'sts', 'get-caller-identity', '--output', 'json'], { env, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    });
  }

  test('shows the assumed role of user and guest credentials', async () => {
    const [u, g] = await Promise.all([callerIdentity(user), callerIdentity(guest)]);
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    const role = s.stack.roles.find((r) => r.logicalId === 'AuthenticatedRole')!;
    expect(JSON.parse(u.stdout)).toEqual({
      UserId: `${role.roleId}:CognitoIdentityCredentials`,
      Account: '123456789012',
      Arn: `arn:aws:sts::123456789012:assumed-role/${role.name}/CognitoIdentityCredentials`,
    });
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout).Arn).toBe(`arn:aws:sts::123456789012:assumed-role/${roleName('UnauthenticatedRole')}/CognitoIdentityCredentials`);
  });

  test('refuses credentials it never issued, as AWS does', async () => {
    const r = await callerIdentity({ ...user, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('InvalidClientTokenId');
    expect(r.stderr).toContain('The security token included in the request is invalid.');
  });
});

describe('API Gateway with signed requests', () => {
  async function smithyGet(route: string, creds: Creds): Promise<{ status: number; body: string }> {
    const url = new URL(`${s.info.apiUrl}/${route}`);
    const signer = new SignatureV4({ credentials: creds, region: s.info.region, service: 'execute-api', sha256: Sha256 });
    const req = await signer.sign(new HttpRequest({
      method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
      headers: { host: url.host, 'x-api-key': s.info.apiKey },
    }));
    const res = await fetch(url, { headers: req.headers as Record<string, string> });
    return { status: res.status, body: await res.text() };
  }
  async function aws4Get(route: string, creds: Creds): Promise<{ status: number; body: string }> {
    const url = new URL(`${s.info.apiUrl}/${route}`);
    const opts = aws4.sign({ host: url.host, path: url.pathname, method: 'GET', service: 'execute-api', region: s.info.region, headers: { 'x-api-key': s.info.apiKey } }, creds);
    const res = await fetch(url, { headers: opts.headers as Record<string, string> });
    return { status: res.status, body: await res.text() };
  }

  test('guest: no-auth allowed, require-auth refused with the IAM message', async () => {
    expect(await smithyGet('no-auth', guest)).toEqual({ status: 200, body: '{"message":"Open for All!"}' });
    const denied = await smithyGet('require-auth', guest);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toEqual({
      Message: `User: arn:aws:sts::123456789012:assumed-role/${roleName('UnauthenticatedRole')}/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:${s.stack.apis[0]!.id}/prod/GET/require-auth because no identity-based policy allows the execute-api:Invoke action`,
    });
  });

  test('user: both routes allowed, with either signer', async () => {
    expect(await smithyGet('no-auth', user)).toEqual({ status: 200, body: '{"message":"Open for All!"}' });
    expect(await smithyGet('require-auth', user)).toEqual({ status: 200, body: '{"message":"You\'re past the velvet rope!"}' });
    expect((await aws4Get('require-auth', user)).status).toBe(200);
    expect((await aws4Get('require-auth', { ...user, secretAccessKey: 'x'.repeat(40) })).status).toBe(403);
  });
});
