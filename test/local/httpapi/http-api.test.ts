// The HTTP API and the function URL of the template through the emulator's real HTTP
// servers: tokens minted by the emulator's own user pool (SRP with
// amazon-cognito-identity-js), credentials from its Identity Pool, requests signed
// with aws4. Every authorizer's success and every refusal, as HTTP APIs and Lambda
// send them; the payload 2.0 events the functions receive.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import aws4 from 'aws4';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import type { LocalApiInfo } from '../../../src/local/stack-info.js';
import { tempDir } from '../../helpers/cli.js';
import { send, type Sent } from '../apigw/fixtures/clients.js';
import { userCreds, type Creds } from '../helpers/credentials.js';
import { replaceOnce, templateWith } from '../helpers/template.js';
import { srpLogin, type Tokens } from '../srp-login.js';

// An echo function (its answer has no statusCode: HTTP APIs make it a 200 JSON body),
// routes for it on the HTTP API (one scoped to a scope SRP tokens carry, one IAM),
// function URLs for it (AWS_IAM and NONE), a second client of the pool and a second pool.
const fnDir = join(tempDir('authapi-httpapi-fns-'), 'functions');
mkdirSync(fnDir);
writeFileSync(join(fnDir, 'echo.mjs'), 'export const handler = async (event, context) => ({ event, functionName: context.functionName });\n');
const EXTRA = `
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${fnDir}/
      Handler: echo.handler
      FunctionUrlConfig:
        AuthType: AWS_IAM
      Events:
        Echo:
          Type: HttpApi
          Properties: { ApiId: !Ref HttpApi, Path: "/echo/{id}", Method: GET }
        EchoScoped:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /echo-scoped
            Method: POST
            Auth: { Authorizer: UserPoolJwt, AuthorizationScopes: [other/scope, aws.cognito.signin.user.admin] }
        EchoIam:
          Type: HttpApi
          Properties: { ApiId: !Ref HttpApi, Path: "/echo-iam/{proxy+}", Method: ANY, Auth: { Authorizer: AWS_IAM } }
        Open:
          Type: HttpApi
          Properties: { ApiId: !Ref HttpApi, Path: /open, Method: GET, Auth: { Authorizer: NONE } }
  OpenUrlFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${fnDir}/
      Handler: echo.handler
      FunctionUrlConfig: { AuthType: NONE }
  SecondClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref UserPool
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  OtherPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: others
  OtherPoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref OtherPool
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
`;
const templatePath = templateWith((y) => {
  let t = replaceOnce(y, '\n  # --- Usage plan and API key', `${EXTRA}\n  # --- Usage plan and API key`);
  t = replaceOnce(t, '                  - !Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*/GET/iam"\n',
    '                  - !Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*/GET/iam"\n                  - !Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/$default/*/echo-iam/*"\n');
  t = replaceOnce(t, '                Resource: !GetAtt FunctionUrlFunction.Arn\n', '                Resource: [!GetAtt FunctionUrlFunction.Arn, !GetAtt EchoFunction.Arn]\n');
  return t;
});

let now = Date.now();
const clock = { now: () => now };
let s: LocalStack;
let tokens: Tokens;
let user: Creds;
let guest: Creds;
let http: LocalApiInfo;
let iamUrl: LocalApiInfo;
let echoUrl: LocalApiInfo;
let openUrl: LocalApiInfo;
const log: string[] = [];

const portOf = (url: string) => Number(new URL(url).port);
const get = (api: LocalApiInfo, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
  send(portOf(api.url), { method, path, headers, ...(body !== undefined ? { body } : {}) });
const json = (r: Sent) => JSON.parse(r.text) as Record<string, any>;

/** aws4-signed request to one of the emulator's ports, for `service`. */
function signed(api: LocalApiInfo, path: string, creds: Creds, service: string, method = 'GET', body?: string): Promise<Sent> {
  const port = portOf(api.url);
  const opts = { host: `127.0.0.1:${port}`, method, path, service, region: s.info.region, headers: {} as Record<string, string>, ...(body !== undefined ? { body } : {}) };
  const out = aws4.sign(opts, creds);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers ?? {})) headers[k] = String(v);
  return send(port, { method, path: out.path ?? path, headers, ...(body !== undefined ? { body } : {}) });
}

