// The browser's own Cognito session (its cookie on the managed-login domain) outlives
// `authapi logout`: only the browser can end it, at /logout. logout prints that
// address, and with --browser opens it and shows a "signed out" page on the loopback
// logout URL (the template registers http://127.0.0.1:<port>/logged-out beside each
// callback URL) when the browser lands there.
import type { Context } from '../../context.js';
import type { Profile } from '../../config/profile.js';
import { listenForCallback, AllPortsBusyError } from './callback-server.js';
import { callbackTargets, parseCallback } from './callback-urls.js';
import { openBrowser } from './opener.js';
import { loginBase } from './token-client.js';

/** `<loginUrl>/logout?client_id=…&logout_uri=…`, or undefined without a loginUrl. */
export function browserLogoutUrl(profile: Profile): { url: string; logoutUri: string } | undefined {
  if (!profile.loginUrl) return undefined;
  const first = callbackTargets(profile)[0]!;
  const logoutUri = new URL('/logged-out', first.url).toString();
  const q = new URLSearchParams({ client_id: profile.userPoolClientId, logout_uri: logoutUri });
  return { url: `${loginBase(profile)}/logout?${q.toString()}`, logoutUri };
}

export async function endBrowserSession(ctx: Context, profile: Profile, open: boolean, timeoutMs = 120_000): Promise<void> {
  const target = browserLogoutUrl(profile);
  if (!target) return;
  if (!open) {
    ctx.io.info(`authapi: to end the browser's sign-in too, open:\n  ${target.url}`);
    return;
  }
  let listener;
  try {
    listener = await listenForCallback([parseCallback(target.logoutUri)]);
  } catch (err) {
    if (!(err instanceof AllPortsBusyError)) throw err;
  }
  try {
    ctx.io.info(`authapi: ending the browser's sign-in; if no browser opens, open:\n  ${target.url}`);
    const opened = await openBrowser(target.url, ctx.env);
    if (!opened.ok) {
      ctx.io.warn(`could not start a browser (${opened.command || 'opener'}: ${opened.error}); open the address above yourself`);
      return;
    }
    if (!listener) return;
    const stop = new AbortController();
    const got = await Promise.race([
      listener.callback.then(() => true),
      ctx.clock.sleep(timeoutMs, AbortSignal.any([stop.signal, ctx.signal])).then(() => false, () => false),
    ]);
    stop.abort();
    if (got) {
      listener.respond(true, 'You are signed out of the managed login. You can close this tab.');
      ctx.io.info("authapi: the browser's sign-in ended");
    }
  } finally {
    await listener?.close();
  }
}
