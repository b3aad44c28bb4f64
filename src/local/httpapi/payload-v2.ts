// Payload format version 2.0: the event HTTP APIs and Lambda function URLs hand a
// function, and how they read its answer.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
import type { IssuedCredentials } from '../credentials.js';
import type { LocalRequest, RoleModel } from '../model.js';
import { parseQuery } from '../apigw/wire-url.js';
import { requestTime, TEXT_TYPES, type ProxyResult } from '../apigw/lambda-proxy.js';

/** `requestContext.authorizer.iam`: who signed the request. */
export interface IamAuthorizerContext {
  accessKey: string;
  accountId: string;
  callerId: string;
  cognitoIdentity: { amr: string[]; identityId: string; identityPoolId: string } | null;
  principalOrgId: string | null;
  userArn: string;
  userId: string;
}

export function iamContext(creds: IssuedCredentials, role: RoleModel | undefined, accountId: string, userArn: string): IamAuthorizerContext {
  const callerId = `${role?.roleId ?? creds.roleLogicalId}:CognitoIdentityCredentials`;
  const amr = creds.authenticated
    ? ['authenticated', ...(creds.providerName ? [creds.providerName, `${creds.providerName}:CognitoSignIn:${creds.sub ?? ''}`] : [])]
    : ['unauthenticated'];
  return {
    accessKey: creds.accessKeyId,
    accountId,
    callerId,
    cognitoIdentity: { amr, identityId: creds.identityId, identityPoolId: creds.identityPoolId },
    principalOrgId: null,
    userArn,
    userId: callerId,
  };
}

export type V2Authorizer =
  | { jwt: { claims: Record<string, string>; scopes: string[] | null } }
  | { iam: IamAuthorizerContext };

export interface V2EventInput {
  req: LocalRequest;
  /** `GET /me`, or `$default`. */
  routeKey: string;
  /** The path as received (percent-encoded), stage segment included for a named stage. */
  rawPath: string;
  rawQuery: string;
  pathParameters: Record<string, string> | null;
  stage: string;
  apiId: string;
  accountId: string;
  domainName: string;
  requestId: string;
  nowMs: number;
  authorizer?: V2Authorizer | undefined;
}

export function buildV2Event(input: V2EventInput): Record<string, unknown> {
  const { req } = input;
  // Header names lower-cased, repeated headers joined with a comma; cookies go to `cookies`.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      (cookies ??= []).push(...value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  let queryStringParameters: Record<string, string> | undefined;
  for (const [k, v] of parseQuery(input.rawQuery)) {
    const q = (queryStringParameters ??= {});
    q[k] = q[k] === undefined ? v : `${q[k]},${v}`;
  }
  const method = req.method.toUpperCase();
  const dot = input.domainName.indexOf('.');
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQuery,
  };
  if (cookies) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (input.pathParameters) event.pathParameters = input.pathParameters;
  event.requestContext = {
    accountId: input.accountId,
    apiId: input.apiId,
    ...(input.authorizer ? { authorizer: input.authorizer } : {}),
    domainName: input.domainName,
    domainPrefix: dot < 0 ? input.domainName : input.domainName.slice(0, dot),
    http: {
      method,
      path: input.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: req.sourceIp,
      userAgent: req.headers['user-agent'] ?? '',
    },
    requestId: input.requestId,
    routeKey: input.routeKey,
    stage: input.stage,
    time: requestTime(input.nowMs),
    timeEpoch: input.nowMs,
  };
  if (req.body.length > 0) {
    const text = TEXT_TYPES.test(req.headers['content-type'] ?? '');
    event.body = text ? req.body.toString('utf8') : req.body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}

/**
 * A function's answer in format 2.0, or undefined when the service would answer 500.
 * An object with `statusCode` is read as a response (headers, cookies, body,
 * isBase64Encoded); anything else that JSON can carry becomes a 200 with that JSON as
 * the body (a string is sent as it is).
 */
export function readV2Result(out: unknown): ProxyResult | undefined {
  if (out === undefined) return { status: 200, headers: { 'Content-Type': 'application/json' }, body: '' };
  if (typeof out === 'string') return { status: 200, headers: { 'Content-Type': 'application/json' }, body: out };
  if (out === null || typeof out !== 'object' || Array.isArray(out) || !('statusCode' in out)) {
    let body: string | undefined;
    try {
      body = JSON.stringify(out);
    } catch {
      return undefined;
    }
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: body ?? '' };
  }
  const r = out as Record<string, unknown>;
  const status = typeof r.statusCode === 'string' && /^\d+$/.test(r.statusCode) ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers: Record<string, string | string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return undefined;
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      headers[k] = String(v);
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies) || !r.cookies.every((c) => typeof c === 'string')) return undefined;
    if (r.cookies.length > 0) headers['Set-Cookie'] = r.cookies as string[];
  }
  let body: Buffer | string = '';
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body !== 'string') return undefined;
    body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : r.body;
  }
  return { status, headers, body };
}