beforeAll(async () => {
  s = await startLocal({ templatePath, clock, log: (l) => log.push(l) });
  tokens = await srpLogin(s.info, 'demouser', 'demoPASS123');
  user = await userCreds(s);
  const ci = new CognitoIdentityClient({ endpoint: s.info.endpoints.cognitoIdentity, region: s.info.region });
  const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }));
  const g = (await ci.send(new GetCredentialsForIdentityCommand({ IdentityId }))).Credentials!;
  guest = { accessKeyId: g.AccessKeyId!, secretAccessKey: g.SecretKey!, sessionToken: g.SessionToken! };
  http = s.info.apis.find((a) => a.kind === 'http')!;
  iamUrl = s.info.apis.find((a) => a.kind === 'function-url' && a.logicalId === 'FunctionUrlFunction')!;
  echoUrl = s.info.apis.find((a) => a.kind === 'function-url' && a.logicalId === 'EchoFunction')!;
  openUrl = s.info.apis.find((a) => a.kind === 'function-url' && a.logicalId === 'OpenUrlFunction')!;
});
afterAll(async () => {
  await s?.close();
});

describe('what local describes', () => {
  test('the HTTP API ($default: no stage in the URL) and the function URLs, each on a port of its own', () => {
    const ports = new Set(s.info.apis.map((a) => portOf(a.url)));
    expect(ports.size).toBe(s.info.apis.length);
    expect(s.info.apis[0]!.kind).toBe('rest');
    expect(http).toMatchObject({ kind: 'http', logicalId: 'HttpApi', stage: '$default', apiKeys: [] });
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(http.routes.slice(0, 3)).toEqual([
      { method: 'GET', path: '/me', auth: 'JWT', apiKeyRequired: false },
      { method: 'GET', path: '/admin', auth: 'JWT', apiKeyRequired: false, scopes: ['authapi/admin'] },
      { method: 'GET', path: '/iam', auth: 'AWS_IAM', apiKeyRequired: false },
    ]);
    expect(iamUrl).toEqual({
      kind: 'function-url', logicalId: 'FunctionUrlFunction', id: expect.stringMatching(/^[a-z0-9]{32}$/), stage: '',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      routes: [{ method: 'ANY', path: '/{proxy+}', auth: 'AWS_IAM', apiKeyRequired: false }], apiKeys: [],
    });
    expect(openUrl.routes[0]!.auth).toBe('NONE');
  });
});

