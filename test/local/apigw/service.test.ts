// ApiGatewayService over real HTTP (listen() on port 0), driven by aws4- and
// smithy-signed requests: allowed calls, the Lambda proxy event and response, and
// every refusal with AWS's exact status, body and x-amzn-ErrorType.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCredentialRegistry } from '../../../src/local/credentials.js';
import { listen, type Listening } from '../../../src/local/http.js';
import { ApiGatewayService } from '../../../src/local/apigw/service.js';
import { ACCOUNT, API_ID, IDENTITY_POOL_ID, KEYS, PROVIDER, STAGE, makeCredentials, makeStack, type StackOptions } from './fixtures/stack.js';
import { send, signAws4, signSmithy, type Creds, type Outgoing, type Sent } from './fixtures/clients.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

let now = START;
const clock = { now: () => now };
let server: Listening;
let creds: ReturnType<typeof makeCredentials>;
let handlerErrors: unknown[];

async function start(stackOpts: StackOptions = {}): Promise<void> {
  if (server) await server.close();
  const stack = makeStack(stackOpts);
  creds = makeCredentials(START);
  handlerErrors = [];
  const service = new ApiGatewayService({
    stack,
    api: stack.apis[0]!,
    credentials: new MemoryCredentialRegistry(Object.values(creds)),
    clock,
    onHandlerError: (e) => handlerErrors.push(e),
  });
  server = await listen((req) => service.handle(req));
}

beforeEach(async () => {
  now = START;
  await start();
});
afterEach(async () => {
  await server.close();
});

function expectGatewayError(res: Sent, status: number, errorType: string, body: string): void {
  expect({ status: res.status, body: res.text, type: res.headers['x-amzn-errortype'] }).toEqual({ status, body, type: errorType });
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-amzn-requestid']).toMatch(UUID);
  expect(res.headers['x-amz-apigw-id']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
}

const user = () => creds.user;
const keyed = (extra: Record<string, string> = {}) => ({ 'x-api-key': KEYS.good, ...extra });
const get = (path: string, headers: Record<string, string> = {}): Outgoing => ({ method: 'GET', path, headers });
const sendAws4 = (out: Outgoing, c: Creds = user(), at = now) => send(server.port, signAws4(server.port, out, c, amzDate(at)));

describe('allowed requests', () => {
  it('GET /no-auth with the API key runs the real no-auth handler', async () => {
    const res = await send(server.port, get(`/${STAGE}/no-auth`, keyed()));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ message: 'Open for All!' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-amzn-requestid']).toMatch(UUID);
    expect(res.headers['x-amz-apigw-id']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(res.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(res.headers['x-amzn-errortype']).toBeUndefined();
  });

  it('GET /require-auth signed with aws4 runs the real require-auth handler', async () => {
    const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ message: "You're past the velvet rope!" });
  });

  it('GET /require-auth signed with @smithy/signature-v4 is accepted too', async () => {
    const out = await signSmithy(server.port, get(`/${STAGE}/require-auth`, keyed()), user(), new Date(now));
    const res = await send(server.port, out);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ message: "You're past the velvet rope!" });
  });

  it('accepts a signature made up to 5 minutes before or after the gateway clock', async () => {
    for (const skew of [-300_000, 300_000]) {
      const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), user(), now + skew);
      expect(res.status).toBe(200);
    }
  });

  it('ignores the Authorization header on a NONE route', async () => {
    const res = await send(server.port, get(`/${STAGE}/no-auth`, keyed({ Authorization: 'Bearer nothing-to-see' })));
    expect(res.status).toBe(200);
  });
});

