// A small OpenID Connect provider that stands in for a user pool's OIDC identity
// provider (AWS::Cognito::UserPoolIdentityProvider, ProviderType OIDC), so federated
// sign-in through managed login works with no network. It serves, under
// `/oidc-idp/<ProviderName>` of the emulator's service endpoint: the discovery
// document, /authorize (a sign-in page listing its users), /token (authorization_code,
// client_secret_basic or client_secret_post), /userinfo (GET or POST, Bearer) and
// /jwks.json. Its only registered client is the one in the template's ProviderDetails,
// and the only redirect URI it accepts is the emulator's own /oauth2/idpresponse.
// Its ID tokens carry the template's oidc_issuer as `iss`: the emulator cannot serve
// that issuer's real host, so the issuer is an identity here, not an address.
// OpenID Connect Core 1.0 §3.1 (code flow); RFC 6749 §4.1 and §5.2 (errors).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { generateSigningKey, loadSigningKey, type LoadedKey } from '../cognito-idp/signing-keys.js';
import type { Clock, IdentityProviderModel, LocalRequest, LocalResponse } from '../model.js';
import { stableUuid } from '../template/ids.js';
import { clientCredentials } from '../oauth/client-auth.js';
import { providerErrorPage, providerSignInPage } from './pages.js';
import { jose } from '../lazy-jose.js';


export const STAND_IN_ROOT = '/oidc-idp/';
const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_S = 3600;

export interface StandInUser {
  username: string;
  password: string;
}

interface AuthorizeTx {
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  expiresAt: number;
}

interface Code extends AuthorizeTx {
  username: string;
  authTime: number;
  used: boolean;
}

export function standInPath(providerName: string): string {
  return `${STAND_IN_ROOT}${encodeURIComponent(providerName)}`;
}

export class OidcStandIn {
  readonly path: string;
  private loadedKey: LoadedKey | undefined;
  private readonly txs = new Map<string, AuthorizeTx>();
  private readonly codes = new Map<string, Code>();
  private readonly accessTokens = new Map<string, { username: string; scopes: string[]; expiresAt: number }>();

  constructor(readonly model: IdentityProviderModel, private readonly users: StandInUser[], private readonly clock: Clock) {
    this.path = standInPath(model.name);
  }

  /** Made on first use (RSA generation costs CPU); a restart makes a new one, as a key rotation would. */
  private get key(): LoadedKey {
    return (this.loadedKey ??= loadSigningKey(generateSigningKey()));
  }

  /** The claims the provider knows about a user (documented in docs/browser-login.md). */
  claimsOf(username: string): Record<string, unknown> {
    return {
      // A stable, opaque subject per provider and user, so a second sign-in finds the same pool user.
      sub: stableUuid(`${this.model.issuer}\0${username}`),
      email: username.includes('@') ? username : `${username}@example.com`,
      email_verified: true,
      name: username,
      preferred_username: username,
    };
  }

  /** The response for one of the provider's paths, or undefined. */
  async handle(req: LocalRequest, base: string): Promise<LocalResponse | undefined> {
    const qmark = req.url.indexOf('?');
    const path = qmark < 0 ? req.url : req.url.slice(0, qmark);
    if (!path.startsWith(`${this.path}/`)) return undefined;
    const q = new URLSearchParams(qmark < 0 ? '' : req.url.slice(qmark + 1));
    const sub = path.slice(this.path.length);
    const get = req.method === 'GET' || req.method === 'HEAD';
    switch (sub) {
      case '/.well-known/openid-configuration':
        return get ? json(200, this.discovery(base)) : undefined;
      case '/jwks.json':
        return get ? json(200, { keys: [this.key.publicJwk] }) : undefined;
      case '/authorize':
        if (get) return this.authorize(q, base);
        return req.method === 'POST' ? this.signIn(new URLSearchParams(req.body.toString('utf8'))) : undefined;
      case '/token':
        return req.method === 'POST' ? this.token(req, new URLSearchParams(req.body.toString('utf8'))) : undefined;
      case '/userinfo':
        return get || req.method === 'POST' ? this.userInfo(req) : undefined;
      default:
        return undefined;
    }
  }

  discovery(base: string): Record<string, unknown> {
    const at = `${base}${this.path}`;
    return {
      issuer: this.model.issuer,
      authorization_endpoint: `${at}/authorize`,
      token_endpoint: `${at}/token`,
      userinfo_endpoint: `${at}/userinfo`,
      jwks_uri: `${at}/jwks.json`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    };
  }

