// Managed login's side of a sign-in through an OIDC identity provider, as the
// developer guide describes it (pages cognito-user-pools-oidc-idp and
// cognito-user-pools-oidc-flow): /oauth2/authorize?identity_provider=<name> sends the
// browser to the provider's authorize endpoint with a state and nonce of Cognito's
// own; the provider sends it back to /oauth2/idpresponse with a code; Cognito
// exchanges the code at the provider's token endpoint, checks the ID token (signature
// by the provider's JWKS, iss = oidc_issuer, aud = client_id, nonce, expiry), asks the
// provider's userInfo endpoint for the attributes (attributes_request_method),
// creates or updates the federated user, and only then issues the app's own code.
// The provider here is the emulator's stand-in (src/local/oidc-provider/), called
// in-process with real HTTP requests' shapes.
// What no captured sample confirms is marked "unconfirmed" where it is decided.
import { randomBytes } from 'node:crypto';
import type { CognitoIdpService } from '../cognito-idp/service.js';
import type { Clock, IdentityProviderModel, LocalRequest, LocalResponse, UserPoolModel } from '../model.js';
import type { OidcStandIn, OidcStandIns } from '../oidc-provider/stand-in.js';
import { errorRedirect, type AuthorizeRequest } from './authorize-params.js';
import type { AuthResult } from './idp-wire.js';
import { messagePage } from './pages.js';
import { jose } from '../lazy-jose.js';


/** Cognito cancels a federated sign-in not finished within 5 minutes (the OIDC flow page). */
export const FEDERATION_TTL_MS = 5 * 60_000;

interface PendingFederation {
  request: AuthorizeRequest;
  provider: IdentityProviderModel;
  standIn: OidcStandIn;
  nonce: string;
  /** The emulator's address as the browser used it: the redirect URI registered at the provider. */
  base: string;
  expiresAt: number;
}

export type FederationOutcome =
  | { kind: 'response'; response: LocalResponse }
  | { kind: 'signed-in'; request: AuthorizeRequest; username: string; result: AuthResult };

export interface FederationOptions {
  pools: UserPoolModel[];
  idp: CognitoIdpService;
  clock: Clock;
  standIns: OidcStandIns;
}

export class Federation {
  private readonly pending = new Map<string, PendingFederation>();

  constructor(private readonly opts: FederationOptions) {}

  /** The providers of the client that the sign-in page offers as buttons. */
  providersFor(request: AuthorizeRequest, supported: string[]): IdentityProviderModel[] {
    const pool = this.opts.pools.find((p) => p.id === request.poolId);
    return (pool?.identityProviders ?? []).filter((p) => supported.includes(p.name));
  }

  /** /oauth2/authorize with identity_provider=<an OIDC provider>: off to the provider. */
  start(base: string, request: AuthorizeRequest): LocalResponse {
    const pool = this.opts.pools.find((p) => p.id === request.poolId);
    const provider = pool?.identityProviders?.find((p) => p.name === request.identityProvider);
    const standIn = provider ? this.opts.standIns.of(request.poolId, provider.name) : undefined;
    if (!provider || !standIn) {
      // A SAML or social provider the client supports: declared in the template, not emulated.
      return page(400, 'Sign-in not possible here', `The emulator does not run identity provider ${request.identityProvider ?? ''} (only OIDC providers have a stand-in).`);
    }
    this.prune();
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    this.pending.set(state, { request, provider, standIn, nonce, base, expiresAt: this.opts.clock.now() + FEDERATION_TTL_MS });
    const q = new URLSearchParams({
      client_id: provider.clientId,
      redirect_uri: `${base}/oauth2/idpresponse`,
      response_type: 'code',
      scope: provider.authorizeScopes.join(' '),
      state,
      nonce,
    });
    return redirect(`${base}${standIn.path}/authorize?${q.toString()}`);
  }

