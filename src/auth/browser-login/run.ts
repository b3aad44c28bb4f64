// `authapi login --browser` / `--no-browser`: Cognito's managed login with the
// authorization code and PKCE (S256). The browser signs in (whatever the pool
// offers: password, MFA, federated providers), comes back to a loopback listener on a
// registered redirect URI — or, with --no-browser, the person pastes that address —
// and the code is exchanged for tokens. From there the session is stored exactly as
// after SRP (completeLogin: Identity Pool credentials, secret store, marker).
import type { Context } from '../../context.js';
import { AuthError, ConfigError, InterruptedError, UsageError } from '../../errors.js';
import { createIdentityPoolApi, type IdentityPoolApi } from '../identity.js';
import { decodeClaims, stringClaim } from '../jwt.js';
import { completeLogin } from '../login-complete.js';
import { lineReader } from '../login-input.js';
import type { SessionDeps } from '../session-deps.js';
import { openStore } from '../store/choose.js';
import { AllPortsBusyError, listenForCallback, type CallbackListener } from './callback-server.js';
import { callbackTargets, type CallbackTarget } from './callback-urls.js';
import { openBrowser } from './opener.js';
import { newPkce, newState } from './pkce.js';
import { exchangeCode, loginBase, OAuthEndpointError } from './token-client.js';

/** Scopes asked for unless --scope adds more: an ID token, and the user's own API calls. */
export const DEFAULT_SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'];
export const DEFAULT_TIMEOUT_SECONDS = 300;

export interface BrowserLoginOptions {
  /** true: open a browser and listen; false (--no-browser): print the URL, read the redirect back. */
  openBrowser: boolean;
  port?: number;
  idp?: string;
  scopes?: string[];
  timeoutSeconds?: number;
  insecureStorage?: boolean;
}

