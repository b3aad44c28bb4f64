// Which service a request to the service endpoint is for, decided the way AWS
// clients address them: the X-Amz-Target header (Cognito User Pool, Identity Pool),
// the JWKS path, the STS query protocol. (APIs listen on their own ports.)
import { randomUUID } from 'node:crypto';
import { awsJsonError, type LocalHandler } from './http.js';
import { oidcDiscovery } from './cognito-idp/discovery.js';
import type { LocalRequest, LocalResponse, UserPoolModel } from './model.js';
import type { StackServices } from './services.js';
import { isStsRequest } from './sts/service.js';

const JWKS_PATH = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/jwks\.json$/;
const OIDC_DISCOVERY_PATH = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/openid-configuration$/;

/** `apiUrls` names the APIs' base URLs in the answer to a path that is none of these. */
export function routeRequests(
  services: StackServices, apiUrls: () => readonly string[], serviceUrl: () => string, pools: readonly UserPoolModel[],
): LocalHandler {
  const { idp, identity, sts } = services;
  return async (req: LocalRequest): Promise<LocalResponse> => {
    const target = req.headers['x-amz-target'];
    if (target?.startsWith('AWSCognitoIdentityProviderService.')) return withCors(await idp.handle(req));
    if (target?.startsWith('AWSCognitoIdentityService.')) return withCors(await identity.handle(req));
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined && req.url.split('?')[0] === '/') return preflight(req);
    if (target) return awsJsonError('UnknownOperationException', `Unknown operation ${target}`, randomUUID());
    const path = req.url.split('?')[0] ?? '/';
    // Managed login's pages and endpoints, and each pool's OIDC discovery document.
    const standIn = await services.standIns.handle(req);
    if (standIn) return standIn;
    const managed = await services.managedLogin.handle(req);
    if (managed) return managed;
    const jwks = JWKS_PATH.exec(path);
    if (jwks && (req.method === 'GET' || req.method === 'HEAD')) {
      const keys = idp.jwks(jwks[1] as string);
      if (keys) return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(keys) };
    }
    if (path === '/.well-known/jwks_uri' && (req.method === 'GET' || req.method === 'HEAD')) {
      // GetOpenIdToken's keys, where Cognito Identity publishes them.
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(identity.openIdJwks()) };
    }
    const discovery = OIDC_DISCOVERY_PATH.exec(path);
    if (discovery && (req.method === 'GET' || req.method === 'HEAD')) {
      const pool = pools.find((p) => p.id === discovery[1]);
      if (pool) return oidcDiscovery(pool, serviceUrl());
    }
    if (isStsRequest(req)) return sts.handle(req);
    const apis = apiUrls();
    const hint = apis.length ? ` (the APIs are at ${apis.join(', ')})` : '';
    const body = JSON.stringify({ message: `Not found: ${req.method} ${path} is not an endpoint of the authapi emulator${hint}` });
    return { status: 404, headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() }, body };
  };
}

// CORS as the Cognito endpoints answer browsers (amazon-cognito-identity-js and
// Amplify call them from web pages). Every answer allows any origin and exposes the
// headers the SDKs read; captured on a cognito-idp SignUp answer:
//   Access-Control-Allow-Origin: *
//   Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date
// A preflight gets 200 with no body, the requested headers echoed, POST, and a
// two-day Max-Age (from a captured preflight of an AWS JSON endpoint; not verified
// for Cognito itself).
const EXPOSE = 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date';

function withCors(res: LocalResponse): LocalResponse {
  res.headers['Access-Control-Allow-Origin'] = '*';
  res.headers['Access-Control-Expose-Headers'] = EXPOSE;
  return res;
}

function preflight(req: LocalRequest): LocalResponse {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Expose-Headers': EXPOSE,
    'Access-Control-Max-Age': '172800',
    'x-amzn-RequestId': randomUUID(),
  };
  const requested = req.headers['access-control-request-headers'];
  if (requested !== undefined) headers['Access-Control-Allow-Headers'] = requested;
  return { status: 200, headers, body: '' };
}
