// Wire details as API Gateway and Cognito send them, checked on a running stack:
// random request ids, Content-Length on every JSON answer, the masked account in
// AccessDenied, and a path written another way (trailing slash, %-encoded unreserved
// characters, the stage itself) reaching the same route and naming the same resource.
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { NodeSha256 } from '../../../src/local/apigw/node-sha256.js';
import { userCreds, type Creds } from '../helpers/credentials.js';

let s: LocalStack;
let user: Creds;
let guest: Creds;
beforeAll(async () => {
  s = await startLocal();
  user = await userCreds(s);
  const ci = new CognitoIdentityClient({ endpoint: s.url, region: s.info.region });
  const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }));
  const c = (await ci.send(new GetCredentialsForIdentityCommand({ IdentityId }))).Credentials!;
  guest = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
});
afterAll(async () => {
  await s?.close();
});

/** GET `path` (as written, after the API's origin), signed for `creds` over exactly that path. */
async function get(path: string, creds?: Creds) {
  const origin = new URL(s.info.apiUrl);
  let headers: Record<string, string> = { host: origin.host, 'x-api-key': s.info.apiKey };
  if (creds) {
    const signer = new SignatureV4({ credentials: creds, region: s.info.region, service: 'execute-api', sha256: NodeSha256 });
    headers = (await signer.sign(new HttpRequest({ method: 'GET', protocol: 'http:', hostname: origin.hostname, port: Number(origin.port), path, headers }))).headers as Record<string, string>;
  }
  const res = await fetch(`${origin.origin}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('API Gateway', () => {
  test('request ids are random per answer; x-amz-apigw-id has the captured shape', async () => {
    const a = await get('/prod/no-auth');
    const b = await get('/prod/no-auth');
    expect(a.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.headers.get('x-amzn-requestid')).not.toBe(b.headers.get('x-amzn-requestid'));
    expect(a.headers.get('x-amz-apigw-id')).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(a.headers.get('x-amz-apigw-id')).not.toBe(b.headers.get('x-amz-apigw-id'));
    expect(a.headers.get('content-length')).toBe(String(Buffer.byteLength(a.text)));
  });

  test('a trailing slash and %-encoded unreserved characters reach the same route and name the same resource', async () => {
    for (const path of ['/prod/no-auth', '/prod/no-auth/', '/prod/no%2Dauth', '/prod/%6E%6F-auth/', '/pr%6Fd/no-auth']) {
      const r = await get(path);
      expect([path, r.status, r.text]).toEqual([path, 200, '{"message":"Open for All!"}']);
    }
    const arn = `arn:aws:execute-api:us-east-1:********9012:${s.stack.apis[0]!.id}/prod/GET/require-auth`;
    for (const path of ['/prod/require-auth', '/prod/require-auth/', '/prod/%72equire%2Dauth', '/pr%6Fd/require-auth']) {
      const denied = await get(path, guest);
      expect([path, denied.status, denied.headers.get('x-amzn-errortype')]).toEqual([path, 403, 'AccessDeniedException']);
      expect(JSON.parse(denied.text).Message).toContain(`on resource: ${arn} because no identity-based policy allows`);
      // The user's policy names the resource without a trailing slash: allowed all the same.
      expect([path, (await get(path, user)).status]).toEqual([path, 200]);
    }
  });

  test('AccessDenied masks the account id in the resource ARN only', async () => {
    const denied = JSON.parse((await get('/prod/require-auth', guest)).text).Message as string;
    expect(denied).toMatch(/^User: arn:aws:sts::123456789012:assumed-role\/[^/]+\/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:\*{8}9012:/);
  });

  test('an unknown stage at the API\'s base URL: Forbidden, as API Gateway answers it', async () => {
    const r = await get('/staging/no-auth');
    expect([r.status, r.headers.get('x-amzn-errortype'), r.text]).toEqual([403, 'ForbiddenException', '{"message":"Forbidden"}']);
    expect(r.headers.get('content-length')).toBe('23');
  });

  test('a request scoped to another region and service lists both problems in one message', async () => {
    const origin = new URL(s.info.apiUrl);
    const signer = new SignatureV4({ credentials: user, region: 'eu-west-1', service: 'lambda', sha256: NodeSha256 });
    const signed = await signer.sign(new HttpRequest({ method: 'GET', protocol: 'http:', hostname: origin.hostname, port: Number(origin.port), path: '/prod/require-auth', headers: { host: origin.host, 'x-api-key': s.info.apiKey } }));
    const res = await fetch(`${origin.origin}/prod/require-auth`, { headers: signed.headers as Record<string, string> });
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(await res.text()).toBe(`{"message":"Credential should be scoped to a valid region. Credential should be scoped to correct service: 'execute-api'. "}`);
  });
});

test('Cognito answers carry Content-Length, not chunked encoding', async () => {
  for (const [target, body] of [
    ['AWSCognitoIdentityService.GetId', { IdentityPoolId: s.info.identityPoolId }],
    ['AWSCognitoIdentityProviderService.InitiateAuth', {}],
  ] as const) {
    const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body) });
    const text = await res.text();
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  }
});
