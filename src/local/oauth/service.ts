// Cognito's managed login, served by the emulator from the template's app clients
// (AllowedOAuthFlowsUserPoolClient): /oauth2/authorize, the /login pages, /logout,
// /oauth2/token, /oauth2/userInfo, /oauth2/revoke, /error and the OIDC discovery
// document. Public docs: docs.aws.amazon.com/cognito/latest/developerguide/
// (authorization-endpoint, login-endpoint, logout-endpoint, token-endpoint,
// userinfo-endpoint, revocation-endpoint, using-pkce-in-authorization-code).
// What no captured sample confirms is marked "unconfirmed" where it is decided.
import { createHash, randomUUID } from 'node:crypto';
import { oidcDiscovery } from '../cognito-idp/discovery.js';
import { CognitoError } from '../cognito-idp/errors.js';
import type { CognitoIdpService } from '../cognito-idp/service.js';
import type { OidcStandIns } from '../oidc-provider/stand-in.js';
import type { Clock, LocalRequest, LocalResponse, UserPoolClientModel, UserPoolModel } from '../model.js';
import { authorizeQuery, checkAuthorize, errorRedirect, findClient, type AuthorizeRequest } from './authorize-params.js';
import { clientCredentials } from './client-auth.js';
import { Federation } from './federation.js';
import { Grants, type PendingSignIn } from './grants.js';
import { callIdp, IdpCallError, type AuthResult, type InitiateOrChallenge } from './idp-wire.js';
import { clientAccessToken, decodePayload, PoolKeys, reissue, verifyAccess, type TokenSet } from './oauth-tokens.js';
import { codePage, escapeHtml, messagePage, newPasswordPage, passwordPage, selectMfaPage } from './pages.js';
import { answerChallenge, signInWithPassword } from './sign-in.js';

/** Cognito's session cookie name (unconfirmed: the classic UI also sets XSRF-TOKEN). */
export const SESSION_COOKIE = 'cognito';

export interface ManagedLoginOptions {
  pools: UserPoolModel[];
  idp: CognitoIdpService;
  clock: Clock;
  /** Stand-ins of the pools' OIDC identity providers: federated sign-in (federation.ts). */
  standIns?: OidcStandIns;
}

type Form = URLSearchParams;

const MANAGED_PATHS = new Set(['/oauth2/authorize', '/login', '/error', '/logout', '/oauth2/token', '/oauth2/userInfo', '/oauth2/revoke', '/oauth2/idpresponse']);

export class ManagedLogin {
  private readonly grants: Grants;
  private readonly keys: PoolKeys;
  private readonly federation: Federation | undefined;

  constructor(private readonly opts: ManagedLoginOptions) {
    this.grants = new Grants(opts.clock);
    this.keys = new PoolKeys(opts.idp);
    if (opts.standIns) this.federation = new Federation({ pools: opts.pools, idp: opts.idp, clock: opts.clock, standIns: opts.standIns });
  }

  /** The response for a managed-login path, or undefined when the path is not one. */
  async handle(req: LocalRequest): Promise<LocalResponse | undefined> {
    const qmark = req.url.indexOf('?');
    const path = qmark < 0 ? req.url : req.url.slice(0, qmark);
    // Every API request passes here first: leave at once when the path is not ours.
    if (!MANAGED_PATHS.has(path) && !path.endsWith('/openid-configuration')) return undefined;
    const q = new URLSearchParams(qmark < 0 ? '' : req.url.slice(qmark + 1));
    const get = req.method === 'GET' || req.method === 'HEAD';
    switch (path) {
      case '/oauth2/authorize':
        return get ? this.authorize(req, q) : methodNotAllowed();
      case '/login':
        if (get) return this.loginPage(req, q);
        return req.method === 'POST' ? this.loginPost(req, form(req)) : methodNotAllowed();
      case '/error':
        return html(messagePage('An error was encountered with the requested page.', `error: ${q.get('error') ?? 'unknown'}`, 400));
      case '/logout':
        return get ? this.logout(req, q) : methodNotAllowed();
      case '/oauth2/token':
        return req.method === 'POST' ? this.token(req, form(req)) : methodNotAllowed();
      case '/oauth2/userInfo':
        return this.userInfo(req);
      case '/oauth2/revoke':
        return req.method === 'POST' ? this.revoke(req, form(req)) : methodNotAllowed();
      case '/oauth2/idpresponse':
        return get ? this.idpResponse(q) : methodNotAllowed();
    }
    const discovery = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/openid-configuration$/.exec(path);
    if (discovery && get) return this.discovery(req, discovery[1]!);
    return undefined;
  }

