// One HTTP API (API Gateway v2) of the emulated stack: the route (most specific
// path, a method before ANY, else the `$default` route), its authorization — a JWT
// authorizer, or AWS_IAM (SigV4 for execute-api and the caller's policy) — and the
// Lambda integration with payload format 2.0. The `$default` stage has no segment in
// the URL; a named stage does. HTTP APIs have no API keys or usage plans.
import type { CredentialRegistry } from '../credentials.js';
import type { Clock, HttpApiModel, LocalRequest, LocalResponse, RoleModel, RouteModel, StackModel } from '../model.js';
import { accessDeniedMessage, evaluatePolicy, executeApiArn, rolesByLogicalId, signerOf } from '../apigw/iam-policy.js';
import { handlerAnswer, invokeHandler } from '../apigw/lambda-proxy.js';
import { matchRoute } from '../apigw/routes.js';
import { conditionContext } from '../apigw/service.js';
import { verifySigV4Now } from '../apigw/sigv4-verify.js';
import { percentDecode, resourcePath, splitTarget } from '../apigw/wire-url.js';
import { DEFAULT_ROUTE, DEFAULT_STAGE } from '../template/build-http-api.js';
import { httpApiAnswers, newApigwRequestId } from './answers.js';
import { authorizeJwt, type IssuerKeys } from './jwt-authorizer.js';
import { buildV2Event, iamContext, readV2Result, type V2Authorizer } from './payload-v2.js';

/** HTTP APIs' payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpApiServiceOptions {
  stack: StackModel;
  api: HttpApiModel;
  credentials: CredentialRegistry;
  clock: Clock;
  issuerKeys: IssuerKeys;
  onHandlerError?: (err: unknown) => void;
  /** Told why a request was refused (never a token or signature). */
  onRefusal?: (line: string) => void;
}

export class HttpApiService {
  private readonly routes: RouteModel[];
  private readonly defaultRoute: RouteModel | undefined;
  private readonly rolesById: Map<string, RoleModel>;

  constructor(private readonly opts: HttpApiServiceOptions) {
    this.routes = opts.api.routes.filter((r) => r.path !== DEFAULT_ROUTE);
    this.defaultRoute = opts.api.routes.find((r) => r.path === DEFAULT_ROUTE);
    this.rolesById = rolesByLogicalId(opts.stack.roles);
  }

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const { api, stack, clock } = this.opts;
    const requestId = newApigwRequestId();
    if (req.body.length > MAX_BODY_BYTES) return httpApiAnswers.tooLarge(requestId);
    const target = splitTarget(req.url);
    let path = target.path;
    if (api.stageName !== DEFAULT_STAGE) {
      const end = path.indexOf('/', 1);
      const stage = path.slice(1, end < 0 ? undefined : end);
      if (percentDecode(stage, false) !== api.stageName) return httpApiAnswers.notFound(requestId);
      path = end < 0 ? '/' : path.slice(end);
    }
    const method = req.method.toUpperCase();
    const match = matchRoute(this.routes, method, path);
    const route = match?.route ?? this.defaultRoute;
    if (!route) return httpApiAnswers.notFound(requestId);
    const routeKey = route.path === DEFAULT_ROUTE ? DEFAULT_ROUTE : `${route.method} ${route.path}`;

    let authorizer: V2Authorizer | undefined;
    if (route.auth === 'JWT') {
      const jwtAuthorizer = api.authorizers.find((a) => a.name === route.authorizer);
      if (!jwtAuthorizer) return httpApiAnswers.internalError(requestId);
      const verdict = await authorizeJwt(jwtAuthorizer, req.headers[jwtAuthorizer.header], route.authorizationScopes, this.opts.issuerKeys, clock);
      if (!verdict.ok) {
        if (verdict.refusal === 'no-token') return httpApiAnswers.noToken(requestId);
        if (verdict.refusal === 'insufficient-scope') return httpApiAnswers.insufficientScope(requestId, route.authorizationScopes ?? []);
        this.opts.onRefusal?.(`${routeKey}: token refused: ${verdict.description}`);
        return httpApiAnswers.invalidToken(requestId, verdict.description);
      }
      authorizer = { jwt: { claims: verdict.claims, scopes: verdict.scopes } };
    } else if (route.auth === 'AWS_IAM') {
      const pending = verifySigV4Now(req, { service: 'execute-api', region: stack.region, credentials: this.opts.credentials, clock });
      const v = pending instanceof Promise ? await pending : pending;
      if (!v.ok) return v.reason === 'missing' ? httpApiAnswers.forbidden(requestId) : httpApiAnswers.signatureRefused(requestId, v.message);
      const { role, userArn } = signerOf(this.rolesById, stack.accountId, v.credentials.roleLogicalId);
      const resource = executeApiArn(stack.region, stack.accountId, api.id, api.stageName, method, resourcePath(path));
      const decision = evaluatePolicy(role?.statements ?? [], 'execute-api:Invoke', resource, conditionContext(req, v.credentials, role, stack, clock.now()));
      if (decision !== 'allow') {
        this.opts.onRefusal?.(`${routeKey}: ${accessDeniedMessage(userArn, resource, decision)}`);
        return httpApiAnswers.forbidden(requestId);
      }
      authorizer = { iam: iamContext(v.credentials, role, stack.accountId, userArn) };
    }

    const nowMs = clock.now();
    const event = buildV2Event({
      req,
      routeKey,
      rawPath: target.path,
      rawQuery: target.rawQuery,
      pathParameters: match && match.route === route ? match.pathParameters : null,
      stage: api.stageName,
      apiId: api.id,
      accountId: stack.accountId,
      domainName: req.headers.host ?? '',
      requestId,
      nowMs,
      authorizer,
    });
    let out: unknown;
    try {
      out = await invokeHandler(route, event, nowMs, stack.region, stack.accountId);
    } catch (err) {
      this.opts.onHandlerError?.(err);
      return httpApiAnswers.internalError(requestId);
    }
    const result = readV2Result(out);
    if (!result) {
      this.opts.onHandlerError?.(new Error(`Malformed Lambda response (payload format 2.0) from ${route.functionLogicalId}`));
      return httpApiAnswers.internalError(requestId);
    }
    return handlerAnswer(result, { 'apigw-requestid': requestId });
  }
}
