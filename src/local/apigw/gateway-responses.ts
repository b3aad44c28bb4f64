// API Gateway's own answers, byte for byte as docs/protocols.md ("API Gateway's own answers")
// records them: users grep for these bodies and SDKs key on x-amzn-ErrorType.
import type { GatewayResponseModel, LocalResponse } from '../model.js';
import { randomIdString, requestUuid } from './random-ids.js';

export interface RequestIds {
  requestId: string;       // x-amzn-RequestId, a UUID
  extendedRequestId: string; // x-amz-apigw-id
}

export function newRequestIds(): RequestIds {
  // x-amz-apigw-id as captured: 16 characters, base64 of 11 bytes (so one `=`), e.g. `MJeWVEqovHcFmUw=`.
  return { requestId: requestUuid(), extendedRequestId: randomIdString(11, 'base64') };
}

/** `Root=1-<8 hex epoch seconds>-<24 hex>`, the X-Ray trace header format. */
export function newTraceId(nowMs: number): string {
  return `Root=1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${randomIdString(12, 'hex')}`;
}

/** Which gateway response type (for GatewayResponses) each of API Gateway's own answers is. */
const responseTypes = new WeakMap<LocalResponse, string>();
export function gatewayResponseType(res: LocalResponse): string | undefined {
  return responseTypes.get(res);
}
function typed(type: string, res: LocalResponse): LocalResponse {
  responseTypes.set(res, type);
  return res;
}

function gatewayError(ids: RequestIds, status: number, errorType: string, body: string): LocalResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'x-amzn-RequestId': ids.requestId,
      'x-amz-apigw-id': ids.extendedRequestId,
      'x-amzn-ErrorType': errorType,
    },
    body,
  };
}

const message = (m: string) => JSON.stringify({ message: m });

export const gatewayAnswers = {
  missingAuthenticationToken: (ids: RequestIds) =>
    typed('MISSING_AUTHENTICATION_TOKEN', gatewayError(ids, 403, 'MissingAuthenticationTokenException', message('Missing Authentication Token'))),
  forbidden: (ids: RequestIds) => typed('INVALID_API_KEY', gatewayError(ids, 403, 'ForbiddenException', message('Forbidden'))),
  /** An unknown stage: there is no stage whose gateway responses could apply. */
  unknownStage: (ids: RequestIds) => gatewayError(ids, 403, 'ForbiddenException', message('Forbidden')),
  incompleteSignature: (ids: RequestIds, m: string) => typed('DEFAULT_4XX', gatewayError(ids, 403, 'IncompleteSignatureException', message(m))),
  invalidSignature: (ids: RequestIds, m: string) => typed('INVALID_SIGNATURE', gatewayError(ids, 403, 'InvalidSignatureException', message(m))),
  // AWS's ErrorType names for token problems are not captured anywhere we trust;
  // these are the names STS-style services use, kept consistent everywhere.
  invalidToken: (ids: RequestIds, m: string) => typed('DEFAULT_4XX', gatewayError(ids, 403, 'UnrecognizedClientException', message(m))),
  expiredToken: (ids: RequestIds, m: string) => typed('EXPIRED_TOKEN', gatewayError(ids, 403, 'ExpiredTokenException', message(m))),
  // IAM denials carry "Message" with a capital M.
  accessDenied: (ids: RequestIds, m: string) => typed('ACCESS_DENIED', gatewayError(ids, 403, 'AccessDeniedException', JSON.stringify({ Message: m }))),
  // COGNITO_USER_POOLS refusals (type UNAUTHORIZED: "a custom or Amazon Cognito
  // authorizer failed to authenticate the caller"). Status and body of a missing or
  // refused token and of an expired one match captured answers; the ErrorType header
  // is not confirmed by a captured sample.
  unauthorized: (ids: RequestIds) => typed('UNAUTHORIZED', gatewayError(ids, 401, 'UnauthorizedException', message('Unauthorized'))),
  expiredCognitoToken: (ids: RequestIds) =>
    typed('UNAUTHORIZED', gatewayError(ids, 401, 'UnauthorizedException', message('The incoming token has expired'))),
  // An access token with none of the method's scopes: 403 as issue 15 asks, type
  // ACCESS_DENIED ("access is denied by a custom or Amazon Cognito authorizer"). Status,
  // body and ErrorType are not confirmed by a captured sample.
  scopeDenied: (ids: RequestIds) =>
    typed('ACCESS_DENIED', gatewayError(ids, 403, 'AccessDeniedException', message('User is not authorized to access this resource'))),
  tooManyRequests: (ids: RequestIds) => typed('THROTTLED', gatewayError(ids, 429, 'TooManyRequestsException', message('Too Many Requests'))),
  limitExceeded: (ids: RequestIds) => typed('QUOTA_EXCEEDED', gatewayError(ids, 429, 'LimitExceededException', message('Limit Exceeded'))),
  // The space after the colon is AWS's.
  internalServerError: (ids: RequestIds) =>
    typed('DEFAULT_5XX', gatewayError(ids, 502, 'InternalServerErrorException', '{"message": "Internal server error"}')),
  payloadTooLarge: (ids: RequestIds): LocalResponse => {
    const body = 'HTTP content length exceeded 10485760 bytes.';
    return typed('REQUEST_TOO_LARGE', {
      status: 413,
      headers: {
        'Content-Type': 'text/plain',
        'Content-Length': String(Buffer.byteLength(body)),
        'x-amzn-RequestId': ids.requestId,
        'x-amz-apigw-id': ids.extendedRequestId,
        'x-amzn-ErrorType': 'RequestTooLargeException',
      },
      body,
    });
  },
};

/**
 * An answer of API Gateway's own as the API's GatewayResponses change it: the type's
 * own setting, else DEFAULT_4XX or DEFAULT_5XX; headers added, status and body
 * replaced. Templates may use $context.error.messageString (the message, quoted),
 * $context.error.message, $context.error.responseType, $context.requestId and
 * $context.extendedRequestId.
 */
export function customized(res: LocalResponse, responses: Record<string, GatewayResponseModel>, ids: RequestIds): LocalResponse {
  const type = gatewayResponseType(res);
  if (!type) return res;
  const custom = responses[type] ?? responses[res.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'];
  if (!custom) return res;
  const headers = { ...res.headers, ...custom.headers };
  let body = res.body;
  if (custom.template !== undefined) {
    let text = '';
    try {
      const parsed = JSON.parse(String(res.body)) as { message?: string; Message?: string };
      text = parsed.message ?? parsed.Message ?? '';
    } catch {
      text = String(res.body);
    }
    body = custom.template
      .replaceAll('$context.error.messageString', JSON.stringify(text))
      .replaceAll('$context.error.message', text)
      .replaceAll('$context.error.responseType', type)
      .replaceAll('$context.requestId', ids.requestId)
      .replaceAll('$context.extendedRequestId', ids.extendedRequestId);
    headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  return { status: custom.statusCode ?? res.status, headers, body };
}