  // ------------------------------------------------------------ authorize, /login

  private async authorize(req: LocalRequest, q: URLSearchParams): Promise<LocalResponse> {
    const check = checkAuthorize(this.opts.pools, q);
    if (check.kind === 'error-page') return redirect(errorPage(check.error, check.clientId));
    if (check.kind === 'redirect-error') return redirect(errorRedirect(check));
    // identity_provider=<a federated provider>: straight to it (federation.ts).
    const viaIdp = check.request.identityProvider;
    if (viaIdp !== undefined && viaIdp !== 'COGNITO' && this.federation) return this.federation.start(`http://${req.headers.host ?? '127.0.0.1'}`, check.request);
    // A live session cookie signs in silently (the login endpoint docs' "about an hour").
    const silent = await this.silentSignIn(req, check.request, check.client);
    if (silent) return silent;
    return redirect(`/login?${authorizeQuery(check.request)}`);
  }

  private async loginPage(req: LocalRequest, q: URLSearchParams): Promise<LocalResponse> {
    const check = checkAuthorize(this.opts.pools, q);
    if (check.kind === 'error-page') return redirect(errorPage(check.error, check.clientId));
    if (check.kind === 'redirect-error') return redirect(errorRedirect(check));
    const silent = await this.silentSignIn(req, check.request, check.client);
    if (silent) return silent;
    const tx = this.grants.startSignIn({ request: check.request, step: 'password' }, check.client.authSessionValiditySeconds * 1000);
    return page(200, this.withProviderButtons(passwordPage(tx), check.request, check.client));
  }

  /** One link per federated provider the client supports, below the password form (as the classic hosted UI offers them). */
  private withProviderButtons(html: string, request: AuthorizeRequest, client: UserPoolClientModel): string {
    const providers = this.federation?.providersFor(request, client.oauth?.identityProviders ?? []) ?? [];
    if (providers.length === 0) return html;
    const links = providers.map((p) => {
      const href = `/oauth2/authorize?${authorizeQuery(request)}&identity_provider=${encodeURIComponent(p.name)}`;
      return `<p><a class="idp" id="idp-${escapeHtml(p.name)}" href="${escapeHtml(href)}">Sign in with ${escapeHtml(p.name)}</a></p>`;
    }).join('\n');
    return html.replace('</main>', `<section aria-label="Sign in with your corporate ID"><p>Sign in with your corporate ID</p>\n${links}</section></main>`);
  }

  /** The federated provider's answer; on success the app's code, as after the password form. */
  private async idpResponse(q: URLSearchParams): Promise<LocalResponse> {
    if (!this.federation) return html(messagePage('An error was encountered with the requested page.', 'No identity provider is configured.', 400));
    const out = await this.federation.response(q);
    if (out.kind === 'response') return out.response;
    const client = findClient(this.opts.pools, out.request.clientId)!.client;
    return this.signedIn(out.request, out.result, out.username, client);
  }

  private async silentSignIn(req: LocalRequest, request: AuthorizeRequest, client: UserPoolClientModel): Promise<LocalResponse | undefined> {
    const id = cookie(req, SESSION_COOKIE);
    const s = this.grants.session(id, request.poolId);
    if (!s || s.clientId !== client.clientId) return undefined;
    // A new session for the cookie's user, as Cognito starts one (not the client's
    // refresh flow: the pages do not depend on ExplicitAuthFlows); a user who can no
    // longer sign in means the form again.
    try {
      const result = await this.opts.idp.hostedSessionTokens(client.clientId, s.username, s.authTime);
      return this.codeRedirect(request, result);
    } catch (err) {
      if (err instanceof CognitoError) {
        this.grants.endSession(id);
        return undefined;
      }
      throw err;
    }
  }

