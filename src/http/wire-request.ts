// The request as it goes on the wire, without a signature: the target's endpoint and
// path as typed, Host and the API key added. Kept apart from sign.ts so the routes that
// take a token or nothing (`call` and `batch` send those unsigned) never load aws4 and
// node:crypto, which cost a measurable share of a `call`'s start-up.
import type { SignInput, SignedRequest } from './sign.js';
import type { Target } from './target.js';
import { wirePath } from './target.js';

export function hostHeader(t: Pick<Target, 'hostname' | 'port'>): string {
  return t.port ? `${t.hostname}:${t.port}` : t.hostname;
}

/** The request as sent: the target's endpoint and path as typed, these headers and body. */
export function onTheWire(input: Pick<SignInput, 'method' | 'target'>, headers: Record<string, string>, body: Buffer | undefined, signature: string): SignedRequest {
  return {
    method: input.method,
    protocol: input.target.protocol,
    hostname: input.target.hostname,
    port: input.target.port,
    path: wirePath(input.target),
    headers,
    body,
    signature,
  };
}

/** Host and the API key, unless the user gave their own (which are then signed and sent). */
export function addOwnHeaders(headers: Record<string, string>, input: Pick<SignInput, 'target' | 'apiKey'>): void {
  headers['host'] ??= hostHeader(input.target);
  if (input.apiKey && headers['x-api-key'] === undefined) headers['x-api-key'] = input.apiKey;
}

/** The request with no signature (`call --unsigned`): routes without IAM auth need none. */
export function unsignedRequest(input: Omit<SignInput, 'credentials' | 'now'>): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  addOwnHeaders(headers, input);
  return onTheWire(input, headers, input.body && input.body.length > 0 ? input.body : undefined, '');
}
