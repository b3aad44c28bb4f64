// What an HTTP API (API Gateway v2) answers by itself, before or instead of the
// function: JSON bodies with a lower-case `message`, and an `apigw-requestid` header
// on every answer (no x-amzn-ErrorType, unlike REST APIs).
//
// Confirmed by captured samples:
//  - a JWT route without a token: 401 {"message":"Unauthorized"}, `www-authenticate: Bearer`
//    (a third party's probe of a deployed HTTP API);
//  - a token that is not a JWT: 401, `www-authenticate: Bearer scope="" error="invalid_token"
//    error_description="token contains an invalid number of segments"` (same probe);
//  - a token for another audience: 401 {"message":"Unauthorized"}, `www-authenticate: Bearer
//    scope="" error="invalid_token" error_description="the token does not have a valid
//    audience"` (AWS's "Troubleshooting issues with HTTP API JWT authorizers" page).
// The other descriptions, the 403 for a missing scope and every IAM refusal are not
// confirmed by a captured sample (docs/local-apis.md lists which is which).
import type { LocalResponse } from '../model.js';
import { randomIdString } from '../apigw/random-ids.js';

/** `apigw-requestid`, e.g. `Mc7UVioPPHcEKPA=`: 16 characters, base64 of 11 bytes. */
export function newApigwRequestId(): string {
  return randomIdString(11, 'base64');
}

function answer(requestId: string, status: number, body: string, extra: Record<string, string> = {}): LocalResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'apigw-requestid': requestId,
      ...extra,
    },
    body,
  };
}

const message = (m: string) => JSON.stringify({ message: m });

/** RFC 6750 parameters as API Gateway writes them: space-separated, `scope` first. */
function challenge(error: string, description: string, scope = ''): string {
  return `Bearer scope="${scope}" error="${error}" error_description="${description.replace(/["\\]/g, '')}"`;
}

export const httpApiAnswers = {
  /** No token in the identity source (confirmed). */
  noToken: (id: string) => answer(id, 401, message('Unauthorized'), { 'www-authenticate': 'Bearer' }),
  /** A token the authorizer refuses; `description` says why. */
  invalidToken: (id: string, description: string) =>
    answer(id, 401, message('Unauthorized'), { 'www-authenticate': challenge('invalid_token', description) }),
  /** A valid token without any of the route's scopes. Not confirmed by a captured sample. */
  insufficientScope: (id: string, routeScopes: readonly string[]) =>
    answer(id, 403, message('Forbidden'), {
      'www-authenticate': challenge('insufficient_scope', `the token does not have any of the required scopes: ${routeScopes.join(' ')}`, routeScopes.join(' ')),
    }),
  /** AWS_IAM route: no signature, or the caller's policy does not allow execute-api:Invoke. Not confirmed by a captured sample. */
  forbidden: (id: string) => answer(id, 403, message('Forbidden')),
  /** AWS_IAM route: a signature that is malformed, does not match, or names unknown credentials. Not confirmed by a captured sample. */
  signatureRefused: (id: string, m: string) => answer(id, 403, message(m)),
  notFound: (id: string) => answer(id, 404, message('Not Found')),
  tooLarge: (id: string) => answer(id, 413, message('Request Entity Too Large')),
  internalError: (id: string) => answer(id, 500, message('Internal Server Error')),
};