export async function runBrowserLogin(ctx: Context, opts: BrowserLoginOptions, deps: SessionDeps = {}): Promise<void> {
  if (opts.insecureStorage) ctx.flags.insecureStorage = true;
  const profile = await ctx.profile();
  const { io } = ctx;
  if (!profile.loginUrl) {
    throw new ConfigError(`profile "${ctx.profileName}" has no loginUrl (the address of the pool's managed login)`,
      'run `authapi configure --from-stack NAME` (the LoginUrl output), or add "loginUrl" to the profile');
  }
  const targets = callbackTargets(profile, opts.port);
  // The store is tried for real before anyone signs in (as for SRP login).
  const store = deps.store ?? (await openStore(ctx, profile.store, { probe: true }));
  const identityApi: Promise<IdentityPoolApi> = deps.identityApi ? Promise.resolve(deps.identityApi) : createIdentityPoolApi(profile, { signal: ctx.signal });
  identityApi.catch(() => {});

  const pkce = newPkce();
  const state = newState();
  const nonce = newState();
  let listener: CallbackListener | undefined;
  let target: CallbackTarget;
  if (opts.openBrowser) {
    try {
      listener = await listenForCallback(targets);
    } catch (err) {
      if (err instanceof AllPortsBusyError) {
        throw new UsageError(`${err.message}: authapi listens on a registered callback URL only`,
          'stop what uses them, or use --no-browser and paste the address the browser ends on');
      }
      throw err;
    }
    for (const p of listener.busy) io.warn(`port ${p} is busy; listening on the next registered callback URL`);
    target = listener.target;
  } else {
    target = targets[0]!;
  }

  try {
    const url = authorizeUrl(loginBase(profile), profile.userPoolClientId, target.url, {
      state, challenge: pkce.challenge, nonce, scopes: [...new Set([...DEFAULT_SCOPES, ...(opts.scopes ?? [])])], ...(opts.idp ? { idp: opts.idp } : {}),
    });
    let query: URLSearchParams;
    if (listener) {
      io.info(`authapi: sign in with your browser; if it does not open, open this address:\n  ${url}`);
      const opened = await openBrowser(url, ctx.env);
      if (!opened.ok) io.warn(`could not start a browser (${opened.command || 'opener'}: ${opened.error}); open the address above yourself`);
      else io.debug(`opened the browser with ${opened.command}`);
      io.info(`authapi: waiting for the browser on ${target.url} (up to ${opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS} s; Ctrl-C to stop)`);
      query = await waitForCallback(ctx, listener, (opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
    } else {
      io.info(`authapi: open this address in a browser and sign in:\n  ${url}`);
      io.info(`authapi: the browser then ends on a page that does not load, at ${target.url}?code=…; paste that whole address here:`);
      query = await readPastedRedirect(ctx, target);
    }
    const fail = (message: string, hint?: string): never => {
      listener?.respond(false, message);
      throw new AuthError(message, hint);
    };
    const error = query.get('error');
    if (error) {
      const description = query.get('error_description');
      fail(`the sign-in was refused: ${error}${description ? ` (${description})` : ''}`);
    }
    if (query.get('state') !== state) {
      fail('the browser came back with a different state: this is not the answer to this login, so nothing was stored', 'run the login again');
    }
    const code = query.get('code');
    if (!code) fail('the browser came back without an authorization code');
    let tokens;
    try {
      tokens = await exchangeCode(profile, { code: code!, redirectUri: target.url, verifier: pkce.verifier }, ctx.signal);
    } catch (err) {
      if (err instanceof OAuthEndpointError) fail(`the token endpoint refused the code: ${err.error}`, 'run the login again (a code is good once, for five minutes)');
      listener?.respond(false, 'authapi could not exchange the code; see the terminal.');
      throw err;
    }
    io.redactor.add(tokens!.access_token, tokens!.id_token, tokens!.refresh_token);
    const claims = decodeClaims(tokens!.id_token!);
    if (stringClaim(claims, 'nonce') !== nonce) fail('the ID token does not carry this login\'s nonce; nothing was stored');
    if (!tokens!.refresh_token) fail('the token endpoint sent no refresh token');
    let outcome;
    try {
      outcome = await completeLogin(ctx, profile, {
        idToken: tokens!.id_token!, accessToken: tokens!.access_token, refreshToken: tokens!.refresh_token!, expiresIn: tokens!.expires_in,
      }, stringClaim(claims, 'cognito:username') ?? '', { ...deps, store, identityApi: await identityApi }, 'browser');
    } catch (err) {
      listener?.respond(false, 'authapi could not store the session; see the terminal.');
      throw err;
    }
    listener?.respond(true, `authapi is signed in as ${outcome.username}. You can close this tab.`);
    const until = new Date(outcome.credentials.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z');
    io.info(`authapi: logged in as ${outcome.username} (profile ${ctx.profileName}) through the browser; AWS credentials valid until ${until}, kept in ${store.name}`);
  } finally {
    await listener?.close();
  }
}

export function authorizeUrl(base: string, clientId: string, redirectUri: string, p: { state: string; challenge: string; nonce: string; scopes: string[]; idp?: string }): string {
  const q = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: p.scopes.join(' '), state: p.state,
    code_challenge: p.challenge, code_challenge_method: 'S256', nonce: p.nonce,
  });
  if (p.idp) q.set('identity_provider', p.idp);
  return `${base}/oauth2/authorize?${q.toString()}`;
}

async function waitForCallback(ctx: Context, listener: CallbackListener, timeoutMs: number): Promise<URLSearchParams> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const timeout = ctx.clock.sleep(timeoutMs, stop.signal).then(() => 'timeout' as const, () => 'stopped' as const);
    const got = await Promise.race([listener.callback, timeout]);
    if (got === 'timeout') {
      throw new AuthError(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s; nothing was stored`,
        'run the login again (--timeout SECONDS waits longer), or use --no-browser');
    }
    if (got === 'stopped' || ctx.signal.aborted) throw new InterruptedError();
    return got;
  } finally {
    stop.abort();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function readPastedRedirect(ctx: Context, target: CallbackTarget): Promise<URLSearchParams> {
  const readLine = lineReader(ctx.io.stdin);
  const line = await Promise.race([
    readLine(),
    new Promise<never>((_, reject) => {
      if (ctx.signal.aborted) reject(new InterruptedError());
      ctx.signal.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
    }),
  ]);
  ctx.io.stdin.pause();
  const text = (line ?? '').trim();
  if (!text) throw new UsageError('--no-browser: no address was pasted on stdin', `paste the address that starts with ${target.url}`);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError('--no-browser: what was pasted is not an address', `paste the whole address that starts with ${target.url}`);
  }
  if (`${u.origin}${u.pathname}` !== target.url) {
    throw new UsageError(`--no-browser: the pasted address is not ${target.url}`, 'paste the address the browser ended on after signing in');
  }
  return u.searchParams;
}
