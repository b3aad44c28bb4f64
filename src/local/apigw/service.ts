// One REST API stage of the emulated stack, answering requests under /<stage>/ in
// API Gateway's order (docs/protocols.md, "API Gateway: the order of checks"): route and method;
// for AWS_IAM the signature (parse → verify → token → clock) and the role's policy;
// for COGNITO_USER_POOLS the token (./cognito-authorizer.ts);
// then the usage plan (key, throttle, quota); then the Lambda proxy integration.
// Whatever is refused before the usage-plan step never touches the key's counters.
import type { CredentialRegistry } from '../credentials.js';
import type { Clock, CorsModel, LocalRequest, LocalResponse, RestApiModel, RoleModel, RouteModel, StackModel } from '../model.js';
import { customized, gatewayAnswers, newRequestIds, newTraceId, type RequestIds } from './gateway-responses.js';
import type { IssuedCredentials } from '../credentials.js';
import { normalizeIp, type ConditionContext } from '../iam/conditions.js';
import { CognitoAuthorizers, type JwksSource } from './cognito-authorizer.js';
import { accessDeniedMessage, evaluatePolicy, executeApiArn, hasConditions, rolesByLogicalId, signerOf, type PolicyDecision } from './iam-policy.js';
import { buildProxyEvent, handlerAnswer, invokeHandler, readProxyResult, type ProxyEventInput, type ProxyResult } from './lambda-proxy.js';
import { matchRoute } from './routes.js';
import { verifySigV4Now, type SigV4Result } from './sigv4-verify.js';
import { UsagePlanEnforcer } from './usage-plan.js';
import { percentDecode, resourcePath, splitTarget } from './wire-url.js';

/** A custom domain's request as the API sees it (see ./domains.ts). */
export interface MappedTarget {
  /** `/<stage>/<path>?<query>`: what the base path mapping leads to. */
  url: string;
  /** The path as the client sent it (base path included). */
  sentPath: string;
}

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ApiGatewayServiceOptions {
  stack: StackModel;
  api: RestApiModel;
  credentials: CredentialRegistry;
  clock: Clock;
  /** Told about handler failures (the client only sees 502, as with AWS). */
  onHandlerError?: (err: unknown) => void;
  /** The user pools' public keys, for COGNITO_USER_POOLS methods (none: every token is refused). */
  jwks?: JwksSource;
}

export class ApiGatewayService {
  private readonly stack: StackModel;
  private readonly api: RestApiModel;
  private readonly clock: Clock;
  private readonly usage: UsagePlanEnforcer;
  private readonly onHandlerError: ((err: unknown) => void) | undefined;
  private readonly verifyOptions: { service: string; region: string; credentials: CredentialRegistry; clock: Clock };
  /** `/<stage>`: requests outside it are not this API's. */
  private readonly prefix: string;
  private readonly rolesById: Map<string, RoleModel>;
  /** Policy decisions by role, then resource: the template's policies do not change while it runs. */
  private readonly decisions = new Map<string, Map<string, PolicyDecision>>();
  /** Roles whose decisions depend on the request (a Condition): never cached. */
  private readonly conditional: Set<string>;
  /** The template's routes, and the OPTIONS methods SAM adds for `Cors`. */
  private readonly routes: RouteModel[];
  private readonly cognito: CognitoAuthorizers;

  constructor(opts: ApiGatewayServiceOptions) {
    this.stack = opts.stack;
    this.api = opts.api;
    this.clock = opts.clock;
    this.onHandlerError = opts.onHandlerError;
    this.usage = new UsagePlanEnforcer(opts.stack, opts.api, opts.clock);
    this.verifyOptions = { service: 'execute-api', region: opts.stack.region, credentials: opts.credentials, clock: opts.clock };
    this.prefix = `/${opts.api.stageName}`;
    // The first role with a logical id wins, as the former per-request find did.
    this.rolesById = rolesByLogicalId(opts.stack.roles);
    this.conditional = new Set(opts.stack.roles.filter((r) => hasConditions(r.statements)).map((r) => r.logicalId));
    this.cognito = new CognitoAuthorizers(opts.stack.userPools, opts.jwks ?? (() => undefined));
    this.routes = opts.api.cors ? [...opts.api.routes, ...preflightRoutes(opts.api.routes, opts.api.cors)] : opts.api.routes;
  }

  private decide(role: RoleModel | undefined, resource: string, context: () => ConditionContext): PolicyDecision {
    if (role && this.conditional.has(role.logicalId)) return evaluatePolicy(role.statements, 'execute-api:Invoke', resource, context());
    const roleKey = role?.logicalId ?? '';
    let byResource = this.decisions.get(roleKey);
    if (!byResource) this.decisions.set(roleKey, (byResource = new Map()));
    let d = byResource.get(resource);
    if (d === undefined) {
      if (byResource.size >= 4096) byResource.clear(); // bounded under any traffic
      d = evaluatePolicy(role?.statements ?? [], 'execute-api:Invoke', resource);
      byResource.set(resource, d);
    }
    return d;
  }