  private async loginPost(req: LocalRequest, f: Form): Promise<LocalResponse> {
    const tx = f.get('tx') ?? '';
    const p = this.grants.signIn(tx);
    if (!p) return html(messagePage('Session expired', 'This sign-in page has expired. Go back to the application and start again.', 400));
    const found = findClient(this.opts.pools, p.request.clientId)!;
    const handle = (r: LocalRequest) => this.opts.idp.handle(r);
    let outcome: InitiateOrChallenge;
    try {
      switch (p.step) {
        case 'password': {
          const username = (f.get('username') ?? '').trim();
          const password = f.get('password') ?? '';
          if (!username || !password) return page(400, passwordPage(tx, 'Please enter your username and password.', username));
          const step = await signInWithPassword(this.opts.idp, found.client, username, password);
          p.username = step.username;
          outcome = step.outcome;
          break;
        }
        case 'NEW_PASSWORD_REQUIRED': {
          const pw = f.get('new_password') ?? '';
          if (pw !== (f.get('confirm_password') ?? '')) return page(400, newPasswordPage(tx, 'Passwords do not match.'));
          outcome = await answerChallenge(handle, found.client, p.username!, p.step, p.session!, { NEW_PASSWORD: pw });
          break;
        }
        case 'SOFTWARE_TOKEN_MFA':
        case 'SMS_MFA': {
          const code = (f.get('code') ?? '').trim();
          outcome = await answerChallenge(handle, found.client, p.username!, p.step, p.session!, { [`${p.step}_CODE`]: code });
          break;
        }
        case 'SELECT_MFA_TYPE':
          outcome = await answerChallenge(handle, found.client, p.username!, p.step, p.session!, { ANSWER: f.get('mfa') ?? '' });
          break;
      }
    } catch (err) {
      if (!(err instanceof IdpCallError)) throw err;
      return this.stepError(tx, p, err, f);
    }
    return this.nextStep(tx, p, outcome, found.client);
  }

  private stepError(tx: string, p: PendingSignIn, err: IdpCallError, f: Form): LocalResponse {
    switch (p.step) {
      case 'password':
        // The pool's own words (e.g. "Incorrect username or password.", "Password attempts exceeded").
        return page(400, passwordPage(tx, err.message, (f.get('username') ?? '').trim()));
      case 'NEW_PASSWORD_REQUIRED':
        return page(400, newPasswordPage(tx, err.message));
      case 'SOFTWARE_TOKEN_MFA':
      case 'SMS_MFA':
        if (err.type === 'CodeMismatchException' || err.type === 'ExpiredCodeException') return page(400, codePage(tx, p.step, p.parameters?.CODE_DELIVERY_DESTINATION, err.message));
        break;
    }
    this.grants.finishSignIn(tx);
    return html(messagePage('Sign-in failed', err.message, 400));
  }

  private async nextStep(tx: string, p: PendingSignIn, outcome: InitiateOrChallenge, client: UserPoolClientModel): Promise<LocalResponse> {
    if (outcome.AuthenticationResult) {
      this.grants.finishSignIn(tx);
      return this.signedIn(p.request, outcome.AuthenticationResult, p.username!, client);
    }
    p.session = outcome.Session ?? '';
    p.parameters = outcome.ChallengeParameters ?? {};
    const name = outcome.ChallengeName ?? '';
    switch (name) {
      case 'NEW_PASSWORD_REQUIRED':
        p.step = name;
        return page(200, newPasswordPage(tx));
      case 'SOFTWARE_TOKEN_MFA':
      case 'SMS_MFA':
        p.step = name;
        return page(200, codePage(tx, name, p.parameters.CODE_DELIVERY_DESTINATION));
      case 'SELECT_MFA_TYPE':
        p.step = name;
        return page(200, selectMfaPage(tx, JSON.parse(p.parameters.MFAS_CAN_CHOOSE ?? '[]') as string[]));
      default:
        // MFA_SETUP (an authenticator set up during sign-in) is not emulated on the pages.
        this.grants.finishSignIn(tx);
        return html(messagePage('Sign-in not possible here', `The pool asks for ${name}, which the emulator's sign-in page does not offer; use \`authapi login\` (SRP) once.`, 400));
    }
  }

