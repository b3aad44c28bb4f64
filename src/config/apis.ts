// The profile's route table (`apis`) from what describes a stack's APIs: the running
// emulator (`authapi local`, src/local/stack-info.ts) or the package template plus the
// deployed stack's output URLs (`configure --from-outputs/--from-stack`). One mapping
// from API Gateway's authorizer kinds to what `call` sends:
//   AWS_IAM                                  → iam (SigV4)
//   NONE                                     → none
//   COGNITO_USER_POOLS (REST) without scopes → id-token (raw in Authorization)
//   COGNITO_USER_POOLS (REST) with scopes    → access-token (raw)
//   JWT (HTTP API)                           → access-token (Bearer)
import type { ApiConfig, ApiType, AuthMode } from './profile.js';

/** An API as the emulator or the template describes it. */
export interface ApiDescription {
  logicalId: string;
  /** Absent before the emulator knew other kinds: a REST API. */
  kind?: ApiType;
  url?: string;
  routes: readonly { method: string; path: string; auth: string; scopes?: readonly string[]; authorizationScopes?: readonly string[] }[];
}

/** What `call` sends for a route with this API Gateway auth; undefined for one it does not know. */
export function authModeOf(auth: string, scopes?: readonly string[]): AuthMode | undefined {
  switch (auth) {
    case 'AWS_IAM':
      return 'iam';
    case 'NONE':
      return 'none';
    case 'COGNITO_USER_POOLS':
      return scopes && scopes.length > 0 ? 'access-token' : 'id-token';
    case 'JWT':
      return 'access-token';
    default:
      return undefined;
  }
}

/** The auth of the routes an API's table does not list. */
function defaultAuth(kind: ApiType, modes: AuthMode[]): AuthMode {
  // REST: SigV4, as authapi always did. An HTTP API's routes are mostly its default
  // (JWT) authorizer's; a function URL has one auth for everything.
  if (kind === 'rest') return 'iam';
  if (kind === 'function-url') return modes[0] ?? 'iam';
  return modes.includes('access-token') || modes.length === 0 ? 'access-token' : modes[0]!;
}

/** One API's entry: its default auth and the routes that differ from nothing (all listed). */
export function apiConfigOf(d: ApiDescription, isDefault: boolean): ApiConfig {
  const kind = d.kind ?? 'rest';
  const routes: Record<string, AuthMode> = {};
  const modes: AuthMode[] = [];
  for (const r of d.routes) {
    const mode = authModeOf(r.auth, r.scopes ?? r.authorizationScopes);
    if (!mode) continue;
    modes.push(mode);
    routes[`${r.method.toUpperCase()} ${r.path}`] = mode;
  }
  const auth = defaultAuth(kind, modes);
  // A function URL's single catch-all route is its default: listing it would make
  // every path look like one of its routes.
  const listed = kind === 'function-url' ? {} : routes;
  return {
    ...(isDefault || d.url === undefined ? {} : { url: d.url.replace(/\/+$/, '') }),
    type: kind,
    auth,
    ...(kind === 'rest' ? { apiKey: isDefault } : {}),
    ...(Object.keys(listed).length ? { routes: listed } : {}),
  };
}

/**
 * The profile's `apis` from a list of described APIs. `defaultUrl`: the profile's
 * apiUrl — the REST API at that URL (else the first REST API) becomes the default
 * entry, without a url of its own. Names: the kind ("rest", "http", "function-url")
 * for the first of each kind, the logical id for others.
 */
export function apisFrom(list: readonly ApiDescription[], defaultUrl?: string): Record<string, ApiConfig> {
  const strip = (u?: string) => u?.replace(/\/+$/, '');
  const rest = list.filter((d) => (d.kind ?? 'rest') === 'rest');
  const def = rest.find((d) => defaultUrl !== undefined && strip(d.url) === strip(defaultUrl)) ?? rest[0];
  const out: Record<string, ApiConfig> = {};
  for (const d of list) {
    const kind = d.kind ?? 'rest';
    let name: string = d === def ? 'rest' : kind;
    if (name in out || (name === 'rest' && d !== def)) name = d.logicalId;
    let n = 2;
    while (name in out) name = `${d.logicalId}${n++}`;
    out[name] = apiConfigOf(d, d === def);
  }
  return out;
}
