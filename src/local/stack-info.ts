// What a running emulator serves, resource by resource, without secrets: every API
// (each at its own base URL) with its routes, every user pool with its clients, every
// identity pool, every API key (ids only). `authapi local --json` prints it, the
// summary and shell completion read the routes from it, embedders get it on the handle.
import type { FunctionUrlModel, HttpApiModel, RestApiModel, RouteAuth, RouteModel, StackModel } from './model.js';

export interface LocalRouteInfo {
  method: string;
  /** Resource path, e.g. `/require-auth` or `/items/{id}`. */
  path: string;
  auth: RouteAuth;
  apiKeyRequired: boolean;
  /** AuthorizationScopes (COGNITO_USER_POOLS or JWT routes): the token must carry one of them. */
  scopes?: string[];
}

export interface LocalApiInfo {
  /** A REST API, an HTTP API (payload 2.0, JWT or IAM) or a Lambda function URL. */
  kind: 'rest' | 'http' | 'function-url';
  /** The API's logical id; for a function URL, its function's. */
  logicalId: string;
  /** The API id; for a function URL, the first label of its host. */
  id: string;
  /** The stage; `$default` for an HTTP API's default stage, '' for a function URL. */
  stage: string;
  /**
   * `http://<host>:<port>/<stage>`: API Gateway gives every API a host of its own; an
   * HTTP API's `$default` stage has no stage path; a function URL is `http://<host>:<port>/`.
   */
  url: string;
  routes: LocalRouteInfo[];
  /** Logical ids of the enabled keys a usage plan of this stage accepts. */
  apiKeys: string[];
}

export interface LocalUserPoolClientInfo {
  logicalId: string;
  clientId: string;
  name: string;
  hasSecret: boolean;
  explicitAuthFlows: string[];
}

export interface LocalUserPoolInfo {
  logicalId: string;
  id: string;
  name: string;
  providerName: string;
  clients: LocalUserPoolClientInfo[];
}

export interface LocalIdentityPoolInfo {
  logicalId: string;
  id: string;
  allowUnauthenticated: boolean;
  providers: { providerName: string; clientId: string }[];
}

export interface LocalApiKeyInfo {
  logicalId: string;
  id: string;
  enabled: boolean;
}

export interface LocalResources {
  apis: LocalApiInfo[];
  userPools: LocalUserPoolInfo[];
  identityPools: LocalIdentityPoolInfo[];
  apiKeys: LocalApiKeyInfo[];
}

export function routesOf(api: { routes: RouteModel[] }): LocalRouteInfo[] {
  return api.routes.map((r) => ({
    method: r.method,
    path: r.path,
    auth: r.auth,
    apiKeyRequired: r.apiKeyRequired,
    ...(r.authorizationScopes ? { scopes: r.authorizationScopes } : {}),
  }));
}

/** Base URLs of the HTTP APIs and function URLs, in model order (REST APIs have `apiUrl`). */
export interface MoreApiUrls {
  httpApi: (api: HttpApiModel, index: number) => string;
  functionUrl: (url: FunctionUrlModel, index: number) => string;
}

/** The HTTP APIs, then the function URLs, as LocalApiInfo (after the REST APIs in `apis`). */
export function describeHttpApis(stack: StackModel, urls: MoreApiUrls): LocalApiInfo[] {
  return [
    ...(stack.httpApis ?? []).map((a, i): LocalApiInfo => ({ kind: 'http', logicalId: a.logicalId, id: a.id, stage: a.stageName, url: urls.httpApi(a, i), routes: routesOf(a), apiKeys: [] })),
    ...(stack.functionUrls ?? []).map((u, i): LocalApiInfo => ({
      kind: 'function-url',
      logicalId: u.functionLogicalId,
      id: u.urlId,
      stage: '',
      url: urls.functionUrl(u, i),
      routes: [{ method: 'ANY', path: '/{proxy+}', auth: u.authType, apiKeyRequired: false }],
      apiKeys: [],
    })),
  ];
}

/** Keys that open this API's stage: enabled and in a usage plan for it. */
export function apiKeysOf(stack: StackModel, api: RestApiModel): string[] {
  const enabled = new Set(stack.apiKeys.filter((k) => k.enabled).map((k) => k.logicalId));
  const out: string[] = [];
  for (const plan of stack.usagePlans) {
    if (!plan.stages.some((s) => s.apiLogicalId === api.logicalId && s.stage === api.stageName)) continue;
    for (const k of plan.apiKeyLogicalIds) if (enabled.has(k) && !out.includes(k)) out.push(k);
  }
  return out;
}

export function describeResources(stack: StackModel, apiUrl: (api: RestApiModel, index: number) => string, more?: MoreApiUrls): LocalResources {
  return {
    apis: [
      ...stack.apis.map((a, i): LocalApiInfo => ({ kind: 'rest', logicalId: a.logicalId, id: a.id, stage: a.stageName, url: apiUrl(a, i), routes: routesOf(a), apiKeys: apiKeysOf(stack, a) })),
      ...(more ? describeHttpApis(stack, more) : []),
    ],
    userPools: stack.userPools.map((p) => ({
      logicalId: p.logicalId,
      id: p.id,
      name: p.name,
      providerName: p.providerName,
      clients: p.clients.map((c) => ({ logicalId: c.logicalId, clientId: c.clientId, name: c.clientName, hasSecret: c.clientSecret !== undefined, explicitAuthFlows: c.explicitAuthFlows })),
    })),
    identityPools: stack.identityPools.map((p) => ({ logicalId: p.logicalId, id: p.id, allowUnauthenticated: p.allowUnauthenticated, providers: p.providers.map((x) => ({ providerName: x.providerName, clientId: x.clientId })) })),
    apiKeys: stack.apiKeys.map((k) => ({ logicalId: k.logicalId, id: k.id, enabled: k.enabled })),
  };
}

/**
 * Words for `authapi call <route>`: each route's path without the leading slash,
 * in template order, once each (path parameters kept as written, e.g. `items/{id}`).
 */
export function callWords(routes: readonly { path: string }[]): string[] {
  const out: string[] = [];
  for (const r of routes) {
    const w = r.path.replace(/^\//, '');
    if (w && !out.includes(w)) out.push(w);
  }
  return out;
}

export interface TemplateRoute extends LocalRouteInfo {
  /** The API's logical id and stage. */
  api: string;
  stage: string;
}
