import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import aws4 from 'aws4';
import { describe, expect, test } from 'vitest';
import { verifySigV4 } from '../../../src/local/apigw/sigv4-verify.js';
import { MemoryCredentialRegistry, type IssuedCredentials } from '../../../src/local/credentials.js';
import type { LocalRequest } from '../../../src/local/model.js';
import { isStsRequest, StsService } from '../../../src/local/sts/service.js';
import { buildStackModel } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const stack = buildStackModel(readFileSync(TEMPLATE, 'utf8'), { templatePath: TEMPLATE }).model;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const creds: IssuedCredentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'S'.repeat(40),
  sessionToken: 'session-token-value',
  expiration: T0 + 3_600_000,
  identityId: 'us-east-1:11111111-1111-4111-8111-111111111111',
  identityPoolId: stack.identityPools[0]!.id,
  authenticated: true,
  roleLogicalId: 'AuthenticatedRole',
};

function setup(now = T0) {
  const credentials = new MemoryCredentialRegistry([creds]);
  const clock = { now: () => now };
  return new StsService({ stack, credentials, clock, verify: verifySigV4 });
}

function signed(opts: { body?: string; at?: number; key?: Partial<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>; region?: string } = {}): LocalRequest {
  const body = opts.body ?? 'Action=GetCallerIdentity&Version=2011-06-15';
  const req = aws4.sign(
    {
      host: '127.0.0.1:4566', method: 'POST', path: '/', service: 'sts', region: opts.region ?? 'us-east-1', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'X-Amz-Date': amzDate(opts.at ?? T0) },
    },
    { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, ...opts.key },
  );
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    headers[k.toLowerCase()] = String(v);
    rawHeaders.push(k, String(v));
  }
  return { method: 'POST', url: '/', headers, rawHeaders, body: Buffer.from(body), sourceIp: '127.0.0.1' };
}

const role = stack.roles.find((r) => r.logicalId === 'AuthenticatedRole')!;

describe('GetCallerIdentity', () => {
  test('answers the assumed role of Cognito credentials, as XML', async () => {
    const res = await setup().handle(signed());
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/xml');
    const xml = String(res.body);
    expect(xml).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(xml).toContain(`<Arn>arn:aws:sts::123456789012:assumed-role/${role.name}/CognitoIdentityCredentials</Arn>`);
    expect(xml).toContain(`<UserId>${role.roleId}:CognitoIdentityCredentials</UserId>`);
    expect(xml).toContain('<Account>123456789012</Account>');
    expect(xml).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  test('accepts a signature scoped to another region (one endpoint serves all)', async () => {
    expect((await setup().handle(signed({ region: 'eu-west-1' }))).status).toBe(200);
  });

  const error = (xml: string) => ({
    code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1],
    type: /<Type>([^<]*)<\/Type>/.exec(xml)?.[1],
  });

  test.each([
    ['an unknown access key', { key: { accessKeyId: 'ASIAUNKNOWNUNKNOWN00' } }, T0, 'InvalidClientTokenId', 'The security token included in the request is invalid.'],
    ['a wrong session token', { key: { sessionToken: 'other' } }, T0, 'InvalidClientTokenId', 'The security token included in the request is invalid.'],
    ['a wrong secret', { key: { secretAccessKey: 'x'.repeat(40) } }, T0, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'],
    ['expired credentials', {}, T0 + 3_600_000, 'ExpiredToken', 'The security token included in the request is expired'],
  ])('refuses %s with 403', async (_n, opts, now, code, message) => {
    const res = await setup(now).handle(signed({ ...opts, at: now }));
    expect(res.status).toBe(403);
    expect(error(String(res.body))).toEqual({ code, message, type: 'Sender' });
    expect(String(res.body)).toMatch(/^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
  });

  test('refuses a request signed too long ago', async () => {
    const res = await setup(T0 + 6 * 60_000).handle(signed());
    expect(res.status).toBe(403);
    expect(error(String(res.body))).toMatchObject({ code: 'SignatureDoesNotMatch', message: expect.stringMatching(/^Signature expired: 20260115T120000Z is now earlier than/) });
  });

  test('refuses unsigned requests and unknown actions', async () => {
    const unsigned: LocalRequest = { method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawHeaders: [], body: Buffer.from('Action=GetCallerIdentity'), sourceIp: '' };
    const res = await setup().handle(unsigned);
    expect(res.status).toBe(403);
    expect(error(String(res.body)).code).toBe('MissingAuthenticationToken');
    const other = await setup().handle(signed({ body: 'Action=AssumeRole&Version=2011-06-15' }));
    expect(other.status).toBe(400);
    expect(error(String(other.body))).toMatchObject({ code: 'InvalidAction', message: 'Could not find operation AssumeRole for version 2011-06-15' });
  });
});

test('isStsRequest recognises form Actions and sts-scoped signatures only', () => {
  expect(isStsRequest(signed())).toBe(true);
  const base = { method: 'POST', url: '/', rawHeaders: [], sourceIp: '' };
  expect(isStsRequest({ ...base, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Version=1&Action=GetCallerIdentity') })).toBe(true);
  expect(isStsRequest({ ...base, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })).toBe(false);
  expect(isStsRequest({ ...base, method: 'GET', url: '/?Action=GetCallerIdentity&Version=2011-06-15', headers: {}, body: Buffer.alloc(0) })).toBe(true);
  // A form posted to an API route is the API's, even with an Action field.
  expect(isStsRequest({ ...base, url: '/prod/items', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Action=buy') })).toBe(false);
  expect(isStsRequest({ ...base, method: 'GET', url: '/prod/no-auth', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/execute-api/aws4_request' }, body: Buffer.alloc(0) })).toBe(false);
});