describe('odd paths and queries, signed by aws4 and by smithy', () => {
  // [path as a user gives it to aws4, path on the wire, smithy's raw segments]
  const cases: Array<{ name: string; aws4Path: string; wirePath: string }> = [
    { name: 'space', aws4Path: '/echo/a b', wirePath: '/echo/a%20b' },
    { name: 'unicode', aws4Path: '/echo/ሴ/ü', wirePath: '/echo/%E1%88%B4/%C3%BC' },
    { name: 'plus and equals', aws4Path: '/echo/a+b=c', wirePath: '/echo/a+b=c' },
    { name: 'already percent-encoded', aws4Path: '/echo/100%25/x%2Fy', wirePath: '/echo/100%25/x%2Fy' },
    { name: 'lone percent', aws4Path: '/echo/100%', wirePath: '/echo/100%' },
    { name: 'reserved * @ : ,', aws4Path: '/echo/*@:,', wirePath: '/echo/*@:,' },
    { name: 'trailing slash', aws4Path: '/echo/dir/', wirePath: '/echo/dir/' },
  ];
  for (const c of cases) {
    it(`aws4: ${c.name}`, async () => {
      const res = await sendAws4(get(`/${STAGE}${c.aws4Path}`, keyed()));
      expect(res.status, res.text).toBe(200);
      const { event } = JSON.parse(res.text);
      expect(event.path).toBe(c.wirePath);
      expect(event.requestContext.path).toBe(`/${STAGE}${c.wirePath}`);
    });
    it(`smithy: ${c.name}`, async () => {
      const out = await signSmithy(server.port, get(`/${STAGE}${c.wirePath}`, keyed()), user(), new Date(now));
      const res = await send(server.port, out);
      expect(res.status, res.text).toBe(200);
      expect(JSON.parse(res.text).event.path).toBe(c.wirePath);
    });
  }

  const expectedQuery = {
    queryStringParameters: { a: '2', b: '', flag: '', c: 'd e', e: 'f+g', 'ü': 'ö', 'x y': '*@:,=' },
    multiValueQueryStringParameters: { a: ['1', '2'], b: [''], flag: [''], c: ['d e'], e: ['f+g'], 'ü': ['ö'], 'x y': ['*@:,='] },
  };

  it('aws4: repeated keys, empty values, ?flag, encoded values; decoded and last-wins in the event', async () => {
    const res = await sendAws4(get(`/${STAGE}/echo/q?a=1&a=2&b=&flag&c=d%20e&e=f%2Bg&%C3%BC=%C3%B6&x%20y=*%40%3A%2C%3D`, keyed()));
    expect(res.status, res.text).toBe(200);
    const { event } = JSON.parse(res.text);
    expect(event.queryStringParameters).toEqual(expectedQuery.queryStringParameters);
    expect(event.multiValueQueryStringParameters).toEqual(expectedQuery.multiValueQueryStringParameters);
  });

  it('smithy: the same query, serialized the SDK way', async () => {
    const out = await signSmithy(
      server.port,
      { ...get(`/${STAGE}/echo/q`, keyed()), query: { a: ['1', '2'], b: '', flag: '', c: 'd e', e: 'f+g', 'ü': 'ö', 'x y': '*@:,=' } },
      user(),
      new Date(now),
    );
    const res = await send(server.port, out);
    expect(res.status, res.text).toBe(200);
    const { event } = JSON.parse(res.text);
    expect(event.queryStringParameters).toEqual(expectedQuery.queryStringParameters);
    expect(event.multiValueQueryStringParameters).toEqual(expectedQuery.multiValueQueryStringParameters);
  });

  it('a raw + in the query is a space, in the signature and in the event (form decoding, as API Gateway)', async () => {
    // aws4 reads `+` as a space when it signs and sends %20; send the raw form by hand.
    const signed = signAws4(server.port, get(`/${STAGE}/echo/q?s=-+createdAt`, keyed()), user(), amzDate(now));
    expect(signed.path).toBe(`/${STAGE}/echo/q?s=-%20createdAt`);
    const res = await send(server.port, { ...signed, path: `/${STAGE}/echo/q?s=-+createdAt` });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).event.queryStringParameters).toEqual({ s: '- createdAt' });
  });

  it('POST with a JSON body signed by aws4 (body hash, content-type and content-length signed)', async () => {
    const body = JSON.stringify({ hello: 'wörld' });
    const res = await sendAws4({ method: 'POST', path: `/${STAGE}/echo/post`, headers: keyed({ 'Content-Type': 'application/json' }), body });
    expect(res.status, res.text).toBe(200);
    const { event } = JSON.parse(res.text);
    expect(event.httpMethod).toBe('POST');
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('a changed body after signing is a signature mismatch', async () => {
    const signed = signAws4(server.port, { method: 'POST', path: `/${STAGE}/echo/post`, headers: keyed({ 'Content-Type': 'text/plain' }), body: 'signed' }, user(), amzDate(now));
    const res = await send(server.port, { ...signed, body: 'SIGNED' });
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
  });
});

