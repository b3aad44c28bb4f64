// A profile: everything authapi needs to reach one deployment of the stack.
// Validation names the key and what is expected, so a typo is a one-line fix.

export interface Endpoints {
  /** Cognito User Pool API (cognito-idp) */
  cognitoIdp?: string;
  /** Cognito Identity Pool API (cognito-identity) */
  cognitoIdentity?: string;
  sts?: string;
}

export interface Profile {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  clientSecret?: string;
  identityPoolId: string;
  /** The stage's base URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod */
  apiUrl: string;
  apiKey: string;
  endpoints?: Endpoints;
  /** Base URL of the pool's managed login (`https://<prefix>.auth.<region>.amazoncognito.com`), for `login --browser`. */
  loginUrl?: string;
  /** The app client's loopback CallbackURLs `login --browser` may listen on, in order (default: the template's). */
  loginCallbackUrls?: string[];
  /** Secret storage the user chose: the OS keychain (default) or an explicitly allowed 0600 file. */
  store?: 'keychain' | 'file';
  /**
   * Administrator credentials `authapi local` issues for its emulated stack (the signed
   * admin operations: AdminCreateUser, ListUsers, DescribeUserPool, …). A secret.
   */
  admin?: { accessKeyId: string; secretAccessKey: string };
  /**
   * The default API's id when `apiUrl` is a VPC endpoint of a private REST API: sent as
   * `x-apigw-api-id` (and signed), which API Gateway uses to pick the API.
   */
  apiId?: string;
  /** Every API of the stack with its routes' auth (src/config/apis.ts); absent in older profiles. */
  apis?: Record<string, ApiConfig>;
}

/** The kinds of API a profile may record. */
export const API_TYPES = ['rest', 'http', 'function-url'] as const;
export type ApiType = (typeof API_TYPES)[number];

/** How a request is authenticated: SigV4, a user pool token in Authorization, or nothing. */
export const AUTH_MODES = ['iam', 'id-token', 'access-token', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * One API of the stack. Without `url` it is the profile's `apiUrl` (the default REST
 * API, which also takes the profile's `apiKey`).
 */
export interface ApiConfig {
  url?: string;
  type: ApiType;
  /** The auth of the routes `routes` does not list. */
  auth: AuthMode;
  /** Send the profile's API key (REST APIs only; default true for the default API, else false). */
  apiKey?: boolean;
  /** A private API's id, sent as `x-apigw-api-id` (REST APIs only). */
  apiId?: string;
  /** "METHOD /resource/path" (ANY for every method, {param} and {proxy+} as in the template) → auth. */
  routes?: Record<string, AuthMode>;
}

export const PROFILE_KEYS = [
  'region', 'userPoolId', 'userPoolClientId', 'clientSecret', 'identityPoolId', 'apiUrl', 'apiKey', 'endpoints', 'store', 'admin', 'loginUrl', 'loginCallbackUrls', 'apiId', 'apis',
] as const;
export const REQUIRED_KEYS = ['region', 'userPoolId', 'userPoolClientId', 'identityPoolId', 'apiUrl', 'apiKey'] as const;
export type RequiredKey = (typeof REQUIRED_KEYS)[number];

/** The flag `authapi configure` takes for each key (used in error messages). */
export const FLAG_FOR: Record<RequiredKey | 'clientSecret', string> = {
  region: '--region',
  userPoolId: '--user-pool-id',
  userPoolClientId: '--client-id',
  clientSecret: '--client-secret',
  identityPoolId: '--identity-pool-id',
  apiUrl: '--api-url',
  apiKey: '--api-key',
};

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/;

/** Rules for each key: a test and what is expected, in words a user can act on. */
const RULES: Record<RequiredKey | 'clientSecret', { test: (v: string) => boolean; expected: string }> = {
  region: { test: (v) => REGION.test(v), expected: 'an AWS region such as us-east-1' },
  userPoolId: {
    test: (v) => /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}_[0-9a-zA-Z]+$/.test(v),
    expected: 'a user pool id such as us-east-1_AbC123',
  },
  userPoolClientId: { test: (v) => /^[\w+]{1,128}$/.test(v), expected: 'an app client id (letters and digits, e.g. 1example23456789)' },
  clientSecret: { test: (v) => /^[\w+]{1,128}$/.test(v), expected: 'the app client secret (letters and digits)' },
  identityPoolId: {
    test: (v) => /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}:[0-9a-f-]+$/.test(v),
    expected: 'an identity pool id such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  },
  apiUrl: { test: isHttpUrl, expected: 'the API stage URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod' },
  apiKey: { test: (v) => /^[\x21-\x7e]{1,1024}$/.test(v), expected: 'the API key value (no spaces)' },
};

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
  } catch {
    return false;
  }
}