  /** The app's code, and the session cookie that lets a second authorize within the hour sign in silently. */
  private async signedIn(request: AuthorizeRequest, result: AuthResult, username: string, client: UserPoolClientModel): Promise<LocalResponse> {
    const res = await this.codeRedirect(request, result);
    if (result.RefreshToken) {
      const authTime = Number(decodePayload(result.IdToken).auth_time);
      const sid = this.grants.openSession({ poolId: request.poolId, clientId: client.clientId, username, authTime });
      res.headers['Set-Cookie'] = `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`;
    }
    return res;
  }

  private async codeRedirect(request: AuthorizeRequest, tokens: AuthResult): Promise<LocalResponse & { headers: Record<string, string> }> {
    const code = this.grants.issueCode(request, tokens);
    const u = new URL(request.redirectUri);
    u.searchParams.append('code', code);
    if (request.state !== undefined) u.searchParams.append('state', request.state);
    return { status: 302, headers: { Location: u.toString(), 'Cache-Control': 'no-store' }, body: '' };
  }

  // ------------------------------------------------------------------- /logout

  private logout(req: LocalRequest, q: URLSearchParams): LocalResponse {
    const found = findClient(this.opts.pools, q.get('client_id') ?? '');
    const clear = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    if (!found?.client.oauth) return redirect(errorPage('invalid_request', q.get('client_id') ?? undefined));
    const logoutUri = q.get('logout_uri');
    if (logoutUri !== null) {
      // unconfirmed: the error a logout_uri outside LogoutURLs gives.
      if (!found.client.oauth.logoutUrls.includes(logoutUri)) return redirect(errorPage('redirect_mismatch', found.client.clientId));
      this.grants.endSession(cookie(req, SESSION_COOKIE));
      return { status: 302, headers: { Location: logoutUri, 'Set-Cookie': clear }, body: '' };
    }
    const check = checkAuthorize(this.opts.pools, q);
    if (check.kind === 'error-page') return redirect(errorPage(check.error, check.clientId));
    this.grants.endSession(cookie(req, SESSION_COOKIE));
    if (check.kind === 'redirect-error') return { status: 302, headers: { Location: errorRedirect(check), 'Set-Cookie': clear }, body: '' };
    return { status: 302, headers: { Location: `/login?${authorizeQuery(check.request)}`, 'Set-Cookie': clear }, body: '' };
  }

  // ------------------------------------------------------------- /oauth2/token

  private clientAuth(req: LocalRequest, f: Form): { pool: UserPoolModel; client: UserPoolClientModel } | undefined {
    const creds = clientCredentials(req, f);
    if (!creds) return undefined;
    const { id, secret } = creds;
    const found = id ? findClient(this.opts.pools, id) : undefined;
    if (!found) return undefined;
    if (found.client.clientSecret !== undefined && secret !== found.client.clientSecret) return undefined;
    return found;
  }

