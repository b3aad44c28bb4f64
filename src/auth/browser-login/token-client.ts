// The token and revocation endpoints of Cognito's managed login, as a public or a
// confidential client: with a secret, client_secret_basic (RFC 6749 §2.3.1: id and
// secret form-urlencoded, then base64), else client_id in the body.
import { AuthError, ConfigError, InterruptedError, NetworkError, type UserError } from '../../errors.js';
import type { Profile } from '../../config/profile.js';

export interface TokenResponse {
  id_token?: string;
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

export class OAuthEndpointError extends Error {
  constructor(readonly status: number, readonly error: string) {
    super(`${error} (HTTP ${status})`);
  }
}

export function loginBase(profile: Profile): string {
  return (profile.loginUrl ?? '').replace(/\/+$/, '');
}

function clientAuth(profile: Profile, body: URLSearchParams): Record<string, string> {
  if (profile.clientSecret === undefined) {
    body.set('client_id', profile.userPoolClientId);
    return {};
  }
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${enc(profile.userPoolClientId)}:${enc(profile.clientSecret)}`).toString('base64')}` };
}

async function postForm(profile: Profile, path: string, fields: Record<string, string>, signal: AbortSignal): Promise<Response> {
  const body = new URLSearchParams(fields);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...clientAuth(profile, body) };
  const url = `${loginBase(profile)}${path}`;
  try {
    return await fetch(url, { method: 'POST', headers, body: body.toString(), signal: AbortSignal.any([signal, AbortSignal.timeout(15_000)]), redirect: 'manual' });
  } catch (err) {
    if (signal.aborted) throw new InterruptedError();
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new NetworkError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, "check the network and the profile's loginUrl");
  }
}

export async function exchangeCode(profile: Profile, fields: { code: string; redirectUri: string; verifier: string }, signal: AbortSignal): Promise<TokenResponse> {
  const res = await postForm(profile, '/oauth2/token', {
    grant_type: 'authorization_code', code: fields.code, redirect_uri: fields.redirectUri, code_verifier: fields.verifier,
  }, signal);
  return tokenAnswer(res);
}

/**
 * The `refresh_token` grant: new ID and access tokens for a browser sign-in. The answer
 * carries a `refresh_token` only when the app client rotates them (then the old one
 * dies after the client's grace period, so the caller stores the new one first).
 */
export async function refreshGrant(profile: Profile, refreshToken: string, signal: AbortSignal): Promise<TokenResponse> {
  return tokenAnswer(await postForm(profile, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, signal));
}

async function tokenAnswer(res: Response): Promise<TokenResponse> {
  const text = await res.text();
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported by status below
  }
  if (res.status !== 200) throw new OAuthEndpointError(res.status, typeof data.error === 'string' ? data.error : `unexpected answer`);
  if (typeof data.access_token !== 'string' || typeof data.id_token !== 'string') {
    throw new AuthError('the token endpoint sent no ID token', 'the app client must allow the openid scope');
  }
  if (typeof data.expires_in !== 'number' || !(data.expires_in > 0)) data.expires_in = 3600;
  return data as unknown as TokenResponse;
}

/** 200 also for a token that is already revoked or unknown (the endpoint's rule). */
export async function revokeRefreshToken(profile: Profile, token: string, signal: AbortSignal): Promise<void> {
  const res = await postForm(profile, '/oauth2/revoke', { token }, signal);
  if (res.status !== 200) throw new OAuthEndpointError(res.status, ((await res.json().catch(() => ({}))) as { error?: string }).error ?? 'unexpected answer');
}

/**
 * What a refusal by the managed login's endpoints means at the terminal (the caller
 * handles `invalid_grant` at refresh itself: the session is over). A server error is
 * treated like an unreachable server (exit 6), as for the User Pool API.
 */
export function endpointError(err: OAuthEndpointError, what: string, profileName: string): UserError {
  if (err.status >= 500) return new NetworkError(`the managed login's ${what} failed (HTTP ${err.status})`, 'try again in a moment', { cause: err });
  if (err.error === 'invalid_client' || err.error === 'unauthorized_client') {
    return new ConfigError(`the managed login's ${what} refused the app client: ${err.error}`,
      `check userPoolClientId and clientSecret in profile "${profileName}" (\`authapi status --profile ${profileName}\`)`, { cause: err });
  }
  return new AuthError(`the managed login's ${what} refused: ${err.error} (HTTP ${err.status})`, undefined, { cause: err });
}