/** Problems with one value, or undefined when it is fine. */
export function checkValue(key: RequiredKey | 'clientSecret', value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `${key} is missing; expected ${RULES[key].expected}`;
  if (!RULES[key].test(value)) return `${key} ${JSON.stringify(value)} is not valid; expected ${RULES[key].expected}`;
  return undefined;
}

/**
 * Validates an untrusted object as a Profile. Returns the problems (each one names
 * the key), or the profile. Unknown keys are problems too: they are usually typos.
 */
export function validateProfile(raw: unknown): { profile?: Profile; problems: string[] } {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: ['the profile is not a JSON object'] };
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(PROFILE_KEYS as readonly string[]).includes(key)) problems.push(`unknown key "${key}" (known keys: ${PROFILE_KEYS.join(', ')})`);
  }
  for (const key of REQUIRED_KEYS) {
    const p = checkValue(key, obj[key]);
    if (p) problems.push(p);
  }
  if (obj.clientSecret !== undefined) {
    const p = checkValue('clientSecret', obj.clientSecret);
    if (p) problems.push(p);
  }
  if (obj.store !== undefined && obj.store !== 'keychain' && obj.store !== 'file') {
    problems.push(`store ${JSON.stringify(obj.store)} is not valid; expected "keychain" or "file"`);
  }
  if (obj.loginUrl !== undefined && (typeof obj.loginUrl !== 'string' || !isHttpUrl(obj.loginUrl))) {
    problems.push(`loginUrl ${JSON.stringify(obj.loginUrl)} is not valid; expected the managed login base URL, e.g. https://example.auth.us-east-1.amazoncognito.com`);
  }
  if (obj.loginCallbackUrls !== undefined && (!Array.isArray(obj.loginCallbackUrls) || obj.loginCallbackUrls.length === 0 || !obj.loginCallbackUrls.every(isLoopbackHttpUrl))) {
    problems.push('loginCallbackUrls must be a list of loopback http URLs, e.g. ["http://127.0.0.1:47801/callback"]');
  }
  if (obj.endpoints !== undefined) {
    if (typeof obj.endpoints !== 'object' || obj.endpoints === null || Array.isArray(obj.endpoints)) {
      problems.push('endpoints must be an object with cognitoIdp, cognitoIdentity and/or sts URLs');
    } else {
      for (const [k, v] of Object.entries(obj.endpoints as Record<string, unknown>)) {
        if (!['cognitoIdp', 'cognitoIdentity', 'sts'].includes(k)) problems.push(`unknown key "endpoints.${k}" (known: cognitoIdp, cognitoIdentity, sts)`);
        else if (typeof v !== 'string' || !isHttpUrlLoose(v)) problems.push(`endpoints.${k} ${JSON.stringify(v)} is not an http(s) URL`);
      }
    }
  }
  if (obj.admin !== undefined) {
    const a = obj.admin as Record<string, unknown> | null;
    if (typeof a !== 'object' || a === null || typeof a.accessKeyId !== 'string' || typeof a.secretAccessKey !== 'string' || Object.keys(a).length !== 2) {
      problems.push('admin must be an object with accessKeyId and secretAccessKey (written by `authapi local`)');
    }
  }
  if (obj.apiId !== undefined && !isApiId(obj.apiId)) problems.push(`apiId ${JSON.stringify(obj.apiId)} is not valid; expected an API id such as a1b2c3d4e5 (sent as x-apigw-api-id)`);
  if (obj.apis !== undefined) problems.push(...checkApis(obj.apis));
  return problems.length ? { problems } : { profile: obj as unknown as Profile, problems };
}