  /**
   * Not async itself: without gateway responses, no extra promise on the hot path.
   * `mapped` is set for a request that came through a custom domain (./domains.ts):
   * routing reads its `/<stage>/…` target, while the signature still covers the
   * request as sent.
   */
  handle(req: LocalRequest, mapped?: MappedTarget): Promise<LocalResponse> {
    const ids = newRequestIds();
    const responses = this.api.gatewayResponses;
    if (!responses) return this.answer(req, ids, mapped);
    return this.answer(req, ids, mapped).then((res) => customized(res, responses, ids));
  }

  /** This API's id (what `x-apigw-api-id` names) and logical id. */
  get apiId(): string {
    return this.api.id;
  }
  get logicalId(): string {
    return this.api.logicalId;
  }
  get stageName(): string {
    return this.api.stageName;
  }

  private async answer(req: LocalRequest, ids: RequestIds, mapped?: MappedTarget): Promise<LocalResponse> {
    if (req.body.length > MAX_BODY_BYTES) return gatewayAnswers.payloadTooLarge(ids);

    const target = splitTarget(mapped ? mapped.url : req.url);
    const prefix = this.prefix;
    let path: string;
    if (target.path === prefix || target.path.startsWith(`${prefix}/`)) path = target.path.slice(prefix.length) || '/';
    else {
      // The stage written another way (`/pr%6Fd/…`) is the same stage; any other is
      // unknown at this API's host, which API Gateway answers with Forbidden.
      const stageEnd = target.path.indexOf('/', 1);
      const stage = target.path.slice(1, stageEnd < 0 ? undefined : stageEnd);
      if (percentDecode(stage, false) !== this.api.stageName) return gatewayAnswers.unknownStage(ids);
      path = stageEnd < 0 ? '/' : target.path.slice(stageEnd);
    }
    const method = req.method.toUpperCase();

    const match = matchRoute(this.routes, method, path);
    if (!match) return gatewayAnswers.missingAuthenticationToken(ids);
    const { route } = match;

    let signer: ProxyEventInput['signer'];
    if (route.auth === 'AWS_IAM') {
      // Usually settled synchronously (no body, cached signing key): no await then.
      const pending = verifySigV4Now(req, this.verifyOptions);
      const verdict = pending instanceof Promise ? await pending : pending;
      if (!verdict.ok) return signatureRefusal(ids, verdict);
      const { role, userArn } = signerOf(this.rolesById, this.stack.accountId, verdict.credentials.roleLogicalId);
      const resource = executeApiArn(this.stack.region, this.stack.accountId, this.api.id, this.api.stageName, method, resourcePath(path));
      const creds = verdict.credentials;
      const decision = this.decide(role, resource, () => conditionContext(req, creds, role, this.stack, this.clock.now()));
      if (decision !== 'allow') return gatewayAnswers.accessDenied(ids, accessDeniedMessage(userArn, resource, decision));
      signer = { credentials: verdict.credentials, role, userArn };
    }

    let claims: Record<string, string> | undefined;
    if (route.auth === 'COGNITO_USER_POOLS') {
      // The authorizer runs before the usage plan: a refused token never counts against the key.
      // A route without its authorizer (a hand-built model) lets nobody in.
      const a = route.cognitoAuthorizer;
      const verdict = a ? await this.cognito.check(a, route.authorizationScopes, req.headers[a.header], this.clock.now()) : ({ ok: false, refusal: 'unauthorized' } as const);
      if (!verdict.ok) {
        if (verdict.refusal === 'expired') return gatewayAnswers.expiredCognitoToken(ids);
        if (verdict.refusal === 'scope') return gatewayAnswers.scopeDenied(ids);
        return gatewayAnswers.unauthorized(ids);
      }
      claims = verdict.claims;
    }

    let apiKey: ProxyEventInput['apiKey'];
    if (route.apiKeyRequired) {
      const admitted = this.usage.admit(req.headers['x-api-key']);
      if (!admitted.ok) {
        if (admitted.refusal === 'forbidden') return gatewayAnswers.forbidden(ids);
        if (admitted.refusal === 'throttled') return gatewayAnswers.tooManyRequests(ids);
        return gatewayAnswers.limitExceeded(ids);
      }
      apiKey = { value: admitted.key.value, id: admitted.key.id };
    }

    const nowMs = this.clock.now();
    if (route.corsPreflight) return withGatewayHeaders(preflightAnswer(this.api.cors!, route.corsPreflight.allowMethods), ids, nowMs);
    const event = buildProxyEvent({
      req,
      route,
      path,
      rawQuery: target.rawQuery,
      pathParameters: match.pathParameters,
      stage: this.api.stageName,
      apiId: this.api.id,
      accountId: this.stack.accountId,
      requestId: ids.requestId,
      extendedRequestId: ids.extendedRequestId,
      nowMs,
      signer,
      apiKey,
      claims,
      ...(mapped ? { sentPath: mapped.sentPath } : {}),
    });
    let out: unknown;
    try {
      out = await invokeHandler(route, event, nowMs, this.stack.region, this.stack.accountId);
    } catch (err) {
      this.onHandlerError?.(err);
      return gatewayAnswers.internalServerError(ids);
    }
    const result = readProxyResult(out);
    if (!result) {
      this.onHandlerError?.(new Error(`Malformed Lambda proxy response from ${route.functionLogicalId}`));
      return gatewayAnswers.internalServerError(ids);
    }
    return withGatewayHeaders(result, ids, nowMs);
  }
}

