// Turns what a user typed (`no-auth`, `/items/a b?q=1`, a full URL under the API)
// into the exact path and query that will be sent AND signed. Getting this one
// function right is what keeps SigV4 encoding bugs (the most reported class in
// awscurl and curl --aws-sigv4) out of authapi, so the rules are written down here:
//
// Path (in the target):
//   - RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) are sent as they are;
//   - a `%` followed by two hex digits is an escape the user already made: it is
//     kept as typed and not encoded again (`/a%20b` stays `/a%20b`);
//   - every other byte, including a lone `%`, `+`, space, `:`, `@`, `=`, `,`, `*`
//     and all non-ASCII, is percent-encoded from UTF-8 (`/a b+` → `/a%20b%2B`);
//   - `.`/`..` segments are resolved and empty segments (`//`) collapsed, as the
//     signer does, so the path on the wire is exactly the path that was signed.
//   The signer then encodes each segment once more (SigV4 for non-S3 services).
// Query (after `?` in the target) is read the way API Gateway reads it, as
//   form-urlencoded text: `+` is a space, valid `%XX` escapes are decoded, a lone
//   `%` is a literal percent sign. `?flag` is the key `flag` with an empty value.
// Query (--query k=v and batch "query" objects) is literal text: nothing is
//   decoded, so `--query 'q=100%'` sends `q=100%25` and `--query 'q=a+b'` sends `a+b`.
// The query is sent in canonical form (strict RFC 3986, space as %20), repeated keys
// in the order given; a key typed without `=` in the target (`?flag`) is sent as
// typed, without it — only the signature's canonical form has `flag=`, as SigV4
// wants and as the server computes it. `--query k` is `k=` (an empty value).
import { UsageError } from '../errors.js';
import { formDecode } from '../shared/percent-decode.js';

export interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  /** Port as a string when the URL has one, else ''. */
  port: string;
  /** Path, encoded as it goes on the wire (starts with the stage, e.g. /prod/no-auth). */
  path: string;
  /** Decoded query pairs in order. */
  query: Array<[string, string]>;
  /** Indexes in `query` of keys typed without `=` (`?flag`), sent without it. */
  bare?: number[];
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

/** Strict RFC 3986 encoding of text (what SigV4 canonicalization expects). */
export function encodeStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

const PLAIN_SEGMENT = /^[A-Za-z0-9\-._~]*$/;

/** Encodes one path segment, keeping escapes that are already there. */
export function encodePathSegment(segment: string): string {
  if (PLAIN_SEGMENT.test(segment)) return segment;
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (UNRESERVED.test(c)) out += c;
    else if (c === '%' && HEX2.test(segment.slice(i + 1, i + 3))) {
      out += segment.slice(i, i + 3);
      i += 2;
    } else {
      // A whole code point (surrogate pairs included); a lone surrogate becomes U+FFFD.
      const cp = segment.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (ch.length === 2) i += 1;
      for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** Joins, encodes and normalizes a raw path ("/a/../b c/" → "/b%20c/"). */
export function encodePath(raw: string): string {
  const trailing = raw.endsWith('/') && raw.length > 1;
  const segments: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      segments.pop();
      continue;
    }
    segments.push(encodePathSegment(seg));
  }
  const path = '/' + segments.join('/');
  return trailing && segments.length > 0 ? path + '/' : path;
}

/** Query text after `?` → decoded pairs (form rules, see the top of this file). */
export function parseQueryText(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    out.push(eq < 0 ? [formDecode(piece), ''] : [formDecode(piece.slice(0, eq)), formDecode(piece.slice(eq + 1))]);
  }
  return out;
}

/** `--query k=v` (literal; `k` alone means an empty value). */
export function parseQueryOption(kv: string): [string, string] {
  const eq = kv.indexOf('=');
  const pair: [string, string] = eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
  if (pair[0] === '') throw new UsageError(`--query ${JSON.stringify(kv)}: the key is empty`, 'use --query key=value');
  return pair;
}

/** Canonical query text for the wire. */
export function formatQuery(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeStrict(k)}=${encodeStrict(v)}`).join('&');
}

/** Path and canonical query: what is signed. */
export function pathWithQuery(t: Target): string {
  return t.query.length ? `${t.path}?${formatQuery(t.query)}` : t.path;
}

/** Path and query as sent: the canonical query, but `?flag` without the `=`. */
export function wirePath(t: Target): string {
  if (!t.bare?.length) return pathWithQuery(t);
  const bare = new Set(t.bare);
  return `${t.path}?${t.query.map(([k, v], i) => (bare.has(i) ? encodeStrict(k) : `${encodeStrict(k)}=${encodeStrict(v)}`)).join('&')}`;
}

export function targetUrl(t: Target): string {
  return `${t.protocol}//${t.hostname}${t.port ? `:${t.port}` : ''}${wirePath(t)}`;
}

interface Base {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  /** Stage path without a trailing slash, e.g. "/prod" (or "" at the root). */
  prefix: string;
}

let lastBase: { apiUrl: string; base: Base } | undefined;

function parseBase(apiUrl: string): Base {
  // `batch` resolves thousands of targets against one API URL: parse it once.
  if (lastBase?.apiUrl === apiUrl) return lastBase.base;
  const base = parseBaseUncached(apiUrl);
  lastBase = { apiUrl, base };
  return base;
}

function parseBaseUncached(apiUrl: string): Base {
  const u = new URL(apiUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`apiUrl ${apiUrl} is not an http(s) URL`);
  return { protocol: u.protocol, hostname: u.hostname, port: u.port, prefix: u.pathname.replace(/\/+$/, '') };
}

/**
 * Resolves a target against the profile's API URL. A full URL must be under that
 * API (same origin and stage): credentials and the API key are never sent elsewhere.
 */
export function resolveTarget(apiUrl: string, target: string, extraQuery: Array<[string, string]> = []): Target {
  if (target === '') throw new UsageError('the target is empty', 'give a route (no-auth), a path (/items/1) or a URL under the API');
  const base = parseBase(apiUrl);
  let rest: string;
  if (/^https?:\/\//i.test(target)) {
    const m = /^(https?:)\/\/([^/?#]*)(.*)$/is.exec(target)!;
    let origin: URL;
    try {
      origin = new URL(`${m[1]}//${m[2]}/`);
    } catch {
      throw new UsageError(`${target} is not a valid URL`);
    }
    const full = m[3] ?? '';
    const pathPart = full.split('?')[0]!;
    const sameOrigin = origin.protocol === base.protocol && origin.hostname === base.hostname && origin.port === base.port;
    const underStage = base.prefix === '' || pathPart === base.prefix || pathPart.startsWith(base.prefix + '/');
    if (!sameOrigin || !underStage) {
      throw new UsageError(`${target} is not under the profile's API URL ${apiUrl}`,
        'authapi sends your credentials and API key only to the configured API; use a path such as /no-auth');
    }
    rest = full === '' ? '/' : full;
  } else {
    rest = base.prefix + (target.startsWith('/') ? target : `/${target}`);
  }
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  const query = parseQueryText(rawQuery);
  // The same pieces parseQueryText kept, in the same order.
  const bare = rawQuery.split('&').filter((piece) => piece !== '').flatMap((piece, i) => (piece.includes('=') ? [] : [i]));
  return {
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    path: encodePath(rawPath || '/'),
    query: [...query, ...extraQuery],
    ...(bare.length ? { bare } : {}),
  };
}
