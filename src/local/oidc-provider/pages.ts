// The stand-in provider's sign-in page: it lists the provider's users (the emulator's
// seed users) and asks for one's password. A plain form: keyboard only, no JavaScript.
import { escapeHtml } from '../oauth/pages.js';

export function providerSignInPage(providerName: string, tx: string, usernames: string[], error?: string, username = ''): string {
  const list = usernames.map((u) => `<li><code>${escapeHtml(u)}</code></li>`).join('');
  const title = `${providerName} sign-in`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}label{display:block;margin-top:1rem}input{width:100%;padding:.4rem}button{margin-top:1.2rem;padding:.5rem 1rem}.error{color:#b00020}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>
<p>Stand-in OpenID Connect provider of the authapi emulator. Its users:</p>
<ul id="users">${list}</ul>
${error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
<label for="idp_username">Username</label><input id="idp_username" name="username" autocomplete="username" value="${escapeHtml(username)}" required${username ? '' : ' autofocus'}>
<label for="idp_password">Password</label><input id="idp_password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
<button type="submit">Sign in to ${escapeHtml(providerName)}</button>
</form>
</main></body></html>`;
}

export function providerErrorPage(providerName: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(providerName)}: error</title></head>
<body><main><h1>${escapeHtml(providerName)}: error</h1><p id="message">${escapeHtml(message)}</p></main></body></html>`;
}
