// The REST API reached by other names: a second hostname on its own listener, a
// custom domain with base path mappings, a VPC-endpoint-style host with
// `x-apigw-api-id`. The signature always covers the Host and path as sent.
import { request } from 'node:http';
import aws4 from 'aws4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { userCreds, type Creds } from '../helpers/credentials.js';
import { echoTemplate } from '../helpers/template.js';
import { srpLogin } from '../srp-login.js';

let s: LocalStack;
let creds: Creds;
let idToken: string;
beforeAll(async () => {
  s = await startLocal({
    templatePath: echoTemplate(),
    customDomains: [
      { host: 'api.example.test', basePath: 'v1', api: 'Api' },
      { host: 'api.example.test', basePath: 'v1/deep', api: 'Api', stage: 'prod' },
      { host: 'Root.Example.test', api: 'Api' },
    ],
  });
  creds = await userCreds(s);
  idToken = (await srpLogin(s.info, 'demouser', 'demoPASS123')).idToken;
});
afterAll(async () => {
  await s?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET to the listener at `base`, with the Host header given (whatever name the client used). */
function get(base: string, host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const port = new URL(base).port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { ...headers, Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** SigV4 headers for a GET of `path` at `host`, with the API key. */
function signed(host: string, path: string): Record<string, string> {
  const out = aws4.sign({ host, path, method: 'GET', service: 'execute-api', region: s.info.region, headers: { 'x-api-key': s.info.apiKey } }, creds);
  return Object.fromEntries(Object.entries(out.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'host').map(([k, v]) => [k, String(v)]));
}

const api = () => s.info.apis[0]!;
const port = (url: string) => new URL(url).port;

describe("the API's own listener under a second hostname", () => {
  test('localhost:<port> instead of 127.0.0.1:<port>: the signature covers the Host sent', async () => {
    const host = `localhost:${port(api().url)}`;
    const ok = await get(api().url, host, '/prod/require-auth', signed(host, '/prod/require-auth'));
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { message: "You're past the velvet rope!" }]);
    // Signed for the other name, sent with this one: the signature does not match.
    const other = await get(api().url, host, '/prod/require-auth', signed(`127.0.0.1:${port(api().url)}`, '/prod/require-auth'));
    expect([other.status, other.headers['x-amzn-errortype']]).toEqual([403, 'InvalidSignatureException']);
    expect(JSON.parse(other.body).message).toContain(`host:${host}\n`);
  });
});

describe('a custom domain with base path mappings (customDomains)', () => {
  test('/v1/<path> reaches stage prod: key, SigV4 over the custom host and path, a token', async () => {
    const base = s.info.domainsUrl!;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const host = `api.example.test:${port(base)}`;
    const open = await get(base, host, '/v1/no-auth', { 'x-api-key': s.info.apiKey });
    expect([open.status, JSON.parse(open.body)]).toEqual([200, { message: 'Open for All!' }]);
    const iam = await get(base, host, '/v1/require-auth', signed(host, '/v1/require-auth'));
    expect(iam.status).toBe(200);
    // The stage path is not what was signed: signed for /prod/require-auth, refused.
    const wrong = await get(base, host, '/v1/require-auth', signed(host, '/prod/require-auth'));
    expect([wrong.status, wrong.headers['x-amzn-errortype']]).toEqual([403, 'InvalidSignatureException']);
    const token = await get(base, host, '/v1/require-token', { 'x-api-key': s.info.apiKey, Authorization: idToken });
    expect(token.status).toBe(200);
    expect(s.info.apis[0]!.url).not.toContain('example');
  });

  test('the event: path and requestContext.path as sent, resource and stage as mapped, the custom domain name', async () => {
    const base = s.info.domainsUrl!;
    const host = `api.example.test:${port(base)}`;
    const r = await get(base, host, '/v1/echo?x=1', { 'x-api-key': s.info.apiKey, Authorization: idToken });
    const event = JSON.parse(r.body) as { path: string; resource: string; requestContext: Record<string, unknown> };
    expect(event).toMatchObject({ path: '/v1/echo', resource: '/echo', requestContext: { path: '/v1/echo', stage: 'prod', resourcePath: '/echo', domainName: host, domainPrefix: 'api' } });
    // The longer base path wins.
    const deep = await get(base, host, '/v1/deep/echo', { 'x-api-key': s.info.apiKey, Authorization: idToken });
    expect(JSON.parse(deep.body)).toMatchObject({ path: '/v1/deep/echo', resource: '/echo' });
  });

  test('a root mapping (host compared case-insensitively); paths no mapping covers and unknown hosts are Forbidden', async () => {
    const base = s.info.domainsUrl!;
    const root = await get(base, `root.example.test:${port(base)}`, '/no-auth', { 'x-api-key': s.info.apiKey });
    expect(root.status).toBe(200);
    for (const [host, path] of [[`api.example.test:${port(base)}`, '/v2/no-auth'], [`api.example.test:${port(base)}`, '/v10/no-auth'], ['elsewhere.test', '/prod/no-auth']] as const) {
      const r = await get(base, host, path, { 'x-api-key': s.info.apiKey });
      expect([r.status, r.headers['x-amzn-errortype'], r.body]).toEqual([403, 'ForbiddenException', '{"message":"Forbidden"}']);
    }
  });
});

describe('a private API through a VPC endpoint name (x-apigw-api-id)', () => {
  test('the header picks the API; the path starts with its stage; the signature covers the endpoint host', async () => {
    const base = s.info.domainsUrl!;
    const host = 'vpce-0123456789abcdef-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com';
    const headers = { ...signed(host, '/prod/require-auth'), 'x-apigw-api-id': api().id };
    const r = await get(base, host, '/prod/require-auth', headers);
    expect([r.status, JSON.parse(r.body)]).toEqual([200, { message: "You're past the velvet rope!" }]);
    const unknown = await get(base, host, '/prod/no-auth', { 'x-api-key': s.info.apiKey, 'x-apigw-api-id': 'abcdefghij' });
    expect([unknown.status, unknown.headers['x-amzn-errortype']]).toEqual([403, 'ForbiddenException']);
  });
});

test('a mapping to an API or stage the template does not have is refused at start', async () => {
  await expect(startLocal({ customDomains: [{ host: 'a.test', api: 'Nope' }] })).rejects.toThrow('custom domain a.test: no API Nope in the template (it has Api)');
  await expect(startLocal({ customDomains: [{ host: 'a.test', api: 'Api', stage: 'dev' }] })).rejects.toThrow('custom domain a.test: API Api has no stage dev (it has prod)');
});
