// Which API a `call` or batch line goes to and how it is authenticated, from the
// profile's route table (profile `apis`, written by `authapi local` and `configure`):
//   - `--api NAME` picks the API; otherwise a full URL goes to the API it is under
//     (the longest base URL that covers it), and a route word or path to the API that
//     declares that route (a literal path beats a {param}, which beats a {proxy+});
//     a path no API declares goes to the default API (`apiUrl`), as before routes
//     were recorded;
//   - the auth is `--auth` when given, else the route's, else the API's default.
// This runs on every `call`: a few string comparisons; its one runtime import
// (config/profile.ts) is loaded by reading the profile anyway.
import { UsageError } from '../errors.js';
import { AUTH_MODES, type ApiConfig, type ApiType, type AuthMode, type Profile } from '../config/profile.js';

/** An API of the profile with its URL filled in. */
export interface ResolvedApi {
  name: string;
  url: string;
  type: ApiType;
  auth: AuthMode;
  /** The API key to send, if this API takes one. */
  apiKey?: string;
  apiId?: string;
  routes: Record<string, AuthMode>;
}

export interface RouteChoice {
  api: ResolvedApi;
  /** The route key that matched ("GET /me"), when one did. */
  route?: string;
  auth: AuthMode;
  /** Why this auth, in words for --dry-run and -v. */
  why: string;
}

const cache = new WeakMap<Profile, ResolvedApi[]>();

/** The profile's APIs, the default one (at `apiUrl`) first (worked out once per profile object: batch asks per line). */
export function profileApis(profile: Profile): ResolvedApi[] {
  let apis = cache.get(profile);
  if (!apis) cache.set(profile, (apis = profileApisUncached(profile)));
  return apis;
}

function profileApisUncached(profile: Profile): ResolvedApi[] {
  const out: ResolvedApi[] = [];
  let sawDefault = false;
  for (const [name, a] of Object.entries(profile.apis ?? {})) {
    const isDefault = a.url === undefined;
    sawDefault ||= isDefault;
    const api = resolved(name, a, profile, isDefault);
    if (isDefault) out.unshift(api);
    else out.push(api);
  }
  // A profile from before route tables: the REST API at apiUrl, SigV4 and the key.
  if (!sawDefault) out.unshift(resolved(profile.apis?.default ? 'rest' : 'default', { type: 'rest', auth: 'iam' }, profile, true));
  return out;
}

function resolved(name: string, a: ApiConfig, profile: Profile, isDefault: boolean): ResolvedApi {
  const sendsKey = a.apiKey ?? (isDefault && a.type === 'rest');
  const apiId = a.apiId ?? (isDefault ? profile.apiId : undefined);
  return {
    name,
    url: (a.url ?? profile.apiUrl).replace(/\/+$/, ''),
    type: a.type,
    auth: a.auth,
    ...(sendsKey ? { apiKey: profile.apiKey } : {}),
    ...(apiId ? { apiId } : {}),
    routes: a.routes ?? {},
  };
}

/** How specific a route pattern's match of these path segments is (higher wins), or -1. */
export function matchScore(pattern: string, segments: string[]): number {
  const parts = pattern.split('/').filter(Boolean);
  let score = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (/^\{[^}]+\+\}$/.test(p)) return i === parts.length - 1 && segments.length > i ? score + 1 : -1;
    if (i >= segments.length) return -1;
    if (/^\{[^}]+\}$/.test(p)) score += 2;
    else if (p === segments[i]) score += 3;
    else return -1;
  }
  return parts.length === segments.length ? score + 1 : -1;
}

/** The best route of `api` for a method and path segments. */
function bestRoute(api: ResolvedApi, method: string, segments: string[]): { key: string; score: number } | undefined {
  let best: { key: string; score: number } | undefined;
  for (const key of Object.keys(api.routes)) {
    const sp = key.indexOf(' ');
    const m = key.slice(0, sp);
    if (m !== method && m !== 'ANY') continue;
    // An exact method beats ANY on the same path.
    const s = matchScore(key.slice(sp + 1), segments);
    if (s < 0) continue;
    const score = s * 2 + (m === method ? 1 : 0);
    if (!best || score > best.score) best = { key, score };
  }
  return best;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean).map(safeDecode);
}

