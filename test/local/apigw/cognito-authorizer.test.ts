// The REST API's COGNITO_USER_POOLS authorizer, through the emulator's own HTTP
// server, with tokens its own user pool issues (SRP sign-in, managed login), a token of
// another pool, forged ones (another client, a bad signature), and expiry by moving
// the injected clock. Refusals are checked byte for byte (docs/local-apis.md).
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { claimDate, claimStrings } from '../../../src/local/apigw/cognito-authorizer.js';
import { ApiGatewayService } from '../../../src/local/apigw/service.js';
import { authorizationCodeTokens } from '../helpers/managed-login.js';
import { echoTemplate, multiTemplate, replaceOnce, templateWith } from '../helpers/template.js';
import { srpLogin, type Tokens } from '../srp-login.js';

function mutableClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const clock = mutableClock();
let s: LocalStack;
let tokens: Tokens;
beforeAll(async () => {
  s = await startLocal({ templatePath: echoTemplate(), clock });
  tokens = await srpLogin(s.info, 'demouser', 'demoPASS123');
});
afterAll(async () => {
  await s?.close();
});

const call = (path: string, headers: Record<string, string> = {}, key: string | null = s.info.apiKey) =>
  fetch(`${s.info.apiUrl}${path}`, { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers } });

/** Status, ErrorType and body of a refusal; every refusal carries the request id headers too. */
async function refusal(r: Response) {
  expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(r.headers.get('x-amz-apigw-id')).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  expect(r.headers.get('content-type')).toBe('application/json');
  return [r.status, r.headers.get('x-amzn-errortype'), await r.text()];
}

const UNAUTHORIZED = [401, 'UnauthorizedException', '{"message":"Unauthorized"}'];
const EXPIRED = [401, 'UnauthorizedException', '{"message":"The incoming token has expired"}'];
const SCOPE_DENIED = [403, 'AccessDeniedException', '{"message":"User is not authorized to access this resource"}'];

/** A token signed with the pool's own key: claims as given (for what the pool never issues). */
async function forged(kind: 'id' | 'access', claims: Record<string, unknown>): Promise<string> {
  const pool = s.stack.userPools[0]!;
  const key = s.idp.snapshot().pools[pool.id]!.keys![kind];
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ sub: 'forged', iss: pool.issuer, token_use: kind, iat: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .sign(await importJWK(key.jwk, 'RS256'));
}

describe('GET /require-token: an ID token of the pool, raw in Authorization', () => {
  test('the ID token is accepted and its claims reach the handler', async () => {
    const r = await call('/require-token', { Authorization: tokens.idToken });
    expect([r.status, await r.json()]).toEqual([200, { message: 'Your ID token checks out.', user: 'demouser', tokenUse: 'id' }]);
  });

  test('no header, an empty one, or no token and no key: 401 Unauthorized (the authorizer runs before the key check)', async () => {
    expect(await refusal(await call('/require-token'))).toEqual(UNAUTHORIZED);
    expect(await refusal(await call('/require-token', { Authorization: '' }))).toEqual(UNAUTHORIZED);
    expect(await refusal(await call('/require-token', {}, null))).toEqual(UNAUTHORIZED);
    // A good token without the key is past the authorizer: the usage plan refuses it.
    const r = await call('/require-token', { Authorization: tokens.idToken }, null);
    expect([r.status, r.headers.get('x-amzn-errortype'), await r.text()]).toEqual([403, 'ForbiddenException', '{"message":"Forbidden"}']);
  });

  test('not a JWT, a changed payload, the access token, a token of another client: 401 Unauthorized', async () => {
    expect(await refusal(await call('/require-token', { Authorization: 'not-a-token' }))).toEqual(UNAUTHORIZED);
    const [h, p, sig] = tokens.idToken.split('.') as [string, string, string];
    const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), 'cognito:username': 'someone-else' };
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    expect(await refusal(await call('/require-token', { Authorization: tampered }))).toEqual(UNAUTHORIZED);
    expect(await refusal(await call('/require-token', { Authorization: tokens.accessToken }))).toEqual(UNAUTHORIZED);
    // Signed by the pool, but for a client the pool does not have.
    const otherClient = await forged('id', { aud: 'notaclientofthispool000000' });
    expect(await refusal(await call('/require-token', { Authorization: otherClient }))).toEqual(UNAUTHORIZED);
    // The same forgery for the pool's own client passes: the client was the only difference.
    const ownClient = await forged('id', { aud: s.info.userPoolClientId });
    expect((await call('/require-token', { Authorization: ownClient })).status).toBe(200);
  });

  test('"Bearer <token>" is accepted too', async () => {
    expect((await call('/require-token', { Authorization: `Bearer ${tokens.idToken}` })).status).toBe(200);
  });

  test('an expired ID token: 401 with its own message; a refused token does not reach the handler', async () => {
    const fresh = await srpLogin(s.info, 'demouser', 'demoPASS123');
    clock.advance(3600_000);
    try {
      expect(await refusal(await call('/require-token', { Authorization: fresh.idToken }))).toEqual(EXPIRED);
      expect(await refusal(await call('/require-scope', { Authorization: fresh.accessToken }))).toEqual(EXPIRED);
    } finally {
      clock.advance(-3600_000);
    }
    // One second before exp it still passes.
    clock.advance(3599_000);
    try {
      expect((await call('/require-token', { Authorization: fresh.idToken })).status).toBe(200);
    } finally {
      clock.advance(-3599_000);
    }
  });
});

