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

// The shape every SigV4 client sends; when it matches, the general scan below would
// find exactly these words (values hold no separator, each parameter appears once).
const WELL_FORMED = /^(\S+) Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([^,\s]+)$/;

/**
 * @param hasDate whether the request carries `X-Amz-Date` or `Date` (AWS reports
 *   its absence together with the missing parameters).
 */
export function parseAuthorization(header: string, hasDate: boolean): AuthorizationParse {
  const m = hasDate ? WELL_FORMED.exec(header) : null;
  if (m) return { ok: true, value: { algorithm: m[1]!, credential: m[2]!, signature: m[4]!, signedHeaders: splitSignedHeaders(m[3]!) } };
  const trimmed = header.trim();
  // The algorithm ends at the first whitespace (as /\s/ finds it; ASCII checked first).
  let space = -1;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(trimmed[i]!))) {
      space = i;
      break;
    }
  }
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  // AWS splits the parameters on commas and whitespace alike: a stray space after
  // `Credential=` makes the key id its own (equal-sign-less) word. One pass over the
  // words, no intermediate list or map: this runs on every signed request.
  let credential: string | undefined;
  let signature: string | undefined;
  let signedHeaders: string | undefined;
  let start = -1;
  let eq = -1;
  // Scanned in place (no slice of the parameters part to walk through).
  const end = trimmed.length;
  for (let i = space < 0 ? end : space + 1; i <= end; i++) {
    const c = i < end ? trimmed.charCodeAt(i) : 44;
    if (c === 44 || c === 32 || c === 9 || c === 10 || c === 13) {
      if (start >= 0) {
        if (eq < 0) return { ok: false, message: missingEqualSignMessage(header) };
        // The first occurrence of a parameter wins.
        const keyLength = eq - start;
        if (keyLength === 10 && credential === undefined && trimmed.startsWith('Credential', start)) credential = trimmed.slice(eq + 1, i);
        else if (keyLength === 9 && signature === undefined && trimmed.startsWith('Signature', start)) signature = trimmed.slice(eq + 1, i);
        else if (keyLength === 13 && signedHeaders === undefined && trimmed.startsWith('SignedHeaders', start)) signedHeaders = trimmed.slice(eq + 1, i);
      }
      start = -1;
      eq = -1;
    } else if (start < 0) {
      start = i;
      if (c === 61) eq = i;
    } else if (c === 61 && eq < 0) {
      eq = i;
    }
  }
  const problems: string[] = [];
  if (!credential) problems.push("Authorization header requires 'Credential' parameter.");
  if (!signature) problems.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) problems.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!hasDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0 || !credential || !signature || !signedHeaders) {
    return { ok: false, message: `${problems.join(' ')} Authorization=${header}` };
  }
  return { ok: true, value: { algorithm, credential, signature, signedHeaders: splitSignedHeaders(signedHeaders) } };
}

/** `Host;X-Amz-Date` → `['host', 'x-amz-date']`, each name trimmed, empty names dropped. */
function splitSignedHeaders(list: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const semi = list.indexOf(';', from);
    const name = (semi < 0 ? list.slice(from) : list.slice(from, semi)).trim().toLowerCase();
    if (name !== '') out.push(name);
    if (semi < 0) return out;
    from = semi + 1;
  }
}
