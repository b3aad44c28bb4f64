// Which service a request to the service endpoint is for, decided the way AWS
// clients address them: the X-Amz-Target header (Cognito User Pool, Identity Pool),
// the JWKS path, the STS query protocol. (APIs listen on their own ports.)
import { randomUUID } from 'node:crypto';
import { awsJsonError, type LocalHandler } from './http.js';
import type { LocalRequest, LocalResponse } from './model.js';
import type { StackServices } from './services.js';
import { isStsRequest } from './sts/service.js';

const JWKS_PATH = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/jwks\.json$/;

/** `apiUrls` names the APIs' base URLs in the answer to a path that is none of these. */
export function routeRequests(services: StackServices, apiUrls: () => readonly string[]): LocalHandler {
  const { idp, identity, sts } = services;
  return async (req: LocalRequest): Promise<LocalResponse> => {
    const target = req.headers['x-amz-target'];
    if (target?.startsWith('AWSCognitoIdentityProviderService.')) return idp.handle(req);
    if (target?.startsWith('AWSCognitoIdentityService.')) return identity.handle(req);
    if (target) return awsJsonError('UnknownOperationException', `Unknown operation ${target}`, randomUUID());
    const path = req.url.split('?')[0] ?? '/';
    const jwks = JWKS_PATH.exec(path);
    if (jwks && (req.method === 'GET' || req.method === 'HEAD')) {
      const keys = idp.jwks(jwks[1] as string);
      if (keys) return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(keys) };
    }
    if (isStsRequest(req)) return sts.handle(req);
    const apis = apiUrls();
    const hint = apis.length ? ` (the APIs are at ${apis.join(', ')})` : '';
    const body = JSON.stringify({ message: `Not found: ${req.method} ${path} is not an endpoint of the authapi emulator${hint}` });
    return { status: 404, headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() }, body };
  };
}