describe('GET /require-scope: an access token with one of the method scopes', () => {
  test('the SRP access token (aws.cognito.signin.user.admin) is accepted; the ID token is not', async () => {
    const r = await call('/require-scope', { Authorization: tokens.accessToken });
    expect([r.status, await r.json()]).toEqual([200, { message: 'Your access token has the scope.', user: 'demouser', scope: 'aws.cognito.signin.user.admin' }]);
    expect(await refusal(await call('/require-scope', { Authorization: tokens.idToken }))).toEqual(UNAUTHORIZED);
  });

  test('an access token without any of the method scopes: 403', async () => {
    expect(await refusal(await call('/admin-scope', { Authorization: tokens.accessToken }))).toEqual(SCOPE_DENIED);
    // One of the method's scopes is enough.
    const scoped = await forged('access', { client_id: s.info.userPoolClientId, scope: 'openid other/scope', username: 'demouser' });
    expect((await call('/admin-scope', { Authorization: scoped })).status).toBe(200);
    // Of a client the pool does not have: not authenticated at all.
    const stranger = await forged('access', { client_id: 'notaclientofthispool000000', scope: 'authapi/admin' });
    expect(await refusal(await call('/admin-scope', { Authorization: stranger }))).toEqual(UNAUTHORIZED);
  });

  test('the access token of a managed login (`login --browser`), several scopes, is accepted', async () => {
    const browser = await authorizationCodeTokens(s, 'openid email profile aws.cognito.signin.user.admin authapi/admin');
    const r = await call('/require-scope', { Authorization: browser.access_token });
    expect([r.status, await r.json()]).toEqual([
      200,
      { message: 'Your access token has the scope.', user: 'demouser', scope: 'openid email profile aws.cognito.signin.user.admin authapi/admin' },
    ]);
    expect((await call('/admin-scope', { Authorization: browser.access_token })).status).toBe(200);
    // Its ID token opens the ID-token route.
    expect((await call('/require-token', { Authorization: browser.id_token })).status).toBe(200);
  });
});

test('a hand-built COGNITO_USER_POOLS route without its authorizer lets nobody in', async () => {
  const stack = structuredClone(s.stack);
  const api = stack.apis[0]!;
  for (const r of api.routes) delete r.cognitoAuthorizer;
  const service = new ApiGatewayService({ stack, api, credentials: s.credentials, clock, jwks: (id) => s.idp.jwks(id) });
  const req = { method: 'GET', url: '/prod/require-token', headers: { authorization: tokens.idToken, 'x-api-key': s.info.apiKey }, rawHeaders: [], body: Buffer.alloc(0), sourceIp: '127.0.0.1' };
  const res = await service.handle(req);
  expect([res.status, String(res.body)]).toEqual([401, '{"message":"Unauthorized"}']);
});

