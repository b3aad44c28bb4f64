// The Lambda proxy integration: the event API Gateway (REST, payload 1.0) hands a
// function, the in-process invocation, and the checks on what comes back.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
import { pathToFileURL } from 'node:url';
import type { IssuedCredentials } from '../credentials.js';
import type { LocalRequest, LocalResponse, RoleModel, RouteModel } from '../model.js';
import { requestUuid } from './random-ids.js';
import { parseQuery } from './wire-url.js';

export interface ProxyIdentity {
  cognitoIdentityPoolId: string | null;
  accountId: string | null;
  cognitoIdentityId: string | null;
  caller: string | null;
  sourceIp: string;
  principalOrgId: string | null;
  accessKey: string | null;
  cognitoAuthenticationType: string | null;
  cognitoAuthenticationProvider: string | null;
  userArn: string | null;
  userAgent: string | null;
  user: string | null;
  apiKey: string | null;
  apiKeyId: string | null;
}

export interface ProxyEventInput {
  req: LocalRequest;
  route: RouteModel;
  /** Path after the stage, as received (not percent-decoded). */
  path: string;
  rawQuery: string;
  pathParameters: Record<string, string> | null;
  stage: string;
  apiId: string;
  accountId: string;
  requestId: string;
  extendedRequestId: string;
  nowMs: number;
  /** Set for AWS_IAM methods that passed the signature check. */
  signer?: { credentials: IssuedCredentials; role: RoleModel | undefined; userArn: string } | undefined;
  apiKey?: { value: string; id: string } | undefined;
  /** Through a custom domain: the path as sent (base path included), for `path` and `requestContext.path`. */
  sentPath?: string;
  /** COGNITO_USER_POOLS methods: the token's claims, every value a string. */
  claims?: Record<string, string> | undefined;
}

/** Content types whose bodies functions receive as text (the others base64). */
export const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(json|xml)))/i;

/** Bodies are passed as text when they are text; anything else goes base64. */
function encodeBody(body: Buffer, contentType: string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  const text = contentType === undefined ? isUtf8(body) : TEXT_TYPES.test(contentType.trim());
  return text ? { body: body.toString('utf8'), isBase64Encoded: false } : { body: body.toString('base64'), isBase64Encoded: true };
}

function isUtf8(buf: Buffer): boolean {
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The text only changes once a second; under load many requests share it.
let lastRequestTimeSecond = NaN;
let lastRequestTime = '';
/** `09/Apr/2015:12:34:56 +0000`, API Gateway's requestTime (REST and HTTP APIs alike). */
export function requestTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastRequestTimeSecond) {
    lastRequestTime = formatRequestTime(ms);
    lastRequestTimeSecond = second;
  }
  return lastRequestTime;
}
function formatRequestTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The host's first label (`abc.execute-api…` → `abc`). */
function domainPrefix(host: string): string {
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

export function buildProxyEvent(input: ProxyEventInput): Record<string, unknown> {
  const { req } = input;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const pairs = parseQuery(input.rawQuery);
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  for (const [k, v] of pairs) {
    (queryStringParameters ??= {})[k] = v; // last value wins
    ((multiValueQueryStringParameters ??= {})[k] ??= []).push(v);
  }
  const userAgent = req.headers['user-agent'] ?? null;
  const s = input.signer;
  const c = s?.credentials;
  const identity: ProxyIdentity = {
    cognitoIdentityPoolId: c?.identityPoolId ?? null,
    accountId: s ? input.accountId : null,
    cognitoIdentityId: c?.identityId ?? null,
    caller: s?.role ? `${s.role.roleId}:CognitoIdentityCredentials` : null,
    sourceIp: req.sourceIp,
    principalOrgId: null,
    accessKey: c?.accessKeyId ?? null,
    cognitoAuthenticationType: c ? (c.authenticated ? 'authenticated' : 'unauthenticated') : null,
    cognitoAuthenticationProvider:
      c?.authenticated && c.providerName && c.sub ? `${c.providerName},${c.providerName}:CognitoSignIn:${c.sub}` : null,
    userArn: s?.userArn ?? null,
    userAgent,
    user: s?.role ? `${s.role.roleId}:CognitoIdentityCredentials` : null,
    apiKey: input.apiKey?.value ?? null,
    apiKeyId: input.apiKey?.id ?? null,
  };
  const contentType = req.headers['content-type'];
  const { body, isBase64Encoded } = encodeBody(req.body, contentType);
  const method = req.method.toUpperCase();
  return {
    resource: input.route.path,
    path: input.sentPath ?? input.path,
    httpMethod: method,
    headers: req.rawHeaders.length > 0 ? headers : null,
    multiValueHeaders: req.rawHeaders.length > 0 ? multiValueHeaders : null,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: input.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: input.route.functionLogicalId.toLowerCase().slice(0, 6).padEnd(6, '0'),
      resourcePath: input.route.path,
      httpMethod: method,
      extendedRequestId: input.extendedRequestId,
      requestTime: requestTime(input.nowMs),
      path: input.sentPath ?? `/${input.stage}${input.path}`,
      accountId: input.accountId,
      protocol: 'HTTP/1.1',
      stage: input.stage,
      domainPrefix: domainPrefix(req.headers.host ?? ''),
      requestTimeEpoch: input.nowMs,
      requestId: input.requestId,
      identity,
      // As captured for Cognito authorizers: `claims` only, no principalId.
      ...(input.claims ? { authorizer: { claims: input.claims } } : {}),
      domainName: req.headers.host ?? '',
      apiId: input.apiId,
    },
    body,
    isBase64Encoded,
  };
}

