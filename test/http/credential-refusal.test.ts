// Which API Gateway answers mean "these credentials are no good" (drop them, renew, send
// once more) — and which do not (an IAM deny, a clock skew, a missing key).
import { describe, expect, it } from 'vitest';
import { credentialRefusal } from '../../src/http/credential-refusal.js';

const res = (status: number, body: string, type?: string) =>
  ({ status, headers: type ? { 'x-amzn-errortype': type } : {}, body: Buffer.from(body) });

describe('credentialRefusal', () => {
  it.each([
    ['an unknown access key', res(403, '{"message":"The security token included in the request is invalid."}', 'UnrecognizedClientException'), 'The security token included in the request is invalid'],
    ['an expired session token', res(403, '{"message":"The security token included in the request is expired"}', 'ExpiredTokenException'), 'The security token included in the request is expired'],
    ['a stale secret key', res(403, '{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}', 'InvalidSignatureException'),
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method'],
    ['the type alone (no body words)', res(403, '{}', 'UnrecognizedClientException:http://internal.amazon.com/coral/'), 'UnrecognizedClientException'],
  ])('%s → refused', (_what, r, words) => {
    expect(credentialRefusal(r)).toBe(words);
  });

  it.each([
    ['an IAM deny', res(403, '{"Message":"User: arn:aws:sts::1:assumed-role/r/x is not authorized to perform: execute-api:Invoke on resource: …"}', 'AccessDeniedException')],
    ['clock skew (its own correction)', res(403, '{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)"}', 'InvalidSignatureException')],
    ['a missing API key', res(403, '{"message":"Forbidden"}', 'ForbiddenException')],
    ['a 401', res(401, '{"message":"The security token included in the request is invalid."}')],
    ['a signature type without the stale-key words', res(403, '{"message":"something else"}', 'InvalidSignatureException')],
  ])('%s → not a credential refusal', (_what, r) => {
    expect(credentialRefusal(r)).toBeUndefined();
  });
});
