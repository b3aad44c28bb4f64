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
}

export const PROFILE_KEYS = [
  'region', 'userPoolId', 'userPoolClientId', 'clientSecret', 'identityPoolId', 'apiUrl', 'apiKey', 'endpoints', 'store', 'admin', 'loginUrl', 'loginCallbackUrls',
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
  return problems.length ? { problems } : { profile: obj as unknown as Profile, problems };
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