describe('the Lambda proxy event', () => {
  it('carries the signed caller in requestContext.identity', async () => {
    const res = await sendAws4(get(`/${STAGE}/echo/who?x=1`, keyed({ 'User-Agent': 'test-agent/1.0', 'X-Multi': 'one' })));
    expect(res.status, res.text).toBe(200);
    const { event, functionName } = JSON.parse(res.text);
    expect(functionName).toBe('EchoFunction');
    expect(event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/who',
      httpMethod: 'GET',
      pathParameters: { proxy: 'who' },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers['User-Agent']).toBe('test-agent/1.0');
    expect(event.multiValueHeaders['X-Multi']).toEqual(['one']);
    expect(event.requestContext).toMatchObject({
      resourcePath: '/echo/{proxy+}',
      httpMethod: 'GET',
      path: `/${STAGE}/echo/who`,
      accountId: ACCOUNT,
      stage: STAGE,
      apiId: API_ID,
      protocol: 'HTTP/1.1',
      requestTimeEpoch: START,
      requestTime: '27/Nov/2026:12:00:00 +0000',
      requestId: res.headers['x-amzn-requestid'],
      extendedRequestId: res.headers['x-amz-apigw-id'],
    });
    const u = user();
    expect(event.requestContext.identity).toEqual({
      cognitoIdentityPoolId: IDENTITY_POOL_ID,
      accountId: ACCOUNT,
      cognitoIdentityId: u.identityId,
      caller: 'AROAAUTHENTICATED0001:CognitoIdentityCredentials',
      sourceIp: '127.0.0.1',
      principalOrgId: null,
      accessKey: u.accessKeyId,
      cognitoAuthenticationType: 'authenticated',
      cognitoAuthenticationProvider: `${PROVIDER},${PROVIDER}:CognitoSignIn:${u.sub}`,
      userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/authapi-test-AuthenticatedRole-ABC123/CognitoIdentityCredentials`,
      userAgent: 'test-agent/1.0',
      user: 'AROAAUTHENTICATED0001:CognitoIdentityCredentials',
      apiKey: KEYS.good,
      apiKeyId: 'key1id',
    });
  });

  it('marks a guest as unauthenticated with no provider', async () => {
    const res = await sendAws4(get(`/${STAGE}/echo/guest`, keyed()), creds.guest);
    expect(res.status, res.text).toBe(200);
    const id = JSON.parse(res.text).event.requestContext.identity;
    expect(id).toMatchObject({
      cognitoAuthenticationType: 'unauthenticated',
      cognitoAuthenticationProvider: null,
      cognitoIdentityId: creds.guest.identityId,
      caller: 'AROAUNAUTHENTICATED01:CognitoIdentityCredentials',
      userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/authapi-test-UnauthenticatedRole-XYZ789/CognitoIdentityCredentials`,
    });
  });

  it('is all nulls but sourceIp/userAgent for an unsigned request (apiKey only where a key is required)', async () => {
    const open = JSON.parse((await send(server.port, get(`/${STAGE}/open-echo`, { 'User-Agent': 'ua' }))).text).event;
    expect(open.requestContext.identity).toEqual({
      cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp: '127.0.0.1',
      principalOrgId: null, accessKey: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null,
      userArn: null, userAgent: 'ua', user: null, apiKey: null, apiKeyId: null,
    });
    expect(open.queryStringParameters).toBeNull();
    expect(open.multiValueQueryStringParameters).toBeNull();
    expect(open.pathParameters).toBeNull();
    const keyedEvent = JSON.parse((await send(server.port, get(`/${STAGE}/keyed-echo`, keyed()))).text).event;
    expect(keyedEvent.requestContext.identity).toMatchObject({ apiKey: KEYS.good, apiKeyId: 'key1id', accessKey: null });
  });

  it('passes text bodies as text and binary bodies base64', async () => {
    const text = await send(server.port, { method: 'POST', path: `/${STAGE}/open-echo`, headers: { 'Content-Type': 'text/plain' }, body: 'héllo' });
    expect(JSON.parse(text.text).event).toMatchObject({ body: 'héllo', isBase64Encoded: false });
    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    const bin = await send(server.port, { method: 'POST', path: `/${STAGE}/open-echo`, headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
    expect(JSON.parse(bin.text).event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    const empty = await send(server.port, { method: 'POST', path: `/${STAGE}/open-echo`, headers: {} });
    expect(JSON.parse(empty.text).event).toMatchObject({ body: null, isBase64Encoded: false });
  });
});

describe('the Lambda proxy response', () => {
  const odd = (kind: string) => send(server.port, get(`/${STAGE}/odd/${kind}`));

  it('decodes a base64 body and keeps status and content type', async () => {
    const res = await odd('base64');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect([...res.body]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('accepts a digit-string statusCode, defaults a missing one to 200 and Content-Type to application/json', async () => {
    const s = await odd('string-status');
    expect([s.status, s.text]).toEqual([202, 'accepted']);
    const n = await odd('no-status');
    expect([n.status, n.text, n.headers['content-type']]).toEqual([200, '{"ok":true}', 'application/json']);
    const e = await odd('empty');
    expect([e.status, e.text]).toEqual([200, '']);
  });

  it('merges headers and multiValueHeaders', async () => {
    const res = await odd('multi');
    expect(res.headers['x-one']).toBe('header');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.headers['x-amzn-trace-id']).toMatch(/^Root=1-/);
  });

  it('supports callback-style handlers', async () => {
    const res = await send(server.port, get(`/${STAGE}/callback`));
    expect([res.status, res.text]).toEqual([200, '{"via":"callback"}']);
  });

  for (const kind of ['extra-key', 'non-object', 'null', 'bad-status', 'fraction-status', 'object-body', 'throws']) {
    it(`answers 502 for a handler that ${kind === 'throws' ? 'throws' : `returns ${kind}`}`, async () => {
      const res = await odd(kind);
      expectGatewayError(res, 502, 'InternalServerErrorException', '{"message": "Internal server error"}');
      expect(handlerErrors).toHaveLength(1);
    });
  }
});

describe('refusals, in API Gateway order', () => {
  const MAT = '{"message":"Missing Authentication Token"}';

  it('unknown path, undefined method, HEAD and OPTIONS → Missing Authentication Token; an unknown stage → Forbidden', async () => {
    for (const out of [
      get(`/${STAGE}/nope`, keyed()),
      { method: 'POST', path: `/${STAGE}/no-auth`, headers: keyed() },
      { method: 'DELETE', path: `/${STAGE}/require-auth`, headers: keyed() },
      get(`/${STAGE}`, keyed()),
      get(`/${STAGE}/no-auth/extra`, keyed()),
    ]) {
      expectGatewayError(await send(server.port, out), 403, 'MissingAuthenticationTokenException', MAT);
    }
    for (const path of ['/staging/no-auth', '/', '/staging']) {
      expectGatewayError(await send(server.port, get(path, keyed())), 403, 'ForbiddenException', JSON.stringify({ message: 'Forbidden' }));
    }
    const head = await send(server.port, { method: 'HEAD', path: `/${STAGE}/no-auth`, headers: keyed() });
    expect([head.status, head.headers['x-amzn-errortype']]).toEqual([403, 'MissingAuthenticationTokenException']);
    expectGatewayError(await send(server.port, { method: 'OPTIONS', path: `/${STAGE}/no-auth`, headers: keyed() }), 403, 'MissingAuthenticationTokenException', MAT);
  });

  it('an AWS_IAM route without Authorization → Missing Authentication Token, even with a key', async () => {
    expectGatewayError(await send(server.port, get(`/${STAGE}/require-auth`, keyed())), 403, 'MissingAuthenticationTokenException', MAT);
    expectGatewayError(await send(server.port, get(`/${STAGE}/require-auth`)), 403, 'MissingAuthenticationTokenException', MAT);
  });

  it('a bare token → IncompleteSignatureException listing what is missing', async () => {
    const res = await send(server.port, get(`/${STAGE}/require-auth`, keyed({ Authorization: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' })));
    expectGatewayError(
      res,
      403,
      'IncompleteSignatureException',
      JSON.stringify({
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=eyJhbGciOiJSUzI1NiJ9.e30.sig",
      }),
    );
  });

  it('Bearer <jwt> → IncompleteSignatureException with the base64 SHA-256 of the header', async () => {
    const header = 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig';
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(header).digest('base64');
    const res = await send(server.port, get(`/${STAGE}/require-auth`, keyed({ Authorization: header })));
    expectGatewayError(
      res,
      403,
      'IncompleteSignatureException',
      JSON.stringify({ message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.` }),
    );
  });

  it('a wrong secret → InvalidSignatureException with the canonical string (stage included) and string to sign', async () => {
    const out = signAws4(server.port, get(`/${STAGE}/require-auth?b=2&a=1`, keyed()), { ...user(), secretAccessKey: 'wrong' }, amzDate(now));
    const res = await send(server.port, out);
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    const { message } = JSON.parse(res.text) as { message: string };
    const host = `127.0.0.1:${server.port}`;
    const bodyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const creq = `GET\n/${STAGE}/require-auth\na=1&b=2\nhost:${host}\nx-amz-date:${amzDate(now)}\nx-amz-security-token:${user().sessionToken}\nx-api-key:${KEYS.good}\n\nhost;x-amz-date;x-amz-security-token;x-api-key\n${bodyHash}`;
    const { createHash } = await import('node:crypto');
    const sts = `AWS4-HMAC-SHA256\n${amzDate(now)}\n${amzDate(now).slice(0, 8)}/us-east-1/execute-api/aws4_request\n${createHash('sha256').update(creq).digest('hex')}`;
    expect(message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${creq}'\n\nThe String-to-Sign should have been\n'${sts}'\n`,
    );
  });

  it('a signature for another region → InvalidSignatureException', async () => {
    const out = signAws4(server.port, get(`/${STAGE}/require-auth`, keyed()), user(), amzDate(now), 'eu-west-1');
    expectGatewayError(await send(server.port, out), 403, 'InvalidSignatureException', JSON.stringify({ message: "Credential should be scoped to a valid region. " }));
  });

  it('signed more than 5 minutes ago → Signature expired', async () => {
    now = Date.UTC(2026, 10, 27, 12, 10, 0);
    const signedAt = Date.UTC(2026, 10, 27, 12, 4, 59);
    const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), user(), signedAt);
    expectGatewayError(res, 403, 'InvalidSignatureException', JSON.stringify({ message: 'Signature expired: 20261127T120459Z is now earlier than 20261127T120500Z (20261127T121000Z - 5 min.)' }));
  });

  it('signed more than 5 minutes ahead → Signature not yet current', async () => {
    const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), user(), now + 301_000);
    expectGatewayError(res, 403, 'InvalidSignatureException', JSON.stringify({ message: 'Signature not yet current: 20261127T120501Z is still later than 20261127T120500Z (20261127T120000Z + 5 min.)' }));
  });

  it('an unknown access key or a wrong session token → UnrecognizedClientException', async () => {
    const body = JSON.stringify({ message: 'The security token included in the request is invalid.' });
    const unknown = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), { ...user(), accessKeyId: 'ASIAUNKNOWN000000000' });
    expectGatewayError(unknown, 403, 'UnrecognizedClientException', body);
    const wrongToken = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), { ...user(), sessionToken: 'not-the-issued-token' });
    expectGatewayError(wrongToken, 403, 'UnrecognizedClientException', body);
    const noToken = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), { accessKeyId: user().accessKeyId, secretAccessKey: user().secretAccessKey });
    expectGatewayError(noToken, 403, 'UnrecognizedClientException', body);
  });

  it('expired credentials → ExpiredTokenException', async () => {
    const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), creds.expired);
    expectGatewayError(res, 403, 'ExpiredTokenException', JSON.stringify({ message: 'The security token included in the request is expired' }));
  });

  it('a role without an Allow → AccessDeniedException (implicit deny)', async () => {
    const res = await sendAws4(get(`/${STAGE}/require-auth`, keyed()), creds.guest);
    expectGatewayError(
      res,
      403,
      'AccessDeniedException',
      JSON.stringify({
        Message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/authapi-test-UnauthenticatedRole-XYZ789/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********${ACCOUNT.slice(8)}:${API_ID}/${STAGE}/GET/require-auth because no identity-based policy allows the execute-api:Invoke action`,
      }),
    );
  });

  it('a matching Deny → AccessDeniedException with an explicit deny', async () => {
    const res = await sendAws4(get(`/${STAGE}/denied`, keyed()));
    expectGatewayError(
      res,
      403,
      'AccessDeniedException',
      JSON.stringify({
        Message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/authapi-test-AuthenticatedRole-ABC123/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********${ACCOUNT.slice(8)}:${API_ID}/${STAGE}/GET/denied with an explicit deny`,
      }),
    );
  });

  it('API key missing, unknown, disabled, in no plan, or in a plan for another stage → Forbidden', async () => {
    const forbidden = '{"message":"Forbidden"}';
    for (const headers of [{} as Record<string, string>, { 'x-api-key': 'no-such-key' }, { 'x-api-key': KEYS.disabled }, { 'x-api-key': KEYS.orphan }, { 'x-api-key': KEYS.otherStage }]) {
      expectGatewayError(await send(server.port, get(`/${STAGE}/no-auth`, headers)), 403, 'ForbiddenException', forbidden);
      expectGatewayError(await sendAws4(get(`/${STAGE}/require-auth`, headers)), 403, 'ForbiddenException', forbidden);
    }
  });

  it('a bad signature beats a missing key and throttling', async () => {
    await start({ throttle: { rateLimit: 1, burstLimit: 1 } });
    const bad = signAws4(server.port, get(`/${STAGE}/require-auth`), { ...user(), secretAccessKey: 'wrong' }, amzDate(now));
    expect((await send(server.port, bad)).headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    expect((await send(server.port, get(`/${STAGE}/no-auth`, keyed()))).status).toBe(200);
    const badWithKey = signAws4(server.port, get(`/${STAGE}/require-auth`, keyed()), { ...user(), secretAccessKey: 'wrong' }, amzDate(now));
    expect((await send(server.port, badWithKey)).headers['x-amzn-errortype']).toBe('InvalidSignatureException');
  });

  it('a body over 10 MB → 413 in plain text', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
    const res = await send(server.port, { method: 'POST', path: `/${STAGE}/open-echo`, headers: { 'Content-Type': 'text/plain' }, body: big });
    expect(res.status).toBe(413);
    expect(res.text).toBe('HTTP content length exceeded 10485760 bytes.');
    expect(res.headers['x-amzn-requestid']).toMatch(UUID);
    const atLimit = await send(server.port, { method: 'POST', path: `/${STAGE}/open-echo`, headers: { 'Content-Type': 'text/plain' }, body: big.subarray(1) });
    expect(atLimit.status).toBe(200);
  });
});