describe('the proxy event', () => {
  test('requestContext.authorizer.claims: every value a string, exp and iat as dates, no principalId', async () => {
    const r = await call('/echo', { Authorization: tokens.idToken });
    expect(r.status).toBe(200);
    const { requestContext } = (await r.json()) as { requestContext: { authorizer: { claims: Record<string, string> }; identity: { apiKeyId: string } } };
    const body = { authorizer: requestContext.authorizer, apiKeyId: requestContext.identity.apiKeyId };
    const raw = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(body.authorizer)).toEqual(['claims']);
    const { claims } = body.authorizer;
    expect(Object.keys(claims).sort()).toEqual(Object.keys(raw).sort());
    for (const v of Object.values(claims)) expect(typeof v).toBe('string');
    expect(claims).toMatchObject({
      'cognito:username': 'demouser',
      token_use: 'id',
      aud: s.info.userPoolClientId,
      auth_time: String(raw.auth_time),
      exp: claimDate(raw.exp as number),
      iat: claimDate(raw.iat as number),
    });
    expect(claims.exp).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(body.apiKeyId).toBe(s.stack.apiKeys[0]!.id);
  });

  test('claim strings: dates as captured REST events show them, booleans, numbers, arrays', () => {
    expect(claimDate(1483859554)).toBe('Sun Jan 08 07:12:34 UTC 2017');
    expect(claimStrings({ exp: 1483863154, email_verified: true, auth_time: 1483859554, 'cognito:groups': ['admins', 'readers'], address: { formatted: 'x' }, sub: 's' })).toEqual({
      exp: 'Sun Jan 08 08:12:34 UTC 2017',
      email_verified: 'true',
      auth_time: '1483859554',
      'cognito:groups': '[admins readers]',
      address: '{"formatted":"x"}',
      sub: 's',
    });
  });
});