  /** /oauth2/idpresponse: the provider's answer. */
  async response(q: URLSearchParams): Promise<FederationOutcome> {
    const state = q.get('state') ?? '';
    const p = this.pending.get(state);
    // Every state is good once: a replayed or forged one finds nothing.
    this.pending.delete(state);
    if (!p || this.opts.clock.now() >= p.expiresAt) {
      // The developer guide: an unfinished request is cancelled and the page says
      // "Something went wrong" (the exact page is unconfirmed).
      return { kind: 'response', response: page(400, 'Something went wrong', 'Something went wrong. The sign-in took too long or was not started here; go back to the application and start again.') };
    }
    const fail = (error: string, description: string): FederationOutcome => ({
      kind: 'response',
      // unconfirmed: errors after the provider are sent to the app's redirect URI as
      // error=invalid_request with a description (seen in user reports for "Bad id_token issuer").
      response: redirect(errorRedirect({ kind: 'redirect-error', redirectUri: p.request.redirectUri, error, description, ...(p.request.state !== undefined ? { state: p.request.state } : {}) })),
    });
    const providerError = q.get('error');
    // unconfirmed: the provider's own error (e.g. access_denied) passed on to the app as is.
    if (providerError) return fail(providerError, q.get('error_description') ?? `${p.provider.name} answered ${providerError}`);
    const code = q.get('code');
    if (!code) return fail('invalid_request', 'Missing code');

    // The code exchange. unconfirmed: Cognito's client authentication at the provider
    // (client_secret_post here; the stand-in accepts either).
    const tokenForm = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${p.base}/oauth2/idpresponse`, client_id: p.provider.clientId });
    if (p.provider.clientSecret !== undefined) tokenForm.set('client_secret', p.provider.clientSecret);
    const tokenRes = await this.call(p, 'POST', '/token', tokenForm.toString());
    const tokens = parse(tokenRes) as { id_token?: unknown; access_token?: unknown };
    if (tokenRes.status !== 200 || typeof tokens.id_token !== 'string' || typeof tokens.access_token !== 'string') {
      return fail('invalid_request', `${p.provider.name} refused the code exchange`);
    }
    const claims = await this.verifyIdToken(p, tokens.id_token);
    if (typeof claims === 'string') return fail('invalid_request', claims);

    const infoRes = p.provider.attributesRequestMethod === 'POST'
      ? await this.call(p, 'POST', '/userinfo', '', tokens.access_token)
      : await this.call(p, 'GET', '/userinfo', '', tokens.access_token);
    const info = parse(infoRes) as Record<string, unknown>;
    // OIDC Core §5.3.2: the userInfo sub must be the ID token's.
    if (infoRes.status !== 200 || info.sub !== claims.sub) return fail('invalid_request', `${p.provider.name} userInfo request failed`);
    const all = { ...claims, ...info };

    const userId = claimText(all[p.provider.attributeMapping.username ?? 'sub']);
    if (!userId) return fail('invalid_request', `${p.provider.name} sent no ${p.provider.attributeMapping.username ?? 'sub'}`);
    const attributes: Record<string, string> = {};
    for (const [attr, claim] of Object.entries(p.provider.attributeMapping)) {
      if (attr === 'username') continue;
      const v = claimText(all[claim]);
      if (v !== undefined) attributes[attr] = v;
    }
    const out = await this.opts.idp.federatedSignIn(p.request.clientId, { providerName: p.provider.name, providerType: 'OIDC', issuer: null, userId }, attributes);
    if (!out.ok) return fail('invalid_request', out.message);
    return { kind: 'signed-in', request: p.request, username: out.username, result: out.result };
  }

  /** The provider's ID token checked as an OIDC relying party must (OIDC Core §3.1.3.7); the claims or why not. */
  private async verifyIdToken(p: PendingFederation, idToken: string): Promise<Record<string, unknown> | string> {
    const { createLocalJWKSet, jwtVerify, decodeJwt } = await jose();
    const jwksRes = await this.call(p, 'GET', '/jwks.json', '');
    if (jwksRes.status !== 200) return `${p.provider.name} JWKS could not be read`;
    let unverified: Record<string, unknown>;
    try {
      unverified = decodeJwt(idToken) as Record<string, unknown>;
    } catch {
      return 'Invalid id_token';
    }
    // "Bad id_token issuer <iss>" is Cognito's message in user reports; the others follow its pattern (unconfirmed).
    if (unverified.iss !== p.provider.issuer) return `Bad id_token issuer ${String(unverified.iss)}`;
    try {
      const { payload } = await jwtVerify(idToken, createLocalJWKSet(parse(jwksRes) as { keys: [] }), {
        algorithms: ['RS256'], issuer: p.provider.issuer, audience: p.provider.clientId, currentDate: new Date(this.opts.clock.now()),
      });
      if (payload.nonce !== p.nonce) return 'Bad id_token nonce';
      return payload as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (err as { claim?: string }).claim === 'aud') return 'Bad id_token audience';
      if (code === 'ERR_JWT_EXPIRED') return 'Expired id_token';
      return 'Invalid id_token signature';
    }
  }

  private call(p: PendingFederation, method: string, sub: string, body: string, bearer?: string): Promise<LocalResponse> {
    const host = new URL(p.base).host;
    const req: LocalRequest = {
      method,
      url: `${p.standIn.path}${sub}`,
      headers: {
        host,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      rawHeaders: [],
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    };
    return p.standIn.handle(req, p.base).then((r) => r ?? { status: 404, headers: {}, body: '' });
  }

  private prune(): void {
    const now = this.opts.clock.now();
    for (const [k, v] of this.pending) if (now >= v.expiresAt) this.pending.delete(k);
  }
}

/** A claim as a user pool attribute value: strings as they are, booleans and numbers as text. */
function claimText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parse(res: LocalResponse): unknown {
  try {
    const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

function page(status: number, title: string, message: string): LocalResponse {
  const p = messagePage(title, message, status);
  return { status: p.status, headers: { 'Content-Type': 'text/html;charset=UTF-8', 'Cache-Control': 'no-store' }, body: p.html };
}

function redirect(location: string): LocalResponse {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
}