function parseUrl(u: string): { origin: string; prefix: string } | undefined {
  try {
    const url = new URL(u);
    return { origin: `${url.protocol}//${url.host}`.toLowerCase(), prefix: url.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

export interface ChooseOptions {
  api?: string;
  auth?: AuthMode;
  /** Where the auth override came from, for the explanation (default --auth). */
  authSource?: string;
}

/** Picks the API, the route and the auth for a request (see the top of this file). */
export function chooseRoute(profile: Profile, target: string, method: string, opts: ChooseOptions = {}): RouteChoice {
  const apis = profileApis(profile);
  let api: ResolvedApi | undefined;
  let path: string;
  const isUrl = /^https?:\/\//i.test(target);
  if (opts.api !== undefined) {
    api = apis.find((a) => a.name === opts.api);
    if (!api) throw new UsageError(`--api ${JSON.stringify(opts.api)}: the profile has no such API`, `known: ${apis.map((a) => a.name).join(', ')}`);
  }
  if (isUrl) {
    const m = /^(https?:\/\/[^/?#]*)([^?#]*)/i.exec(target)!;
    const origin = parseUrl(m[1]! + '/')?.origin;
    const pathPart = m[2] ?? '';
    // The longest base URL the target is under.
    const under = (a: ResolvedApi) => {
      const b = parseUrl(a.url);
      return b !== undefined && b.origin === origin && (b.prefix === '' || pathPart === b.prefix || pathPart.startsWith(b.prefix + '/'));
    };
    if (!api) api = apis.filter(under).sort((a, b) => b.url.length - a.url.length)[0];
    // None: resolveTarget refuses it against the default API, with its own words.
    api ??= apis[0]!;
    const prefix = parseUrl(api.url)?.prefix ?? '';
    path = pathPart.startsWith(prefix) ? pathPart.slice(prefix.length) : pathPart;
  } else {
    path = target.split('?')[0]!;
  }
  const segments = segmentsOf(path);
  let route: string | undefined;
  if (api) {
    route = bestRoute(api, method, segments)?.key;
  } else {
    const found = apis.map((a) => ({ a, r: bestRoute(a, method, segments) })).filter((x) => x.r !== undefined);
    const top = Math.max(-1, ...found.map((x) => x.r!.score));
    const best = found.filter((x) => x.r!.score === top);
    if (best.length > 1) {
      // The default API wins a tie: that is where such a path went before routes were recorded.
      const def = best.find((x) => x.a === apis[0]);
      if (!def) {
        throw new UsageError(`${method} /${segments.join('/')} is a route of ${best.length} APIs (${best.map((x) => x.a.name).join(', ')})`, 'choose one with --api NAME');
      }
      best.splice(0, best.length, def);
    }
    api = best[0]?.a ?? apis[0]!;
    route = best[0]?.r!.key;
  }
  const of = `api ${api.name}`;
  if (opts.auth !== undefined) return { api, route, auth: opts.auth, why: `${opts.authSource ?? '--auth'}${route ? ` (route ${route} of ${of})` : ` (${of})`}` };
  if (route !== undefined) {
    const auth = api.routes[route]!;
    return { api, route, auth, why: `route ${route} of ${of}: ${authorizerName(api.type, auth)}` };
  }
  return { api, auth: api.auth, why: `${of}'s default for routes it does not list: ${authorizerName(api.type, api.auth)}` };
}

/** What on the API side takes this auth, for the explanation. */
export function authorizerName(type: ApiType, auth: AuthMode): string {
  switch (auth) {
    case 'iam':
      return type === 'function-url' ? 'function URL with AuthType AWS_IAM' : 'AWS_IAM';
    case 'none':
      return 'no authorizer';
    case 'id-token':
      return type === 'rest' ? 'Cognito user pool authorizer' : 'JWT authorizer (ID token)';
    case 'access-token':
      return type === 'rest' ? 'Cognito user pool authorizer with scopes' : 'JWT authorizer';
  }
}

/** How the chosen auth goes on the wire, e.g. "access-token (Bearer)". */
export function authLabel(type: ApiType, auth: AuthMode): string {
  if (auth === 'iam') return `iam (SigV4, service ${type === 'function-url' ? 'lambda' : 'execute-api'})`;
  if (auth === 'none') return 'none (unsigned)';
  return `${auth} (${type === 'rest' ? 'raw token' : 'Bearer'} in Authorization)`;
}

/** Which user pool token an auth mode sends, if any. */
export function tokenKindOf(auth: AuthMode): 'id' | 'access' | undefined {
  return auth === 'id-token' ? 'id' : auth === 'access-token' ? 'access' : undefined;
}

/** The Authorization header value for a user pool token. */
export function tokenHeader(type: ApiType, token: string): string {
  // A REST Cognito authorizer reads the header as the token itself; HTTP API JWT
  // authorizers take `Bearer <token>` (both documented by API Gateway).
  return type === 'rest' ? token : `Bearer ${token}`;
}

export function parseAuthMode(value: string, what = '--auth'): AuthMode {
  if (!(AUTH_MODES as readonly string[]).includes(value)) throw new UsageError(`${what} ${JSON.stringify(value)}: not an auth mode`, `use one of: ${AUTH_MODES.join(', ')}`);
  return value as AuthMode;
}