describe('other templates', () => {
  test('a token of another pool is refused; the authorizer may list several pools', async () => {
    const t = multiTemplate();
    const m = await startLocal({ templatePath: t });
    try {
      const partner = m.info.userPools[1]!;
      const partnerTokens = await srpLogin({ ...m.info, userPoolId: partner.id, userPoolClientId: partner.clients[0]!.clientId }, 'demouser', 'demoPASS123');
      const r = await fetch(`${m.info.apiUrl}/require-token`, { headers: { 'x-api-key': m.info.apiKey, Authorization: partnerTokens.idToken } });
      expect(await refusal(r)).toEqual(UNAUTHORIZED);
    } finally {
      await m.close();
    }
    const both = await startLocal({
      templatePath: multiTemplate((y) => replaceOnce(y, '            UserPoolArn: !GetAtt UserPool.Arn\n', '            UserPoolArn: [!GetAtt UserPool.Arn, !GetAtt PartnerPool.Arn]\n')),
    });
    try {
      const partner = both.info.userPools[1]!;
      const partnerTokens = await srpLogin({ ...both.info, userPoolId: partner.id, userPoolClientId: partner.clients[0]!.clientId }, 'demouser', 'demoPASS123');
      const r = await fetch(`${both.info.apiUrl}/require-token`, { headers: { 'x-api-key': both.info.apiKey, Authorization: partnerTokens.idToken } });
      expect(r.status).toBe(200);
    } finally {
      await both.close();
    }
  });

  test('Identity.Header: the token is read from that header only', async () => {
    const m = await startLocal({ templatePath: templateWith((y) => replaceOnce(y, '              Header: Authorization\n', '              Header: X-Id-Token\n')) });
    try {
      const t = await srpLogin(m.info, 'demouser', 'demoPASS123');
      const at = (headers: Record<string, string>) => fetch(`${m.info.apiUrl}/require-token`, { headers: { 'x-api-key': m.info.apiKey, ...headers } });
      expect((await at({ 'X-Id-Token': t.idToken })).status).toBe(200);
      expect(await refusal(await at({ Authorization: t.idToken }))).toEqual(UNAUTHORIZED);
    } finally {
      await m.close();
    }
  });

  test('refused tokens never count against the key\'s quota: the authorizer runs before the usage plan', async () => {
    const m = await startLocal({ parameterOverrides: { DailyQuota: '1' } });
    try {
      const t = await srpLogin(m.info, 'demouser', 'demoPASS123');
      const at = (headers: Record<string, string>) => fetch(`${m.info.apiUrl}/require-token`, { headers: { 'x-api-key': m.info.apiKey, ...headers } });
      for (const headers of [{}, { Authorization: 'nope' }, { Authorization: t.accessToken }] as Record<string, string>[]) expect((await at(headers)).status).toBe(401);
      expect((await at({ Authorization: t.idToken })).status).toBe(200);
      const over = await at({ Authorization: t.idToken });
      expect([over.status, await over.text()]).toEqual([429, '{"message":"Limit Exceeded"}']);
    } finally {
      await m.close();
    }
  });

  test('Identity.ValidationExpression: an ID token whose aud does not match it is refused', async () => {
    const at = async (expr: string) => {
      const m = await startLocal({ templatePath: templateWith((y) => replaceOnce(y, '              Header: Authorization\n', `              Header: Authorization\n              ValidationExpression: "${expr}"\n`)) });
      try {
        const t = await srpLogin(m.info, 'demouser', 'demoPASS123');
        return await refusal(await fetch(`${m.info.apiUrl}/require-token`, { headers: { 'x-api-key': m.info.apiKey, Authorization: t.idToken } }));
      } catch (err) {
        return [String(err)];
      } finally {
        await m.close();
      }
    };
    expect(await at('nomatch')).toEqual(UNAUTHORIZED);
    // The whole aud must match, not a part of it.
    expect((await at('[a-z0-9]{26}'))[0]).toBe(200);
    expect(await at('[a-z0-9]{5}')).toEqual(UNAUTHORIZED);
  });

  test('GatewayResponses change UNAUTHORIZED (expired included) and ACCESS_DENIED like the other answers', async () => {
    const responses = `      GatewayResponses:
        UNAUTHORIZED:
          StatusCode: 401
          ResponseParameters:
            Headers:
              WWW-Authenticate: "'Bearer'"
          ResponseTemplates:
            application/json: '{"error": $context.error.messageString, "type": "$context.error.responseType"}'
        ACCESS_DENIED:
          ResponseParameters:
            Headers:
              X-Denied: "'scope'"
`;
    const c = mutableClock();
    const m = await startLocal({ clock: c, templatePath: echoTemplate((y) => replaceOnce(y, '      StageName: !Ref StageName\n', `      StageName: !Ref StageName\n${responses}`)) });
    try {
      const t = await srpLogin(m.info, 'demouser', 'demoPASS123');
      const at = (path: string, headers: Record<string, string>) => fetch(`${m.info.apiUrl}${path}`, { headers: { 'x-api-key': m.info.apiKey, ...headers } });
      const missing = await at('/require-token', {});
      expect([missing.status, missing.headers.get('www-authenticate'), await missing.text()]).toEqual([401, 'Bearer', '{"error": "Unauthorized", "type": "UNAUTHORIZED"}']);
      const denied = await at('/admin-scope', { Authorization: t.accessToken });
      expect([denied.status, denied.headers.get('x-denied'), await denied.text()]).toEqual([403, 'scope', '{"message":"User is not authorized to access this resource"}']);
      c.advance(3600_000);
      const expired = await at('/require-token', { Authorization: t.idToken });
      expect([expired.status, await expired.text()]).toEqual([401, '{"error": "The incoming token has expired", "type": "UNAUTHORIZED"}']);
    } finally {
      await m.close();
    }
  });
});
