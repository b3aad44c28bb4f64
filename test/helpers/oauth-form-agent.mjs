// A stand-in browser for `authapi login --browser` protocol tests (BROWSER points at
// it): no JavaScript, just what a browser does with the managed-login pages — follow
// /oauth2/authorize to /login, post the form, follow the redirect to authapi's
// loopback callback. OAUTH_AGENT_MODE bends one step to test authapi's checks:
//   ok (default) · wrong-state (the callback's state altered) · error (the callback
//   carries ?error=access_denied) · none (never answers: the user closed the browser)
// Everything it saw goes to OAUTH_AGENT_LOG as JSON lines.
import { appendFileSync } from 'node:fs';

const url = process.argv[2];
const mode = process.env.OAUTH_AGENT_MODE ?? 'ok';
const log = (entry) => process.env.OAUTH_AGENT_LOG && appendFileSync(process.env.OAUTH_AGENT_LOG, `${JSON.stringify(entry)}\n`);

try {
  log({ opened: url });
  if (mode === 'none') process.exit(0);
  if (mode === 'visit') {
    const res = await fetch(url);
    log({ landed: res.url, status: res.status, body: await res.text() });
    process.exit(0);
  }
  const origin = new URL(url).origin;
  const authorize = await fetch(url, { redirect: 'manual' });
  const toLogin = new URL(authorize.headers.get('location'), origin);
  const page = await (await fetch(toLogin, { redirect: 'manual' })).text();
  const tx = /name="tx" value="([^"]+)"/.exec(page)?.[1];
  const posted = await fetch(`${origin}/login`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ tx, username: process.env.OAUTH_AGENT_USER ?? 'demouser', password: process.env.OAUTH_AGENT_PASSWORD ?? 'demoPASS123' }),
  });
  const callback = new URL(posted.headers.get('location'));
  if (mode === 'wrong-state') callback.searchParams.set('state', 'forged');
  if (mode === 'error') {
    const state = callback.searchParams.get('state');
    callback.search = new URLSearchParams({ error: 'access_denied', error_description: 'the user said no', state }).toString();
  }
  log({ callback: callback.origin + callback.pathname });
  const res = await fetch(callback);
  log({ status: res.status, body: await res.text() });
} catch (err) {
  log({ error: String(err?.stack ?? err) });
}
