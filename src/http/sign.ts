// SigV4 (aws4) and the API key onto a request for API Gateway (service execute-api).
// Signed: method, path (aws4 encodes each segment once more, as SigV4 requires for
// non-S3 services), the canonical query, host (exactly the Host header sent),
// x-amz-date, x-amz-security-token (the session token, sent once, as a signed
// header), x-api-key, content-type and the payload hash.
// aws4 signs the canonical query (target.ts pathWithQuery); the wire gets the same
// path and query in the order typed, with `?flag` kept without `=` (wirePath), which
// the server canonicalizes to what was signed.
import aws4 from 'aws4';
import type { Target } from './target.js';
import { pathWithQuery } from './target.js';
import { addOwnHeaders, onTheWire } from './wire-request.js';

// Unsigned requests (token and no-auth routes) are built without loading aws4 and node:crypto.
export { hostHeader, unsignedRequest } from './wire-request.js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  target: Target;
  /** Extra headers (names in any case; repeated names already joined with ", "). */
  headers?: Record<string, string>;
  body?: Buffer;
  apiKey?: string;
  region: string;
  credentials: SigningCredentials;
  /** Signing time, epoch ms (the clock-skew offset already applied). */
  now: number;
  service?: string;
}

export interface SignedRequest {
  method: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  /** Path and query exactly as signed and sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The hex signature, so callers can register it with the redactor. */
  signature: string;
}

let lastDate = { second: NaN, text: '' };

/** `20260101T000000Z` — what SigV4 calls the long date (memoized per second: batch signs thousands). */
export function amzDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '') };
  return lastDate.text;
}


export function signRequest(input: SignInput): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  // The callers refuse a user's Authorization/date/token header (headers.ts) before
  // anything is sent; these are the signature's own.
  delete headers['authorization'];
  delete headers['x-amz-security-token'];
  addOwnHeaders(headers, input);
  headers['x-amz-date'] = amzDate(input.now);
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const body = input.body && input.body.length > 0 ? input.body : undefined;
  const req: aws4.Request & { headers: Record<string, string> } = {
    method: input.method,
    host: input.target.hostname,
    path: pathWithQuery(input.target),
    service: input.service ?? 'execute-api',
    region: input.region,
    headers,
    body,
  };
  const signed = aws4.sign(req, {
    accessKeyId: input.credentials.accessKeyId,
    secretAccessKey: input.credentials.secretAccessKey,
  });
  const out = signed.headers as Record<string, string | number>;
  const finalHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(out)) finalHeaders[k.toLowerCase()] = String(v);
  const signature = /Signature=([0-9a-f]+)/.exec(finalHeaders['authorization'] ?? '')?.[1] ?? '';
  return onTheWire(input, finalHeaders, body, signature);
}
