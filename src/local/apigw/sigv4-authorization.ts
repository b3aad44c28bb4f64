// Parsing the SigV4 `Authorization` header the way API Gateway reports problems with
// it (IncompleteSignatureException). Two message shapes are seen from AWS:
//  - a word without `=` among the parameters → "Invalid key=value pair (missing
//    equal-sign) in Authorization header (hashed with SHA-256 and encoded with
//    Base64): '<base64 sha256 of the header>'." (e.g. `Bearer <jwt>`);
//  - required parameters absent → "Authorization header requires 'Credential'
//    parameter. … Authorization=<header>" (e.g. a bare token), one sentence per
//    missing piece, in AWS's order.
import { createHash } from 'node:crypto';

export interface ParsedAuthorization {
  algorithm: string;
  credential: string;
  signedHeaders: string[];
  signature: string;
}

export type AuthorizationParse =
  | { ok: true; value: ParsedAuthorization }
  | { ok: false; message: string };

export function missingEqualSignMessage(header: string): string {
  const digest = createHash('sha256').update(header, 'utf8').digest('base64');
  return `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.`;
}

/**
 * @param hasDate whether the request carries `X-Amz-Date` or `Date` (AWS reports
 *   its absence together with the missing parameters).
 */
export function parseAuthorization(header: string, hasDate: boolean): AuthorizationParse {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  // AWS splits the parameters on commas and whitespace alike: a stray space after
  // `Credential=` makes the key id its own (equal-sign-less) word.
  const words = splitWords(rest);
  const params = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) return { ok: false, message: missingEqualSignMessage(header) };
    const key = word.slice(0, eq);
    if (!params.has(key)) params.set(key, word.slice(eq + 1));
  }
  const credential = params.get('Credential');
  const signature = params.get('Signature');
  const signedHeaders = params.get('SignedHeaders');
  const problems: string[] = [];
  if (!credential) problems.push("Authorization header requires 'Credential' parameter.");
  if (!signature) problems.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) problems.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!hasDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0 || !credential || !signature || !signedHeaders) {
    return { ok: false, message: `${problems.join(' ')} Authorization=${header}` };
  }
  return {
    ok: true,
    value: {
      algorithm,
      credential,
      signature,
      signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
    },
  };
}

/** Splits on runs of commas and whitespace (space, tab), skipping empty words. */
function splitWords(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 44;
    const sep = c === 44 || c === 32 || c === 9 || c === 10 || c === 13;
    if (sep) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return out;
}
