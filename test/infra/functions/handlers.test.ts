import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM handlers, deployable as they are (no build step)
import { handler as noAuth } from '../../../infra/functions/no-auth.mjs';
// @ts-expect-error plain ESM handlers, deployable as they are (no build step)
import { handler as requireAuth } from '../../../infra/functions/require-auth.mjs';

// A Lambda proxy event as API Gateway (REST, AWS_IAM) sends it.
function proxyEvent(path: string, identity: Record<string, unknown> = {}) {
  return {
    resource: path,
    path,
    httpMethod: 'GET',
    headers: { Host: 'abc123defg.execute-api.us-east-1.amazonaws.com', 'x-api-key': 'k3y', 'User-Agent': 'authapi/0.1.0' },
    multiValueHeaders: { Host: ['abc123defg.execute-api.us-east-1.amazonaws.com'], 'x-api-key': ['k3y'], 'User-Agent': ['authapi/0.1.0'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: 'a1b2c3',
      resourcePath: path,
      httpMethod: 'GET',
      extendedRequestId: 'Jx2b3F8oIAMFZ2w=',
      requestTime: '27/Nov/2026:12:00:00 +0000',
      path: `/prod${path}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'prod',
      domainPrefix: 'abc123defg',
      requestTimeEpoch: 1795780800000,
      requestId: '6b1f9d5e-2a4b-4c4d-9e8f-0a1b2c3d4e5f',
      identity: {
        cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp: '203.0.113.7',
        principalOrgId: null, accessKey: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null,
        userArn: null, userAgent: 'authapi/0.1.0', user: null, apiKey: 'k3y', apiKeyId: 'a1b2c3d4e5', ...identity,
      },
      domainName: 'abc123defg.execute-api.us-east-1.amazonaws.com',
      apiId: 'abc123defg',
    },
    body: null,
    isBase64Encoded: false,
  };
}

describe('Lambda handlers', () => {
  it('GET /no-auth answers exactly {"message":"Open for All!"}', async () => {
    const res = await noAuth(proxyEvent('/no-auth'), {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(res.body).toBe('{"message":"Open for All!"}');
    expect(Object.keys(res).sort()).toEqual(['body', 'headers', 'statusCode']);
  });

  it('GET /require-auth answers exactly {"message":"You\'re past the velvet rope!"}', async () => {
    const res = await requireAuth(proxyEvent('/require-auth', {
      cognitoIdentityPoolId: 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
      cognitoIdentityId: 'us-east-1:0f0e0d0c-0b0a-0908-0706-050403020100',
      cognitoAuthenticationType: 'authenticated',
      accessKey: 'ASIAEXAMPLE123456789',
    }), {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"message":"You\'re past the velvet rope!"}');
  });
});
