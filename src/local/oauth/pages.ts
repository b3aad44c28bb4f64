// The sign-in pages: plain HTML forms that work with the keyboard alone and without
// JavaScript (labels on every field, the first field focused, one submit button).
// They follow the classic hosted UI's steps, not its look.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}label{display:block;margin-top:1rem}input{width:100%;padding:.4rem}button{margin-top:1.2rem;padding:.5rem 1rem}.error{color:#b00020}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function errorLine(error?: string): string {
  return error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : '';
}

export function passwordPage(tx: string, error?: string, username = ''): string {
  return layout('Sign in', `${errorLine(error)}
<form method="post" action="/login">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required${username ? '' : ' autofocus'}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
<button type="submit" name="signIn" value="Sign in">Sign in</button>
</form>`);
}

export function newPasswordPage(tx: string, error?: string): string {
  return layout('Change password', `${errorLine(error)}<p>Please enter a new password.</p>
<form method="post" action="/login">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
<label for="new_password">New password</label><input id="new_password" name="new_password" type="password" autocomplete="new-password" required autofocus>
<label for="confirm_password">Confirm new password</label><input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
<button type="submit">Send</button>
</form>`);
}

export function codePage(tx: string, kind: 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA', destination: string | undefined, error?: string): string {
  const what = kind === 'SMS_MFA' ? `We have sent a code by SMS${destination ? ` to ${escapeHtml(destination)}` : ''}. Enter it below.` : 'Enter the code from your authenticator app.';
  return layout('Verify', `${errorLine(error)}<p>${what}</p>
<form method="post" action="/login">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
<label for="code">Code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Sign in</button>
</form>`);
}

export function selectMfaPage(tx: string, options: string[]): string {
  const label: Record<string, string> = { SMS_MFA: 'SMS', SOFTWARE_TOKEN_MFA: 'Authenticator app' };
  const radios = options.map((o, i) => `<label><input type="radio" name="mfa" value="${escapeHtml(o)}"${i === 0 ? ' checked autofocus' : ''}> ${escapeHtml(label[o] ?? o)}</label>`).join('\n');
  return layout('Choose how to verify', `<form method="post" action="/login">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
${radios}
<button type="submit">Continue</button>
</form>`);
}

export function messagePage(title: string, message: string, status = 400): { status: number; html: string } {
  return { status, html: layout(title, `<p id="message">${escapeHtml(message)}</p>`) };
}