describe('usage plan: throttle and quota on the injected clock', () => {
  const hit = () => send(server.port, get(`/${STAGE}/no-auth`, keyed()));

  it('a burst beyond the bucket → 429 Too Many Requests; tokens refill at rateLimit per second', async () => {
    await start({ throttle: { rateLimit: 10, burstLimit: 20 }, quota: null });
    for (let i = 0; i < 20; i++) expect((await hit()).status).toBe(200);
    const refused = await hit();
    expectGatewayError(refused, 429, 'TooManyRequestsException', '{"message":"Too Many Requests"}');
    expect(refused.headers['retry-after']).toBeUndefined();
    now += 99; // 0.99 of a token
    expect((await hit()).status).toBe(429);
    now += 1; // one token
    expect((await hit()).status).toBe(200);
    expect((await hit()).status).toBe(429);
    now += 60_000; // refills to the burst size, not beyond
    for (let i = 0; i < 20; i++) expect((await hit()).status).toBe(200);
    expect((await hit()).status).toBe(429);
  });

  it('the daily quota → 429 Limit Exceeded until the next UTC day', async () => {
    await start({ throttle: null, quota: { limit: 3, period: 'DAY', offset: 0 } });
    now = Date.UTC(2026, 10, 27, 23, 59, 0);
    for (let i = 0; i < 3; i++) expect((await hit()).status).toBe(200);
    expectGatewayError(await hit(), 429, 'LimitExceededException', '{"message":"Limit Exceeded"}');
    now = Date.UTC(2026, 10, 27, 23, 59, 59, 999);
    expect((await hit()).status).toBe(429);
    now = Date.UTC(2026, 10, 28, 0, 0, 0);
    expect((await hit()).status).toBe(200);
  });

  it('requests refused before the usage-plan step do not count toward the quota', async () => {
    await start({ throttle: null, quota: { limit: 2, period: 'DAY', offset: 0 } });
    for (let i = 0; i < 5; i++) {
      const bad = signAws4(server.port, get(`/${STAGE}/require-auth`, keyed()), { ...user(), secretAccessKey: 'wrong' }, amzDate(now));
      expect((await send(server.port, bad)).status).toBe(403);
      expect((await sendAws4(get(`/${STAGE}/require-auth`, keyed()), creds.guest)).status).toBe(403);
      expect((await send(server.port, get(`/${STAGE}/nope`, keyed()))).status).toBe(403);
    }
    expect((await sendAws4(get(`/${STAGE}/require-auth`, keyed()))).status).toBe(200);
    expect((await hit()).status).toBe(200);
    expect((await hit()).headers['x-amzn-errortype']).toBe('LimitExceededException');
  });

  it('throttled requests do not use up the quota', async () => {
    await start({ throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 2, period: 'DAY', offset: 0 } });
    expect((await hit()).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await hit()).headers['x-amzn-errortype']).toBe('TooManyRequestsException');
    now += 1000;
    expect((await hit()).status).toBe(200);
    now += 1000;
    expect((await hit()).headers['x-amzn-errortype']).toBe('LimitExceededException');
  });
});
