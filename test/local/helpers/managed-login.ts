// Managed login (what `authapi login --browser` does) driven over HTTP: authorize →
// /login form with the demo user's password → code → /oauth2/token with PKCE.
import { createHash, randomBytes } from 'node:crypto';
import type { LocalStack } from '../../../src/local/index.js';

/** The template's first registered callback URL. */
export const REDIRECT = 'http://127.0.0.1:47801/callback';

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A GET that does not follow redirects (the test reads each Location). */
export const get = (url: string, cookie?: string) => fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
/** A form POST that does not follow redirects. */
export const post = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() });

export function authorizeUrl(s: LocalStack, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ response_type: 'code', client_id: s.info.userPoolClientId, redirect_uri: REDIRECT, state: 'st4te', ...extra });
  return `${s.url}/oauth2/authorize?${q}`;
}

/** The sign-in transaction id of a managed-login page. */
export const txOf = (html: string) => /name="tx" value="([^"]+)"/.exec(html)![1]!;
/** A JWT's payload, unverified. */
export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

export interface OAuthTokens {
  id_token: string;
  access_token: string;
  refresh_token: string;
}

export async function authorizationCodeTokens(s: LocalStack, scope: string, password = 'demoPASS123'): Promise<OAuthTokens> {
  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({ response_type: 'code', client_id: s.info.userPoolClientId, redirect_uri: REDIRECT, state: 's', scope, code_challenge: challenge, code_challenge_method: 'S256' });
  const a = await fetch(`${s.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
  const login = a.headers.get('location');
  if (a.status !== 302 || !login) throw new Error(`authorize answered ${a.status}`);
  const html = await (await fetch(s.url + login)).text();
  const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1];
  if (!tx) throw new Error('no sign-in form');
  const signedIn = await post(`${s.url}/login`, { tx, username: 'demouser', password });
  const code = new URL(signedIn.headers.get('location') ?? 'x:/').searchParams.get('code');
  if (!code) throw new Error(`sign-in answered ${signedIn.status}`);
  const t = await post(`${s.url}/oauth2/token`, { grant_type: 'authorization_code', client_id: s.info.userPoolClientId, code, redirect_uri: REDIRECT, code_verifier: verifier });
  if (t.status !== 200) throw new Error(`token endpoint answered ${t.status}: ${await t.text()}`);
  return (await t.json()) as OAuthTokens;
}