describe('HTTP API, JWT authorizer', () => {
  test('GET /me with the access token, with or without "Bearer ", and with the ID token (aud = the client)', async () => {
    for (const value of [`Bearer ${tokens.accessToken}`, tokens.accessToken, `bearer ${tokens.idToken}`]) {
      const r = await get(http, '/me', { Authorization: value });
      expect(r.status, value.slice(0, 12)).toBe(200);
      expect(json(r)).toEqual({ message: 'Hello from the HTTP API.', user: 'demouser', scopes: null });
      expect(r.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    }
  });

  test('the payload 2.0 event: routeKey, rawPath, headers, cookies, query, path parameters, jwt claims as strings, scopes null', async () => {
    const r = await get(http, '/echo/a%20b?x=1&x=2&y=', { Authorization: `Bearer ${tokens.accessToken}`, Cookie: 'c1=v1; c2=v2', 'X-Multi': 'one', 'User-Agent': 'probe/1' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const { event, functionName } = json(r);
    expect(functionName).toBe('EchoFunction');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{id}',
      rawPath: '/echo/a%20b',
      rawQueryString: 'x=1&x=2&y=',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: '' },
      pathParameters: { id: 'a%20b' },
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({ 'x-multi': 'one', 'user-agent': 'probe/1', authorization: `Bearer ${tokens.accessToken}` });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: s.info.accountId, apiId: http.id, stage: '$default', routeKey: 'GET /echo/{id}',
      domainName: `127.0.0.1:${portOf(http.url)}`, domainPrefix: '127',
      http: { method: 'GET', path: '/echo/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'probe/1' },
      requestId: r.headers['apigw-requestid'],
      timeEpoch: now,
    });
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const claims = rc.authorizer.jwt.claims as Record<string, unknown>;
    expect(rc.authorizer.jwt.scopes).toBeNull();
    expect(claims).toMatchObject({ client_id: s.info.userPoolClientId, token_use: 'access', username: 'demouser', iss: `https://cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}` });
    for (const v of Object.values(claims)) expect(typeof v).toBe('string');
    expect(claims.exp).toMatch(/^\d+$/);
  });

  test('a route with scopes: a token with one of them passes and the function gets its scopes; a POST body arrives', async () => {
    const r = await get(http, '/echo-scoped', { Authorization: `Bearer ${tokens.accessToken}`, 'Content-Type': 'application/json' }, 'POST', '{"a":1}');
    expect(r.status).toBe(200);
    const { event } = json(r);
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(['aws.cognito.signin.user.admin']);
    expect(event).toMatchObject({ routeKey: 'POST /echo-scoped', body: '{"a":1}', isBase64Encoded: false });
  });

  test('no token: 401 Unauthorized, www-authenticate: Bearer', async () => {
    for (const headers of [{}, { Authorization: '' }] as Record<string, string>[]) {
      const r = await get(http, '/me', headers);
      expect(r.status).toBe(401);
      expect(r.text).toBe('{"message":"Unauthorized"}');
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(r.headers['apigw-requestid']).toBeDefined();
      expect(r.headers['x-amzn-errortype']).toBeUndefined();
    }
  });

  test('not a JWT: 401 invalid_token, "token contains an invalid number of segments"', async () => {
    const r = await get(http, '/me', { Authorization: 'Bearer not-a-token' });
    expect(r.status).toBe(401);
    expect(r.text).toBe('{"message":"Unauthorized"}');
    expect(r.headers['www-authenticate']).toBe('Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments"');
  });

  test('a missing scope (GET /admin, authapi/admin, which SRP tokens never carry): 403 Forbidden, insufficient_scope', async () => {
    const r = await get(http, '/admin', { Authorization: `Bearer ${tokens.accessToken}` });
    expect(r.status).toBe(403);
    expect(r.text).toBe('{"message":"Forbidden"}');
    expect(r.headers['www-authenticate']).toBe('Bearer scope="authapi/admin" error="insufficient_scope" error_description="the token does not have any of the required scopes: authapi/admin"');
    // An ID token has no scope claim at all: the same.
    expect((await get(http, '/admin', { Authorization: tokens.idToken })).status).toBe(403);
  });

  test('GET /admin with an access token that carries authapi/admin (a managed-login sign-in asking for it): 200', async () => {
    // authorize → /login → code → /oauth2/token (PKCE), as a browser and the CLI do.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://127.0.0.1:47801/callback';
    const q = new URLSearchParams({ response_type: 'code', client_id: s.info.userPoolClientId, redirect_uri: redirect, state: 's', scope: 'openid authapi/admin', code_challenge: challenge, code_challenge_method: 'S256' });
    const a = await fetch(`${s.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
    const page = await (await fetch(s.url + a.headers.get('location')!, { redirect: 'manual' })).text();
    const tx = /name="tx" value="([^"]+)"/.exec(page)![1]!;
    const form = (body: Record<string, string>) => ({ method: 'POST', redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
    const login = await fetch(`${s.url}/login`, form({ tx, username: 'demouser', password: 'demoPASS123' }));
    const code = new URL(login.headers.get('location')!).searchParams.get('code')!;
    const t = (await (await fetch(`${s.url}/oauth2/token`, form({ grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code, redirect_uri: redirect, code_verifier: verifier }))).json()) as { access_token: string; id_token: string };
    const r = await get(http, '/admin', { Authorization: `Bearer ${t.access_token}` });
    expect(r.status).toBe(200);
    expect(json(r)).toEqual({ message: 'Welcome to the admin route.', user: 'demouser' });
    // Its ID token has the right audience but no scope: still refused on /admin.
    expect((await get(http, '/admin', { Authorization: `Bearer ${t.id_token}` })).status).toBe(403);
  });

  test('a token of another client of the pool: 401, "the token does not have a valid audience"', async () => {
    const second = s.stack.userPools[0]!.clients.find((c) => c.logicalId === 'SecondClient')!;
    const other = await srpLogin({ ...s.info, userPoolClientId: second.clientId }, 'demouser', 'demoPASS123');
    for (const t of [other.accessToken, other.idToken]) {
      const r = await get(http, '/me', { Authorization: `Bearer ${t}` });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"');
    }
  });

  test('a token of another pool: 401 invalid_token (not signed by a key of the issuer)', async () => {
    const pool = s.stack.userPools.find((p) => p.logicalId === 'OtherPool')!;
    s.idp.seedUser(pool.id, 'stranger', 'Stranger-PASS123!');
    const other = await srpLogin({ ...s.info, userPoolId: pool.id, userPoolClientId: pool.clients[0]!.clientId }, 'stranger', 'Stranger-PASS123!');
    const r = await get(http, '/me', { Authorization: `Bearer ${other.accessToken}` });
    expect(r.status).toBe(401);
    expect(r.text).toBe('{"message":"Unauthorized"}');
    expect(r.headers['www-authenticate']).toBe('Bearer scope="" error="invalid_token" error_description="the token was not signed by a key of the issuer"');
  });

  test('an expired token (the clock moved on two hours): 401 invalid_token; the refreshed token passes', async () => {
    const start = now;
    try {
      now = start + 2 * 3600_000;
      const r = await get(http, '/me', { Authorization: `Bearer ${tokens.accessToken}` });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer scope="" error="invalid_token" error_description="token is expired by 1h0m\d+s"$/);
      // The scope check comes after: an expired token on a scoped route is 401 too.
      expect((await get(http, '/admin', { Authorization: `Bearer ${tokens.accessToken}` })).status).toBe(401);
      const idp = new CognitoIdentityProviderClient({ endpoint: s.info.endpoints.cognitoIdp, region: s.info.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      const refreshed = await idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: s.info.userPoolClientId, AuthParameters: { REFRESH_TOKEN: tokens.refreshToken } }));
      expect((await get(http, '/me', { Authorization: `Bearer ${refreshed.AuthenticationResult!.AccessToken!}` })).status).toBe(200);
    } finally {
      now = start;
    }
  });

  test('no route: 404 Not Found; a route without auth needs nothing', async () => {
    const r = await get(http, '/nope');
    expect(r.status).toBe(404);
    expect(r.text).toBe('{"message":"Not Found"}');
    expect((await get(http, '/me', {}, 'POST')).status).toBe(404);
    const open = await get(http, '/open');
    expect(open.status).toBe(200);
    expect(json(open).event.requestContext.authorizer).toBeUndefined();
  });
});

describe('HTTP API, AWS_IAM', () => {
  test('GET /iam signed with the authenticated role\'s credentials: 200, the caller in requestContext.authorizer.iam', async () => {
    const r = await signed(http, '/iam', user, 'execute-api');
    expect(r.status).toBe(200);
    expect(json(r)).toEqual({ message: 'Signed and let in by the HTTP API.', userArn: expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/authapi-local-AuthenticatedRole-[A-Z0-9]{12}\/CognitoIdentityCredentials$/) });
    const e = json(await signed(http, '/echo-iam/x/y?q=1', user, 'execute-api', 'PUT', 'hi')).event;
    const role = s.stack.roles.find((x) => x.logicalId === 'AuthenticatedRole')!;
    expect(e.routeKey).toBe('ANY /echo-iam/{proxy+}');
    expect(e.pathParameters).toEqual({ proxy: 'x/y' });
    expect(e.requestContext.authorizer).toEqual({
      iam: {
        accessKey: user.accessKeyId,
        accountId: '123456789012',
        callerId: `${role.roleId}:CognitoIdentityCredentials`,
        cognitoIdentity: {
          amr: ['authenticated', `cognito-idp.us-east-1.amazonaws.com/${s.info.userPoolId}`, expect.stringMatching(new RegExp(`^cognito-idp\\.us-east-1\\.amazonaws\\.com/${s.info.userPoolId}:CognitoSignIn:[0-9a-f-]{36}$`))],
          identityId: expect.stringMatching(/^us-east-1:/),
          identityPoolId: s.info.identityPoolId,
        },
        principalOrgId: null,
        userArn: `arn:aws:sts::123456789012:assumed-role/${role.name}/CognitoIdentityCredentials`,
        userId: `${role.roleId}:CognitoIdentityCredentials`,
      },
    });
  });

  test('the guest role (no execute-api:Invoke on it), no signature, a signature for lambda, a bad secret: 403', async () => {
    const denied = await signed(http, '/iam', guest, 'execute-api');
    expect(denied.status).toBe(403);
    expect(denied.text).toBe('{"message":"Forbidden"}');
    // The emulator's log says why (the resource ARN names the $default stage).
    expect(log).toContainEqual(expect.stringMatching(/GET \/iam: User: arn:aws:sts::123456789012:assumed-role\/authapi-local-UnauthenticatedRole-[A-Z0-9]{12}\/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:\*{8}9012:[a-z0-9]{10}\/\$default\/GET\/iam because no identity-based policy allows/));
    const unsigned = await get(http, '/iam');
    expect([unsigned.status, unsigned.text]).toEqual([403, '{"message":"Forbidden"}']);
    const lambda = await signed(http, '/iam', user, 'lambda');
    expect([lambda.status, lambda.text]).toEqual([403, JSON.stringify({ message: "Credential should be scoped to correct service: 'execute-api'. " })]);
    // Another secret (its first character changed, whatever it was).
    const otherSecret = `${user.secretAccessKey.startsWith('x') ? 'y' : 'x'}${user.secretAccessKey.slice(1)}`;
    const bad = await signed(http, '/iam', { ...user, secretAccessKey: otherSecret }, 'execute-api');
    expect(bad.status).toBe(403);
    expect(json(bad).message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    // A JWT is no signature.
    expect((await get(http, '/iam', { Authorization: `Bearer ${tokens.accessToken}` })).status).toBe(403);
  });
});

describe('Lambda function URL, AWS_IAM', () => {
  test('signed for lambda with the authenticated role: 200 from the function', async () => {
    const r = await signed(iamUrl, '/any/path?x=1', user, 'lambda');
    expect(r.status).toBe(200);
    expect(json(r)).toEqual({ message: 'Hello from the function URL.', path: '/any/path', userArn: expect.stringContaining(':assumed-role/authapi-local-AuthenticatedRole-') });
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the function URL event: $default route and stage, the URL\'s host as domainName, authorizer.iam', async () => {
    const r = await signed(echoUrl, '/p/q?a=b', user, 'lambda', 'POST', 'body text');
    expect(r.status).toBe(200);
    const { event } = json(r);
    // aws4 sends a body as application/x-www-form-urlencoded: text, passed as it is.
    expect(event).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/p/q', rawQueryString: 'a=b', queryStringParameters: { a: 'b' }, isBase64Encoded: false, body: 'body text' });
    expect(event.pathParameters).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: '123456789012', apiId: echoUrl.id, routeKey: '$default', stage: '$default',
      domainName: `${echoUrl.id}.lambda-url.us-east-1.on.aws`, domainPrefix: echoUrl.id,
      http: { method: 'POST', path: '/p/q', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      authorizer: { iam: { accessKey: user.accessKeyId, accountId: '123456789012', principalOrgId: null } },
    });
  });

  test('signed for execute-api, unsigned, the guest role: 403 as Lambda answers', async () => {
    const forbidden = JSON.stringify({ Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' });
    const wrong = await signed(iamUrl, '/', user, 'execute-api');
    expect(wrong.status).toBe(403);
    expect(wrong.text).toBe(JSON.stringify({ message: "Credential should be scoped to correct service: 'lambda'. " }));
    expect(wrong.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    const unsigned = await get(iamUrl, '/');
    expect([unsigned.status, unsigned.text, unsigned.headers['x-amzn-errortype']]).toEqual([403, forbidden, 'AccessDeniedException']);
    const guestCall = await signed(iamUrl, '/', guest, 'lambda');
    expect([guestCall.status, guestCall.text, guestCall.headers['x-amzn-errortype']]).toEqual([403, forbidden, 'AccessDeniedException']);
    expect(log).toContainEqual(expect.stringMatching(/function URL of FunctionUrlFunction: arn:aws:sts::123456789012:assumed-role\/authapi-local-UnauthenticatedRole-[A-Z0-9]{12}\/CognitoIdentityCredentials may not lambda:InvokeFunctionUrl on arn:aws:lambda:/));
  });

  test('AuthType NONE: anyone, the caller "anonymous", no authorizer', async () => {
    const r = await get(openUrl, '/');
    expect(r.status).toBe(200);
    const { event } = json(r);
    expect(event.requestContext.accountId).toBe('anonymous');
    expect(event.requestContext.authorizer).toBeUndefined();
    // A binary body arrives base64-encoded.
    const bin = await get(openUrl, '/upload', { 'Content-Type': 'application/octet-stream' }, 'PUT', '\u0001\u0002');
    expect(json(bin).event).toMatchObject({ body: Buffer.from([1, 2]).toString('base64'), isBase64Encoded: true });
  });
});