  private async token(req: LocalRequest, f: Form): Promise<LocalResponse> {
    const grant = f.get('grant_type');
    if (!grant) return oauthError(400, 'invalid_request');
    // unconfirmed: the status of invalid_client at the token endpoint (the revocation endpoint's is 401).
    const found = this.clientAuth(req, f);
    if (!found) return oauthError(400, 'invalid_client');
    const { pool, client } = found;
    switch (grant) {
      case 'authorization_code':
        return this.codeGrant(f, pool, client);
      case 'refresh_token':
        return this.refreshGrant(f, pool, client);
      case 'client_credentials': {
        if (!client.oauth?.flows.includes('client_credentials')) return oauthError(400, 'unauthorized_client');
        const asked = (f.get('scope') ?? '').split(' ').filter(Boolean);
        const allowed = client.oauth.scopes.filter((s) => s.includes('/'));
        const scopes = asked.length ? asked : allowed;
        if (scopes.length === 0 || scopes.some((s) => !allowed.includes(s))) return oauthError(400, 'invalid_scope');
        return tokenOk(await clientAccessToken(this.keys, this.opts.clock, pool, client, scopes));
      }
      default:
        return oauthError(400, 'unsupported_grant_type');
    }
  }

  private async codeGrant(f: Form, pool: UserPoolModel, client: UserPoolClientModel): Promise<LocalResponse> {
    const code = f.get('code');
    const redirectUri = f.get('redirect_uri');
    if (!code || !redirectUri) return oauthError(400, 'invalid_request');
    if (!client.oauth?.flows.includes('code')) return oauthError(400, 'unauthorized_client');
    const g = this.grants.redeem(code);
    if (g === 'invalid' || g.request.clientId !== client.clientId) return oauthError(400, 'invalid_grant');
    // Observed (third-party report): a redirect_uri differing from the authorize request's gives unauthorized_client.
    if (redirectUri !== g.request.redirectUri) return oauthError(400, 'unauthorized_client');
    if (g.request.codeChallenge !== undefined) {
      const verifier = f.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || computed !== g.request.codeChallenge) return oauthError(400, 'invalid_grant');
    }
    const tokens = await reissue(this.keys, this.opts.clock, pool, client, g.tokens, {
      scopes: g.request.scopes, ...(g.request.nonce !== undefined ? { nonce: g.request.nonce } : {}),
    });
    if (tokens.refresh_token) {
      const username = String((JSON.parse(Buffer.from(g.tokens.IdToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>)['cognito:username'] ?? '');
      this.grants.rememberRefresh(tokens.refresh_token, g.request.scopes, username);
    }
    return tokenOk(tokens);
  }

  private async refreshGrant(f: Form, pool: UserPoolModel, client: UserPoolClientModel): Promise<LocalResponse> {
    const token = f.get('refresh_token');
    if (!token) return oauthError(400, 'invalid_request');
    // The scopes of the sign-in; after an emulator restart they are not known any
    // more (kept in memory only) and the client's scopes apply.
    const info = this.grants.refreshInfo(token);
    try {
      // GetTokensFromRefreshToken, not REFRESH_TOKEN_AUTH: it does not depend on the
      // client's ExplicitAuthFlows, keeps auth_time and origin_jti, and hands out a
      // new refresh token when the client rotates them (and only then).
      const out = await callIdp<{ AuthenticationResult: AuthResult }>((r) => this.opts.idp.handle(r), 'GetTokensFromRefreshToken', {
        RefreshToken: token, ClientId: client.clientId, ...(client.clientSecret !== undefined ? { ClientSecret: client.clientSecret } : {}),
      });
      const result = out.AuthenticationResult;
      const scopes = info?.scopes ?? client.oauth?.scopes ?? [];
      if (result.RefreshToken && info) this.grants.rememberRefresh(result.RefreshToken, info.scopes, info.username);
      return tokenOk(await reissue(this.keys, this.opts.clock, pool, client, result, { scopes }));
    } catch (err) {
      if (err instanceof IdpCallError) return oauthError(400, 'invalid_grant');
      throw err;
    }
  }

  // ------------------------------------------------------ userInfo and revoke

  private async userInfo(req: LocalRequest): Promise<LocalResponse> {
    const auth = req.headers.authorization ?? '';
    const bearer = /^bearer (.+)$/i.exec(auth)?.[1]?.trim();
    if (!bearer) return bearerError(400, 'invalid_request', 'Access token is missing');
    const iss = issuerOf(bearer);
    const pool = this.opts.pools.find((p) => p.issuer === iss);
    const claims = pool ? await verifyAccess(this.keys, this.opts.clock, pool, bearer) : undefined;
    if (!pool || !claims) return bearerError(401, 'invalid_token', 'Access token is expired, disabled, or deleted, or the user has globally signed out.');
    // Only tokens of the OAuth flows carry openid; SRP's do not.
    if (!String(claims.scope ?? '').split(' ').includes('openid')) return bearerError(401, 'invalid_token', 'Access token does not contain openid scope');
    try {
      // GetUser applies revocation and the user's current attributes.
      const user = await callIdp<{ Username: string; UserAttributes: { Name: string; Value: string }[] }>(
        (r) => this.opts.idp.handle(r), 'GetUser', { AccessToken: bearer });
      const out: Record<string, string> = {};
      for (const a of user.UserAttributes) out[a.Name] = a.Value;
      // unconfirmed: Cognito sends the *_verified attributes as strings here, and username last.
      out.username = user.Username;
      return { status: 200, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(out) };
    } catch (err) {
      if (err instanceof IdpCallError) return bearerError(401, 'invalid_token', err.message);
      throw err;
    }
  }

  private async revoke(req: LocalRequest, f: Form): Promise<LocalResponse> {
    const found = this.clientAuth(req, f);
    if (!found) return oauthError(401, 'invalid_client');
    const token = f.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    if (!found.client.enableTokenRevocation) return oauthError(400, 'invalid_request');
    try {
      await callIdp((r) => this.opts.idp.handle(r), 'RevokeToken', {
        Token: token, ClientId: found.client.clientId,
        ...(found.client.clientSecret !== undefined ? { ClientSecret: found.client.clientSecret } : {}),
      });
    } catch (err) {
      if (!(err instanceof IdpCallError)) throw err;
      // An unknown or already revoked token still answers 200.
    }
    return { status: 200, headers: { 'Content-Length': '0' }, body: '' };
  }

  private discovery(req: LocalRequest, poolId: string): LocalResponse | undefined {
    const pool = this.opts.pools.find((p) => p.id === poolId);
    if (!pool) return undefined;
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    // The pool's document (cognito-idp/discovery.ts), with the managed login's endpoints.
    const doc = {
      ...(JSON.parse(String(oidcDiscovery(pool, base).body)) as Record<string, unknown>),
      authorization_endpoint: `${base}/oauth2/authorize`,
      end_session_endpoint: `${base}/logout`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
    };
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) };
  }
}

