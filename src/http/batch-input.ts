// One NDJSON line of `authapi batch` input → a request, or a reason it is not one.
// Input: {"id"?, "method"?, "path" | "target", "headers"?, "query"?, "body"? | "bodyBase64"?, "guest"?}
//   path/target  as for `call` (route, /path?query, or a URL under the API)
//   headers      {"Name": "value"}
//   query        {"k": "v" | ["v1", "v2"]} or [["k", "v"], …], literal text like --query
//   body         a string (sent as UTF-8) or any other JSON value (sent as JSON,
//                Content-Type application/json unless given)
//   bodyBase64   bytes, base64
//   guest        true: sign with guest credentials
//   auth         "iam" | "id-token" | "access-token" | "none": overrides the route's auth
//   api          the profile's API to send to (default: the one declaring the route)
import type { AuthMode, Profile } from '../config/profile.js';
import { parseHeaderLines } from './headers.js';
import { chooseRoute, parseAuthMode, type ResolvedApi } from './route-auth.js';
import { resolveTarget, type Target } from './target.js';

export type BatchId = string | number | null;

export interface BatchRequest {
  id: BatchId;
  method: string;
  target: Target;
  headers: Record<string, string>;
  body?: Buffer;
  guest: boolean;
  api: ResolvedApi;
  auth: AuthMode;
  /** Why this auth (for traces). */
  why: string;
}

export type ParsedLine = { ok: true; req: BatchRequest } | { ok: false; id: BatchId; error: string };

const KNOWN = new Set(['id', 'method', 'path', 'target', 'headers', 'query', 'body', 'bodyBase64', 'guest', 'auth', 'api']);

export function parseBatchLine(line: string, lineNo: number, profile: Profile): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { ok: false, id: lineNo, error: `line ${lineNo}: not valid JSON (${(err as Error).message})` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, id: lineNo, error: `line ${lineNo}: expected a JSON object` };
  const o = raw as Record<string, unknown>;
  const id: BatchId = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : lineNo;
  const fail = (msg: string): ParsedLine => ({ ok: false, id, error: `line ${lineNo}: ${msg}` });
  try {
    const unknown = Object.keys(o).filter((k) => !KNOWN.has(k));
    if (unknown.length) return fail(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    if (o.id !== undefined && o.id !== null && typeof o.id !== 'string' && typeof o.id !== 'number') return fail('"id" must be a string or a number');
    const where = o.path ?? o.target;
    if (o.path !== undefined && o.target !== undefined) return fail('give "path" or "target", not both');
    if (typeof where !== 'string' || where === '') return fail('"path" (or "target") is required: a route, a /path or a URL under the API');
    const method = o.method === undefined ? (o.body !== undefined || o.bodyBase64 !== undefined ? 'POST' : 'GET') : o.method;
    if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) return fail('"method" must be an HTTP method such as GET');
    if (o.auth !== undefined && typeof o.auth !== 'string') return fail('"auth" must be "iam", "id-token", "access-token" or "none"');
    if (o.api !== undefined && typeof o.api !== 'string') return fail('"api" must be the name of one of the profile\'s APIs');
    if (o.guest !== undefined && typeof o.guest !== 'boolean') return fail('"guest" must be true or false');
    const override = o.auth === undefined ? undefined : parseAuthMode(o.auth, '"auth"');
    const choice = chooseRoute(profile, where, method.toUpperCase(), { api: o.api as string | undefined, auth: override, authSource: '"auth"' });
    if (o.guest === true && (choice.auth === 'id-token' || choice.auth === 'access-token')) return fail(`"guest": this route takes the user's ${choice.auth}, and guests have none`);
    const headers = parseHeadersField(o.headers, choice.auth === 'iam');
    if (typeof headers === 'string') return fail(headers);
    if (choice.auth !== 'iam' && choice.auth !== 'none' && headers['authorization'] !== undefined) {
      return fail(`header Authorization refused: this route gets the user's ${choice.auth} in Authorization from authapi (give the line "auth": "none" to send your own)`);
    }
    if (choice.api.apiId !== undefined) headers['x-apigw-api-id'] ??= choice.api.apiId;
    if (typeof headers === 'string') return fail(headers);
    const query = parseQueryField(o.query);
    if (typeof query === 'string') return fail(query);
    if (o.body !== undefined && o.bodyBase64 !== undefined) return fail('give "body" or "bodyBase64", not both');
    let body: Buffer | undefined;
    if (typeof o.body === 'string') body = Buffer.from(o.body, 'utf8');
    else if (o.body !== undefined) {
      body = Buffer.from(JSON.stringify(o.body), 'utf8');
      headers['content-type'] ??= 'application/json';
    }
    if (o.bodyBase64 !== undefined) {
      if (typeof o.bodyBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.bodyBase64)) return fail('"bodyBase64" must be base64 text');
      body = Buffer.from(o.bodyBase64, 'base64');
    }
    const target = resolveTarget(choice.api.url, where, query);
    return { ok: true, req: { id, method: method.toUpperCase(), target, headers, body, guest: o.guest === true, api: choice.api, auth: choice.auth, why: choice.why } };
  } catch (err) {
    return fail((err as Error).message);
  }
}

function parseHeadersField(h: unknown, signing: boolean): Record<string, string> | string {
  if (h === undefined) return {};
  if (!h || typeof h !== 'object' || Array.isArray(h)) return '"headers" must be an object of "Name": "value"';
  const lines: string[] = [];
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') return `header ${JSON.stringify(k)}: the value must be a string`;
    lines.push(`${k}: ${v}`);
  }
  return parseHeaderLines(lines, 'header', signing);
}

function parseQueryField(q: unknown): Array<[string, string]> | string {
  if (q === undefined) return [];
  const out: Array<[string, string]> = [];
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (Array.isArray(q)) {
    for (const pair of q) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !scalar(pair[1])) return '"query" pairs must be ["key", "value"]';
      out.push([pair[0], String(pair[1])]);
    }
    return out;
  }
  if (!q || typeof q !== 'object') return '"query" must be an object or a list of ["key", "value"] pairs';
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (!scalar(one)) return `query ${JSON.stringify(k)}: values must be strings`;
      out.push([k, String(one)]);
    }
  }
  return out;
}
