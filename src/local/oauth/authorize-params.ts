// /oauth2/authorize (and /login, which takes the same parameters) checked in the
// order Cognito's authorization endpoint docs give: the client and the exact
// redirect URI first — without them nothing may be sent to the client, so the
// browser goes to Cognito's own error page — then everything else, reported to the
// redirect URI as `?error=…`.
import type { UserPoolClientModel, UserPoolModel } from '../model.js';

export interface AuthorizeRequest {
  poolId: string;
  clientId: string;
  redirectUri: string;
  responseType: 'code';
  /** Granted: the requested scopes the client allows (all of them when none were asked for). */
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  identityProvider?: string;
}

export type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizeRequest; pool: UserPoolModel; client: UserPoolClientModel }
  /** No redirect to the client: Cognito's /error page. */
  | { kind: 'error-page'; error: string; clientId?: string }
  | { kind: 'redirect-error'; redirectUri: string; error: string; description?: string; state?: string };

export function findClient(pools: UserPoolModel[], clientId: string): { pool: UserPoolModel; client: UserPoolClientModel } | undefined {
  for (const pool of pools) {
    const client = pool.clients.find((c) => c.clientId === clientId);
    if (client) return { pool, client };
  }
  return undefined;
}

export function checkAuthorize(pools: UserPoolModel[], q: URLSearchParams): AuthorizeCheck {
  const clientId = q.get('client_id') ?? '';
  const found = clientId ? findClient(pools, clientId) : undefined;
  // Not confirmed by a captured sample: what Cognito's error page says for an unknown client.
  if (!found) return { kind: 'error-page', error: 'invalid_request', ...(clientId ? { clientId } : {}) };
  const { pool, client } = found;
  const redirectUri = q.get('redirect_uri') ?? '';
  // Exact string match, trailing slash and port included: anything else is redirect_mismatch.
  if (!client.oauth || !client.oauth.callbackUrls.includes(redirectUri)) return { kind: 'error-page', error: 'redirect_mismatch', clientId };
  const state = q.get('state') ?? undefined;
  const fail = (error: string, description?: string): AuthorizeCheck => ({
    kind: 'redirect-error', redirectUri, error, ...(description ? { description } : {}), ...(state !== undefined ? { state } : {}),
  });
  const responseType = q.get('response_type');
  if (!responseType) return fail('invalid_request');
  if (responseType !== 'code' && responseType !== 'token') return fail('invalid_request');
  if (responseType === 'token') {
    // The implicit flow is not emulated; a client that does not allow it gets unauthorized_client.
    return fail('unauthorized_client');
  }
  if (!client.oauth.flows.includes('code')) return fail('unauthorized_client');
  const method = q.get('code_challenge_method');
  const challenge = q.get('code_challenge');
  if (method !== null && method !== 'S256') return fail('invalid_request');
  if (challenge !== null && method === null) return fail('invalid_request');
  if (method !== null && !challenge) return fail('invalid_request');
  const idp = q.get('identity_provider') ?? undefined;
  if (idp !== undefined && !client.oauth.identityProviders.includes(idp)) return fail('unauthorized_client');
  let scopes = client.oauth.scopes;
  const asked = q.get('scope');
  if (asked !== null) {
    // Scopes the client does not allow are ignored; none left at all is invalid_scope
    // (the second half is RFC 6749's rule, not confirmed by a captured sample).
    scopes = asked.split(' ').filter((s) => s && client.oauth!.scopes.includes(s));
    scopes = [...new Set(scopes)];
    if (scopes.length === 0) return fail('invalid_scope');
  }
  return {
    kind: 'ok',
    pool,
    client,
    request: {
      poolId: pool.id, clientId, redirectUri, responseType: 'code', scopes,
      ...(state !== undefined ? { state } : {}),
      ...(q.get('nonce') !== null ? { nonce: q.get('nonce')! } : {}),
      ...(challenge ? { codeChallenge: challenge } : {}),
      ...(idp !== undefined ? { identityProvider: idp } : {}),
    },
  };
}

/** `redirect_uri?error=…&state=…` (query, as Cognito sends it). */
export function errorRedirect(check: Extract<AuthorizeCheck, { kind: 'redirect-error' }>): string {
  const u = new URL(check.redirectUri);
  u.searchParams.append('error', check.error);
  if (check.description) u.searchParams.append('error_description', check.description);
  if (check.state !== undefined) u.searchParams.append('state', check.state);
  return u.toString();
}

/** The authorize parameters again, for /login and the page's own links. */
export function authorizeQuery(r: AuthorizeRequest, challengeMethod = 'S256'): string {
  const q = new URLSearchParams({ client_id: r.clientId, redirect_uri: r.redirectUri, response_type: r.responseType, scope: r.scopes.join(' ') });
  if (r.state !== undefined) q.set('state', r.state);
  if (r.nonce !== undefined) q.set('nonce', r.nonce);
  if (r.codeChallenge) {
    q.set('code_challenge', r.codeChallenge);
    q.set('code_challenge_method', challengeMethod);
  }
  return q.toString();
}