/**
 * The request context IAM conditions see for an Identity Pool role session calling
 * execute-api:Invoke: global keys, and the web identity's Cognito keys (`aud` is the
 * identity pool, `sub` the identity id, `amr` as in the role's trust policy).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export function conditionContext(req: LocalRequest, creds: IssuedCredentials, role: RoleModel | undefined, stack: StackModel, nowMs: number): ConditionContext {
  const amr = creds.authenticated
    ? ['authenticated', ...(creds.providerName ? [creds.providerName, `${creds.providerName}:CognitoSignIn:${creds.sub ?? ''}`] : [])]
    : ['unauthenticated'];
  return {
    'aws:SourceIp': normalizeIp(req.sourceIp),
    'aws:CurrentTime': new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(nowMs / 1000)),
    // The emulator listens on plain http.
    'aws:SecureTransport': 'false',
    'aws:UserAgent': req.headers['user-agent'],
    'aws:Referer': req.headers.referer,
    'aws:RequestedRegion': stack.region,
    'aws:PrincipalAccount': stack.accountId,
    'aws:PrincipalType': 'AssumedRole',
    ...(role ? { 'aws:PrincipalArn': role.arn, 'aws:userid': `${role.roleId}:CognitoIdentityCredentials` } : {}),
    // Identity Pool credentials live one hour: issued an hour before they expire.
    'aws:TokenIssueTime': new Date(creds.expiration - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'cognito-identity.amazonaws.com:aud': creds.identityPoolId,
    'cognito-identity.amazonaws.com:sub': creds.identityId,
    'cognito-identity.amazonaws.com:amr': amr,
  };
}

/**
 * SAM's OPTIONS method for each path of the API that has none of its own: a mock
 * integration, behind whatever the preflight flags leave on it (see CorsModel).
 */
function preflightRoutes(routes: readonly RouteModel[], cors: CorsModel): RouteModel[] {
  const methodsByPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const set = methodsByPath.get(r.path) ?? new Set<string>();
    if (r.method === 'ANY') for (const m of ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']) set.add(m);
    else set.add(r.method);
    methodsByPath.set(r.path, set);
  }
  const out: RouteModel[] = [];
  for (const [path, methods] of methodsByPath) {
    if (methods.has('OPTIONS')) continue;
    const allowMethods = cors.allowMethods ?? [...methods, 'OPTIONS'].sort().join(',');
    out.push({ method: 'OPTIONS', path, auth: cors.preflightAuth, apiKeyRequired: cors.preflightApiKeyRequired, functionLogicalId: '', handlerFile: '', handlerExport: '', corsPreflight: { allowMethods } });
  }
  return out;
}

function preflightAnswer(cors: CorsModel, allowMethods: string): ProxyResult {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Access-Control-Allow-Origin': cors.allowOrigin,
    'Access-Control-Allow-Methods': allowMethods,
  };
  if (cors.allowHeaders !== undefined) headers['Access-Control-Allow-Headers'] = cors.allowHeaders;
  if (cors.maxAge !== undefined) headers['Access-Control-Max-Age'] = cors.maxAge;
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return { status: 200, headers, body: '' };
}

function signatureRefusal(ids: RequestIds, v: Extract<SigV4Result, { ok: false }>): LocalResponse {
  switch (v.reason) {
    case 'missing':
      return gatewayAnswers.missingAuthenticationToken(ids);
    case 'incomplete':
      return gatewayAnswers.incompleteSignature(ids, v.message);
    case 'invalid-token':
      return gatewayAnswers.invalidToken(ids, v.message);
    case 'expired-token':
      return gatewayAnswers.expiredToken(ids, v.message);
    case 'mismatch':
    case 'expired':
    case 'not-yet-current':
      return gatewayAnswers.invalidSignature(ids, v.message);
  }
}

function withGatewayHeaders(result: ProxyResult, ids: RequestIds, nowMs: number): LocalResponse {
  return handlerAnswer(result, { 'x-amzn-RequestId': ids.requestId, 'x-amz-apigw-id': ids.extendedRequestId, 'X-Amzn-Trace-Id': newTraceId(nowMs) });
}
