// CORS: the API as its template's SAM `Cors` and GatewayResponses make API Gateway
// answer, and the Cognito endpoints as AWS answers browsers. (A real browser drives
// the whole flow in test/local/browser/browser.test.ts.)
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { corsTemplate, replaceOnce, templateWith } from '../helpers/template.js';

const open: LocalStack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function start(templatePath?: string): Promise<LocalStack> {
  const s = await startLocal(templatePath ? { templatePath } : {});
  open.push(s);
  return s;
}
const ORIGIN = 'http://app.example';
const preflight = (url: string, requestHeaders = 'authorization,x-amz-date,x-amz-security-token,x-api-key') =>
  fetch(url, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': requestHeaders } });

describe('the API follows the template\'s CORS', () => {
  test('preflight: SAM\'s OPTIONS method answers on every path, with the template\'s values', async () => {
    const s = await start(corsTemplate());
    const res = await preflight(`${s.info.apiUrl}/require-auth`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Amz-Content-Sha256,X-Api-Key');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe('');
    // A path with no route has no OPTIONS method either.
    expect((await preflight(`${s.info.apiUrl}/nowhere`)).status).toBe(403);
  });

  test('gateway responses: DEFAULT_4XX headers on API Gateway\'s own refusals; the handler\'s own headers on its answers', async () => {
    const s = await start(corsTemplate());
    const refused = await fetch(`${s.info.apiUrl}/require-auth`, { headers: { Origin: ORIGIN, 'x-api-key': s.info.apiKey } });
    expect([refused.status, refused.headers.get('x-amzn-errortype'), refused.headers.get('access-control-allow-origin')]).toEqual([403, 'MissingAuthenticationTokenException', '*']);
    const noKey = await fetch(`${s.info.apiUrl}/no-auth`, { headers: { Origin: ORIGIN } });
    expect([noKey.status, noKey.headers.get('access-control-allow-origin')]).toEqual([403, '*']);
    const ok = await fetch(`${s.info.apiUrl}/no-auth`, { headers: { Origin: ORIGIN, 'x-api-key': s.info.apiKey } });
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
  });

  test('SAM\'s defaults put the API\'s IAM authorizer and key on the preflight, which a browser cannot pass', async () => {
    const s = await start(corsTemplate({ preflightFlags: false }));
    const res = await preflight(`${s.info.apiUrl}/no-auth`);
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
  });

  test('without Cors in the template there is no preflight, and refusals carry no CORS header', async () => {
    const s = await start();
    const res = await preflight(`${s.info.apiUrl}/no-auth`);
    expect([res.status, res.headers.get('x-amzn-errortype'), res.headers.get('access-control-allow-origin')]).toEqual([403, 'MissingAuthenticationTokenException', null]);
  });

  test('an AWS::ApiGateway::GatewayResponse with a status and a template', async () => {
    const path = templateWith((y) => replaceOnce(y, '\n  # --- Usage plan and API key', `
  QuotaResponse:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: !Ref Api
      ResponseType: INVALID_API_KEY
      StatusCode: "401"
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example'"
      ResponseTemplates:
        application/json: '{"error": $context.error.messageString, "type": "$context.error.responseType", "id": "$context.requestId"}'

  # --- Usage plan and API key`));
    const s = await start(path);
    const res = await fetch(`${s.info.apiUrl}/no-auth`);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: 'Forbidden', type: 'INVALID_API_KEY', id: res.headers.get('x-amzn-requestid') });
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
  });

  test.each([
    ["      Cors: '*'\n", /Properties\.Cors\.AllowOrigin: must be a quoted literal such as "'\*'"/],
    ["      GatewayResponses:\n        DEFAULT_6XX: {}\n", /GatewayResponses\.DEFAULT_6XX: DEFAULT_6XX is not a gateway response type/],
  ])('a setting it cannot honour refuses the template: %j', async (props, message) => {
    // After the API's Auth block (it ends with the authorizer's identity header).
    const path = templateWith((y) => replaceOnce(y, '              Header: Authorization\n', `              Header: Authorization\n${props}`));
    await expect(startLocal({ templatePath: path })).rejects.toThrow(message);
  });
});

describe('the Cognito endpoints answer browsers as AWS does', () => {
  test('preflight: 200, any origin, the requested headers, POST', async () => {
    const s = await start();
    const res = await fetch(s.url, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-amz-target,x-amz-user-agent' } });
    expect(res.status).toBe(200);
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type,x-amz-target,x-amz-user-agent',
      'access-control-allow-methods': 'POST',
      'access-control-expose-headers': 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date',
      'access-control-max-age': '172800',
    });
  });

  test('answers, errors included, allow any origin and expose the request id and error headers', async () => {
    const s = await start();
    for (const [target, body] of [['AWSCognitoIdentityService.GetId', { IdentityPoolId: s.info.identityPoolId }], ['AWSCognitoIdentityProviderService.InitiateAuth', {}]] as const) {
      const res = await fetch(s.url, { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body: JSON.stringify(body) });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date');
    }
  });
});