function form(req: LocalRequest): Form {
  return new URLSearchParams(req.body.toString('utf8'));
}

function cookie(req: LocalRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) return part.slice(eq + 1);
  }
  return undefined;
}

function issuerOf(jwt: string): string | undefined {
  try {
    return String((JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown }).iss);
  } catch {
    return undefined;
  }
}

function errorPage(error: string, clientId?: string): string {
  const q = new URLSearchParams({ error });
  if (clientId) q.set('client_id', clientId);
  return `/error?${q.toString()}`;
}

function redirect(location: string): LocalResponse {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
}

function page(status: number, body: string): LocalResponse {
  return { status, headers: { 'Content-Type': 'text/html;charset=UTF-8', 'Cache-Control': 'no-store' }, body };
}

function html(p: { status: number; html: string }): LocalResponse {
  return page(p.status, p.html);
}

function methodNotAllowed(): LocalResponse {
  return { status: 405, headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() }, body: JSON.stringify({ error: 'invalid_request' }) };
}

function oauthError(status: number, error: string): LocalResponse {
  return { status, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify({ error }) };
}

function bearerError(status: number, error: string, description: string): LocalResponse {
  return { status, headers: { 'WWW-Authenticate': `Bearer error="${error}", error_description="${description}"` }, body: '' };
}

function tokenOk(t: TokenSet): LocalResponse {
  return { status: 200, headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' }, body: JSON.stringify(t) };
}
