// How a request target that arrives on the wire (still percent-encoded) is split and
// decoded. The verifier and the Lambda proxy event both read the query through here,
// so what is signed and what the handler sees cannot drift apart.
//
// Query decoding follows form-urlencoded rules, as API Gateway does: `+` is a space
// (aws/aws-cdk#19827 shows `?sort=-+createdAt` reaching Lambda as "- createdAt") and
// `%XX` sequences are bytes of UTF-8. A malformed escape is kept literally and broken
// UTF-8 becomes U+FFFD, the same result node:querystring (and so aws4) computes.
// The decoder is the one the CLI uses (src/shared/percent-decode.ts).
import { percentDecode } from '../../shared/percent-decode.js';

export interface WireTarget {
  /** Path part, exactly as received (percent-encoded). */
  path: string;
  /** Everything after the first `?`, or '' when there is none. */
  rawQuery: string;
  hasQuery: boolean;
}

export function splitTarget(url: string): WireTarget {
  const q = url.indexOf('?');
  if (q < 0) return { path: url || '/', rawQuery: '', hasQuery: false };
  return { path: url.slice(0, q) || '/', rawQuery: url.slice(q + 1), hasQuery: true };
}

export { percentDecode };

/** Decoded `[key, value]` pairs in wire order; `?flag` gives `['flag', '']`. */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!rawQuery) return out;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    out.push([percentDecode(key, true), percentDecode(value, true)]);
  }
  return out;
}

/** Multi-valued map in the shape @smithy/signature-v4's canonical query expects. */
export function queryForSigning(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of pairs) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

const ENCODED_UNRESERVED = /%(4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|3[0-9]|2[Dd]|2[Ee]|5[Ff]|7[Ee])/g;

/**
 * The request path as it names a resource in an execute-api ARN: `%XX` escapes of
 * unreserved characters (letters, digits, `-._~`) decoded, empty segments (a trailing
 * or doubled `/`) dropped; so `/require-auth/` and `/%72equire-auth` name the same
 * resource as `/require-auth`, as they reach the same route.
 */
export function resourcePath(path: string): string {
  const decoded = path.includes('%') ? path.replace(ENCODED_UNRESERVED, (e) => String.fromCharCode(parseInt(e.slice(1), 16))) : path;
  if (!decoded.endsWith('/') && !decoded.includes('//')) return decoded;
  return `/${decoded.split('/').filter(Boolean).join('/')}`;
}