const API_KEYS = ['url', 'type', 'auth', 'apiKey', 'apiId', 'routes'];
/** A route key: a method (or ANY) and a resource path. */
export const ROUTE_KEY = /^(ANY|[A-Z]+) (\/[^\s?#]*)$/;

function isApiId(v: unknown): boolean {
  return typeof v === 'string' && /^[a-z0-9]{1,64}$/.test(v);
}

/** Problems with `apis`, each naming the key (`apis.http.routes."GET /me"`). */
function checkApis(apis: unknown): string[] {
  if (typeof apis !== 'object' || apis === null || Array.isArray(apis)) return ['apis must be an object of API name → {url, type, auth, routes}'];
  const problems: string[] = [];
  const modes = AUTH_MODES.map((m) => `"${m}"`).join(', ');
  let defaults = 0;
  for (const [name, raw] of Object.entries(apis as Record<string, unknown>)) {
    const at = `apis.${name}`;
    if (!/^[A-Za-z0-9][\w.-]{0,63}$/.test(name)) problems.push(`${at}: the name must be letters, digits, - _ or . (it is what --api takes)`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${at} must be an object {url, type, auth, routes}`);
      continue;
    }
    const a = raw as Record<string, unknown>;
    for (const k of Object.keys(a)) if (!API_KEYS.includes(k)) problems.push(`unknown key "${at}.${k}" (known: ${API_KEYS.join(', ')})`);
    if (a.url === undefined) defaults += 1;
    else if (typeof a.url !== 'string' || !isHttpUrl(a.url)) problems.push(`${at}.url ${JSON.stringify(a.url)} is not valid; expected the API's base URL (http or https, no query)`);
    if (!(API_TYPES as readonly unknown[]).includes(a.type)) problems.push(`${at}.type ${JSON.stringify(a.type)} is not valid; expected "rest", "http" or "function-url"`);
    if (!(AUTH_MODES as readonly unknown[]).includes(a.auth)) problems.push(`${at}.auth ${JSON.stringify(a.auth)} is not valid; expected ${modes}`);
    if (a.apiKey !== undefined && typeof a.apiKey !== 'boolean') problems.push(`${at}.apiKey must be true or false`);
    if (a.apiKey === true && a.type !== 'rest') problems.push(`${at}.apiKey: only REST APIs take API keys (this one is ${JSON.stringify(a.type)})`);
    if (a.apiId !== undefined && !isApiId(a.apiId)) problems.push(`${at}.apiId ${JSON.stringify(a.apiId)} is not valid; expected an API id such as a1b2c3d4e5`);
    if (a.url === undefined && a.type !== 'rest') problems.push(`${at}.url is missing (only the REST API at apiUrl may leave it out)`);
    if (a.routes !== undefined) {
      if (typeof a.routes !== 'object' || a.routes === null || Array.isArray(a.routes)) {
        problems.push(`${at}.routes must be an object of "METHOD /path" → auth`);
      } else {
        for (const [route, mode] of Object.entries(a.routes as Record<string, unknown>)) {
          if (!ROUTE_KEY.test(route)) problems.push(`${at}.routes ${JSON.stringify(route)} is not a route; expected "METHOD /path", e.g. "GET /me"`);
          else if (!(AUTH_MODES as readonly unknown[]).includes(mode)) problems.push(`${at}.routes.${JSON.stringify(route)}: ${JSON.stringify(mode)} is not valid; expected ${modes}`);
        }
      }
    }
  }
  if (defaults > 1) problems.push('apis: only one API may leave out url (the one at apiUrl)');
  return problems;
}

function isLoopbackHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.port !== '' && !u.search && !u.hash;
  } catch {
    return false;
  }
}

function isHttpUrlLoose(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Region of a pool from its id prefix (user and identity pools may live in other regions than the API). */
export function regionOfPool(poolId: string): string {
  return poolId.split(/[_:]/)[0]!;
}