// Handler modules are imported once per file and kept, as a warm Lambda keeps them.
const loading = new Map<string, Promise<Record<string, unknown>>>();
const loaded = new Map<string, Record<string, unknown>>();
function loadModule(file: string): Promise<Record<string, unknown>> {
  let m = loading.get(file);
  if (!m) {
    m = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    loading.set(file, m);
    m.then(
      (mod) => loaded.set(file, mod),
      () => loading.delete(file),
    );
  }
  return m;
}

type Handler = (event: unknown, context: unknown, callback: (err: unknown, result?: unknown) => void) => unknown;

/** Calls the route's handler; resolves with whatever it returned (or passed to its callback). */
export function invokeHandler(route: RouteModel, event: unknown, nowMs: number, region: string, accountId: string): Promise<unknown> {
  // A loaded module is called without an extra async hop; a failure still rejects.
  const mod = loaded.get(route.handlerFile);
  if (!mod) return loadModule(route.handlerFile).then((m) => callHandler(m, route, event, nowMs, region, accountId));
  try {
    return callHandler(mod, route, event, nowMs, region, accountId);
  } catch (err) {
    return Promise.reject(err);
  }
}

function callHandler(
  mod: Record<string, unknown>,
  route: RouteModel,
  event: unknown,
  nowMs: number,
  region: string,
  accountId: string,
): Promise<unknown> {
  const fn = mod[route.handlerExport];
  if (typeof fn !== 'function') throw new Error(`${route.handlerFile} has no function export ${route.handlerExport}`);
  const functionName = route.functionLogicalId;
  const deadline = nowMs + 30_000;
  const context = {
    awsRequestId: requestUuid(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'authapi-local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // The handler is called outside a Promise wrapper so that an async handler's own
  // promise can be returned as is (one microtask hop less per request). A callback
  // called synchronously still wins over the return value or a throw, as before.
  let early: { err: unknown; result: unknown } | undefined;
  let onCallback: ((err: unknown, result?: unknown) => void) | undefined;
  const callback = (err: unknown, result?: unknown) => {
    if (onCallback) onCallback(err, result);
    else early ??= { err, result };
  };
  let out: unknown;
  try {
    out = (fn as Handler)(event, context, callback);
  } catch (err) {
    return early ? settled(early) : Promise.reject(err);
  }
  if (early) return settled(early);
  // Without a declared callback parameter, the promise is the answer.
  if (out instanceof Promise && (fn as Handler).length < 3) return out;
  return new Promise<unknown>((resolve, reject) => {
    onCallback = (err, result) => (err ? reject(err) : resolve(result));
    if (out && typeof (out as PromiseLike<unknown>).then === 'function') (out as PromiseLike<unknown>).then(resolve, reject);
    else if ((fn as Handler).length < 3) resolve(out);
  });
}

function settled(r: { err: unknown; result: unknown }): Promise<unknown> {
  return r.err ? Promise.reject(r.err) : Promise.resolve(r.result);
}

export interface ProxyResult {
  status: number;
  headers: Record<string, string | string[]>;
  /** Text bodies stay strings: node:http then sends head and body in one write. */
  body: Buffer | string;
}

/**
 * A function's answer on the wire, with the service's own headers (request ids, trace
 * id) added: its headers except the framing ones Node computes from the body it sends,
 * Content-Type application/json unless the function set one. REST APIs, HTTP APIs and
 * function URLs all answer this way.
 */
export function handlerAnswer(result: ProxyResult, own: Record<string, string>): LocalResponse {
  const headers: Record<string, string | string[]> = {};
  let hasContentType = false;
  for (const k in result.headers) {
    const lower = k.toLowerCase();
    // Node computes these from the body it sends; a handler's own would conflict.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'content-type') hasContentType = true;
    headers[k] = result.headers[k]!;
  }
  if (!hasContentType) headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = String(typeof result.body === 'string' ? Buffer.byteLength(result.body) : result.body.length);
  Object.assign(headers, own);
  return { status: result.status, headers, body: result.body };
}

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

function isHeaderScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A well-formed proxy response, or undefined when API Gateway would answer 502. */
export function readProxyResult(out: unknown): ProxyResult | undefined {
  if (out === null || typeof out !== 'object' || Array.isArray(out)) return undefined;
  const r = out as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (k !== 'statusCode' && k !== 'headers' && k !== 'body' && !ALLOWED_KEYS.has(k)) return undefined;
  }

  let status = 200;
  if (r.statusCode !== undefined) {
    if (typeof r.statusCode === 'number' && Number.isInteger(r.statusCode)) status = r.statusCode;
    else if (typeof r.statusCode === 'string' && /^\d+$/.test(r.statusCode)) status = Number(r.statusCode);
    else return undefined;
    if (status < 100 || status > 599) return undefined;
  }

  const headers: Record<string, string | string[]> = {};
  const lowerSeen = new Map<string, string>();
  const put = (name: string, values: string[]) => {
    const existing = lowerSeen.get(name.toLowerCase());
    const key = existing ?? name;
    lowerSeen.set(name.toLowerCase(), key);
    const prev = headers[key];
    headers[key] = prev === undefined ? (values.length === 1 ? values[0]! : values) : [...(Array.isArray(prev) ? prev : [prev]), ...values];
  };
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return undefined;
    const single = r.headers as Record<string, unknown>;
    for (const k of Object.keys(single)) {
      const v = single[k];
      if (!isHeaderScalar(v)) return undefined;
      const lower = k.toLowerCase();
      const existing = lowerSeen.get(lower);
      // A name not seen in another case is simply stored (the common case).
      if (existing === undefined) {
        lowerSeen.set(lower, k);
        headers[k] = String(v);
      } else {
        put(k, [String(v)]);
      }
    }
  }
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object' || Array.isArray(r.multiValueHeaders)) return undefined;
    for (const [k, v] of Object.entries(r.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(v) || !v.every(isHeaderScalar)) return undefined;
      // A name in both maps: multiValueHeaders replaces headers, as API Gateway merges them.
      const existing = lowerSeen.get(k.toLowerCase());
      if (existing !== undefined) delete headers[existing];
      lowerSeen.delete(k.toLowerCase());
      put(k, v.map(String));
    }
  }

  if (r.isBase64Encoded !== undefined && r.isBase64Encoded !== null && typeof r.isBase64Encoded !== 'boolean') return undefined;
  let body: Buffer | string;
  if (r.body === undefined || r.body === null) body = '';
  else if (typeof r.body === 'string') body = r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
  else return undefined;

  return { status, headers, body };
}
