// The token and revocation endpoints of Cognito's managed login, as a public or a
// confidential client: with a secret, client_secret_basic (RFC 6749 §2.3.1: id and
// secret form-urlencoded, then base64), else client_id in the body.
import { AuthError, InterruptedError, NetworkError } from '../../errors.js';
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
  return data as unknown as TokenResponse;
}

/** 200 also for a token that is already revoked or unknown (the endpoint's rule). */
export async function revokeRefreshToken(profile: Profile, token: string, signal: AbortSignal): Promise<void> {
  const res = await postForm(profile, '/oauth2/revoke', { token }, signal);
  if (res.status !== 200) throw new OAuthEndpointError(res.status, ((await res.json().catch(() => ({}))) as { error?: string }).error ?? 'unexpected answer');
}