  private authorize(q: URLSearchParams, base: string): LocalResponse {
    // Without a known client and its registered redirect URI nothing goes back (OIDC Core §3.1.2.6).
    if (q.get('client_id') !== this.model.clientId) return page(400, providerErrorPage(this.model.name, 'Unknown client_id.'));
    const redirectUri = q.get('redirect_uri') ?? '';
    if (redirectUri !== `${base}/oauth2/idpresponse`) return page(400, providerErrorPage(this.model.name, 'redirect_uri is not registered for this client.'));
    const state = q.get('state') ?? undefined;
    const back = (error: string) => {
      const u = new URL(redirectUri);
      u.searchParams.set('error', error);
      if (state !== undefined) u.searchParams.set('state', state);
      return redirect(u.toString());
    };
    if (q.get('response_type') !== 'code') return back('unsupported_response_type');
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('openid')) return back('invalid_scope');
    this.prune();
    const tx = randomBytes(18).toString('base64url');
    this.txs.set(tx, {
      redirectUri, scopes, expiresAt: this.clock.now() + CODE_TTL_MS,
      ...(state !== undefined ? { state } : {}), ...(q.get('nonce') !== null ? { nonce: q.get('nonce')! } : {}),
    });
    return page(200, providerSignInPage(this.model.name, tx, this.users.map((u) => u.username)));
  }

  private signIn(f: URLSearchParams): LocalResponse {
    const txId = f.get('tx') ?? '';
    const tx = this.txs.get(txId);
    if (!tx || this.clock.now() >= tx.expiresAt) return page(400, providerErrorPage(this.model.name, 'This sign-in has expired. Start again from the application.'));
    const username = (f.get('username') ?? '').trim();
    const user = this.users.find((u) => u.username === username);
    if (!user || !sameText(user.password, f.get('password') ?? '')) {
      return page(401, providerSignInPage(this.model.name, txId, this.users.map((u) => u.username), 'Wrong username or password.', username));
    }
    this.txs.delete(txId);
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { ...tx, username, authTime: Math.floor(this.clock.now() / 1000), expiresAt: this.clock.now() + CODE_TTL_MS, used: false });
    const u = new URL(tx.redirectUri);
    u.searchParams.set('code', code);
    if (tx.state !== undefined) u.searchParams.set('state', tx.state);
    return redirect(u.toString());
  }

  private async token(req: LocalRequest, f: URLSearchParams): Promise<LocalResponse> {
    if (!this.clientAuthenticated(req, f)) return json(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="token"' });
    if (f.get('grant_type') !== 'authorization_code') return json(400, { error: 'unsupported_grant_type' });
    const code = this.codes.get(f.get('code') ?? '');
    if (!code || code.used || this.clock.now() >= code.expiresAt || f.get('redirect_uri') !== code.redirectUri) return json(400, { error: 'invalid_grant' });
    code.used = true;
    const { SignJWT } = await jose();
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: Record<string, unknown> = {
      ...this.claimsOf(code.username), iss: this.model.issuer, aud: this.model.clientId,
      iat, exp: iat + TOKEN_TTL_S, auth_time: code.authTime,
      ...(code.nonce !== undefined ? { nonce: code.nonce } : {}),
    };
    const accessToken = randomBytes(32).toString('base64url');
    this.accessTokens.set(hash(accessToken), { username: code.username, scopes: code.scopes, expiresAt: this.clock.now() + TOKEN_TTL_S * 1000 });
    claims.at_hash = createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' }).sign(this.key.privateKey);
    return json(200, { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: TOKEN_TTL_S, scope: code.scopes.join(' ') }, { 'Cache-Control': 'no-store' });
  }

  private userInfo(req: LocalRequest): LocalResponse {
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const t = bearer ? this.accessTokens.get(hash(bearer)) : undefined;
    if (!t || this.clock.now() >= t.expiresAt) {
      return { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' }, body: '' };
    }
    const all = this.claimsOf(t.username);
    // Scope-limited claims (OIDC Core §5.4).
    const out: Record<string, unknown> = { sub: all.sub };
    if (t.scopes.includes('email')) Object.assign(out, { email: all.email, email_verified: all.email_verified });
    if (t.scopes.includes('profile')) Object.assign(out, { name: all.name, preferred_username: all.preferred_username });
    return json(200, out);
  }

  private clientAuthenticated(req: LocalRequest, f: URLSearchParams): boolean {
    const { id, secret } = clientCredentials(req, f) ?? {};
    if (id !== this.model.clientId) return false;
    return this.model.clientSecret === undefined || sameText(this.model.clientSecret, secret ?? '');
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, v] of this.txs) if (now >= v.expiresAt) this.txs.delete(k);
    for (const [k, v] of this.codes) if (now >= v.expiresAt + CODE_TTL_MS) this.codes.delete(k);
    for (const [k, v] of this.accessTokens) if (now >= v.expiresAt) this.accessTokens.delete(k);
  }
}

/** Every OIDC provider of every pool, each with its stand-in. */
export class OidcStandIns {
  private readonly byPool = new Map<string, OidcStandIn>();

  constructor(pools: { id: string; identityProviders?: IdentityProviderModel[] }[], users: StandInUser[], clock: Clock) {
    for (const pool of pools) {
      for (const model of pool.identityProviders ?? []) this.byPool.set(`${pool.id}\0${model.name}`, new OidcStandIn(model, users, clock));
    }
  }

  of(poolId: string, providerName: string): OidcStandIn | undefined {
    return this.byPool.get(`${poolId}\0${providerName}`);
  }

  async handle(req: LocalRequest): Promise<LocalResponse | undefined> {
    if (!req.url.startsWith(STAND_IN_ROOT)) return undefined;
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    for (const s of this.byPool.values()) {
      const res = await s.handle(req, base);
      if (res) return res;
    }
    return undefined;
  }
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse {
  return { status, headers: { 'Content-Type': 'application/json', 'x-request-id': randomUUID(), ...headers }, body: JSON.stringify(body) };
}

function page(status: number, html: string): LocalResponse {
  return { status, headers: { 'Content-Type': 'text/html;charset=UTF-8', 'Cache-Control': 'no-store' }, body: html };
}

function redirect(location: string): LocalResponse {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
}
