// API Gateway's answers that mean "these AWS credentials are no good" — as opposed to
// "this identity may not do that" (AccessDenied, exit 4) or "your clock is off"
// (clock-skew.ts). `call` and `batch` answer them by dropping the cached credentials
// everywhere, getting new ones from the tokens and sending once more (execute.ts);
// when that fails too, the user must log in again (exit 3).
//   403 UnrecognizedClientException  "The security token included in the request is invalid."
//        (the access key is unknown: the stack was recreated, the credentials revoked)
//   403 ExpiredTokenException        "The security token included in the request is expired"
//   403 InvalidSignatureException    "The request signature we calculated does not match …"
//        (a stale secret key for a known access key)
// The bodies are API Gateway's; see
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
import type { HttpResponse } from './client.js';

const PHRASES = [
  'security token included in the request is invalid',
  'security token included in the request is expired',
  'signature we calculated does not match',
];
const TYPES = ['UnrecognizedClientException', 'ExpiredTokenException', 'InvalidSignatureException'];

/** The service's own words when the answer refuses the credentials themselves; undefined otherwise. */
export function credentialRefusal(res: Pick<HttpResponse, 'status' | 'headers' | 'body'>): string | undefined {
  if (res.status !== 403) return undefined;
  const text = res.body.toString('utf8', 0, 1000);
  const typeHeader = res.headers['x-amzn-errortype'];
  const type = typeof typeHeader === 'string' ? typeHeader.split(':')[0]! : '';
  // A signature refused for the time is clock skew, never the key's fault.
  if (text.includes('Signature expired') || text.includes('Signature not yet current')) return undefined;
  if (!PHRASES.some((p) => text.includes(p)) && !(TYPES.includes(type) && type !== 'InvalidSignatureException')) return undefined;
  const m = /"[Mm]essage"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  return (m ? m[1]! : type || 'credentials refused').replace(/\.$/, '');
}
