// API Gateway's own answers, byte for byte as DESIGN.md ("API Gateway answers")
// records them: users grep for these bodies and SDKs key on x-amzn-ErrorType.
import type { LocalResponse } from '../model.js';
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
    gatewayError(ids, 403, 'MissingAuthenticationTokenException', message('Missing Authentication Token')),
  forbidden: (ids: RequestIds) => gatewayError(ids, 403, 'ForbiddenException', message('Forbidden')),
  incompleteSignature: (ids: RequestIds, m: string) => gatewayError(ids, 403, 'IncompleteSignatureException', message(m)),
  invalidSignature: (ids: RequestIds, m: string) => gatewayError(ids, 403, 'InvalidSignatureException', message(m)),
  // AWS's ErrorType names for token problems are not captured anywhere we trust;
  // these are the names STS-style services use, kept consistent everywhere.
  invalidToken: (ids: RequestIds, m: string) => gatewayError(ids, 403, 'UnrecognizedClientException', message(m)),
  expiredToken: (ids: RequestIds, m: string) => gatewayError(ids, 403, 'ExpiredTokenException', message(m)),
  // IAM denials carry "Message" with a capital M.
  accessDenied: (ids: RequestIds, m: string) => gatewayError(ids, 403, 'AccessDeniedException', JSON.stringify({ Message: m })),
  tooManyRequests: (ids: RequestIds) => gatewayError(ids, 429, 'TooManyRequestsException', message('Too Many Requests')),
  limitExceeded: (ids: RequestIds) => gatewayError(ids, 429, 'LimitExceededException', message('Limit Exceeded')),
  // The space after the colon is AWS's.
  internalServerError: (ids: RequestIds) =>
    gatewayError(ids, 502, 'InternalServerErrorException', '{"message": "Internal server error"}'),
  payloadTooLarge: (ids: RequestIds): LocalResponse => {
    const body = 'HTTP content length exceeded 10485760 bytes.';
    return {
      status: 413,
      headers: {
        'Content-Type': 'text/plain',
        'Content-Length': String(Buffer.byteLength(body)),
        'x-amzn-RequestId': ids.requestId,
        'x-amz-apigw-id': ids.extendedRequestId,
        'x-amzn-ErrorType': 'RequestTooLargeException',
      },
      body,
    };
  },
};
