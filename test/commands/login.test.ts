// `authapi login` in-process: every way the password arrives, the no-TTY rule, every
// challenge and failure with its exit code and one-line message.
import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { readSession } from '../../src/auth/session-data.js';
import { createForceChangeUser, DEMO, enableSmsMfa, enrolTotp, lastSmsCode, startStack, type Stack } from '../auth/helpers/stack.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function login(st: Stack, args: string[], opts: { input?: string; env?: Record<string, string>; store?: MemoryStore; tty?: boolean } = {}) {
  const store = opts.store ?? new MemoryStore({ maxValueLength: 1200 });
  const r = await runInProcess(['login', ...args], {
    env: { ...st.env, ...opts.env }, input: opts.input, tty: opts.tty, clock: st.clock, secretStore: store,
  });
  return { ...r, store };
}

describe('authapi login', () => {
  it('--password-stdin: signs in, stores the session, says who and until when, prints nothing on stdout', async () => {
    s = await startStack();
    const r = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(r.stderr).toBe('authapi: logged in as demouser (profile local); AWS credentials valid until 2026-01-15T13:00:00Z, kept in memory\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const session = await readSession(r.store, 'local', s.profile);
    expect(session?.user?.username).toBe('demouser');
    expect(JSON.stringify([...r.store.items.values()])).not.toContain('demoPASS123');
  });

  it('AUTHAPI_PASSWORD and AUTHAPI_USERNAME work for scripts', async () => {
    s = await startStack();
    const r = await login(s, [], { env: { AUTHAPI_USERNAME: 'demouser', AUTHAPI_PASSWORD: 'demoPASS123' } });
    expect(r.code).toBe(0);
  });

  it('without a TTY it never prompts: exit 2 naming the flag', async () => {
    s = await startStack();
    const noUser = await login(s, ['--password-stdin'], { input: 'x\n' });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toBe('authapi: no username given and no terminal to ask — pass --username NAME (or set AUTHAPI_USERNAME)\n');
    const noPassword = await login(s, ['-u', 'demouser']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toBe('authapi: no password given and no terminal to ask — pipe it with --password-stdin (one line), or set AUTHAPI_PASSWORD\n');
    const empty = await login(s, ['-u', 'demouser', '--password-stdin'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--password-stdin: stdin had no password line');
  });

  it('wrong password / unknown user: one line, exit 3, in Cognito\'s words, no stack trace', async () => {
    s = await startStack({ legacyUserExistenceErrors: true });
    const wrong = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'wrongPASS1\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toBe('authapi: Incorrect username or password.\n');
    const unknown = await login(s, ['-u', 'ghost', '--password-stdin'], { input: 'wrongPASS1\n' });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('authapi: User does not exist. — check the username (it may be case-sensitive in this pool)\n');
  });

  it('unconfirmed user (signed up, not confirmed) and disabled user: one line each, exit 3', async () => {
    s = await startStack({ selfSignUp: true });
    const { SignUpCommand, AdminDisableUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await s.admin.send(new SignUpCommand({ ClientId: s.profile.userPoolClientId, Username: 'fresh', Password: 'FreshPASS123' }));
    const unconfirmed = await login(s, ['-u', 'fresh', '--password-stdin'], { input: 'FreshPASS123\n' });
    expect(unconfirmed.code).toBe(3);
    expect(unconfirmed.stderr).toBe('authapi: User is not confirmed. — confirm the account first (the code sent at sign-up), or ask an administrator to confirm it\n');
    await s.admin.send(new AdminDisableUserCommand({ UserPoolId: s.profile.userPoolId, Username: 'demouser' }));
    const disabled = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(disabled.code).toBe(3);
    expect(disabled.stderr).toBe('authapi: User is disabled. — an administrator must enable the account\n');
  });

  it('locked out: "Password attempts exceeded" with a hint, exit 3', async () => {
    s = await startStack();
    let r;
    for (let i = 0; i < 8; i++) {
      r = await login(s, ['-u', 'demouser', '--password-stdin'], { input: `wrongPASS${i}\n` });
      if (r.stderr.includes('exceeded')) break;
    }
    expect(r!.code).toBe(3);
    expect(r!.stderr).toBe('authapi: Password attempts exceeded — the account is locked for a while after repeated failures; wait and try again\n');
  });

  it('NEW_PASSWORD_REQUIRED with --new-password-stdin (second line); a policy error is shown as Cognito words it', async () => {
    s = await startStack();
    await createForceChangeUser(s, 'newbie', 'TempPASS123');
    const weak = await login(s, ['-u', 'newbie', '--password-stdin', '--new-password-stdin'], { input: 'TempPASS123\nweak\n' });
    expect(weak.code).toBe(3);
    expect(weak.stderr).toMatch(/^authapi: Password did not conform with policy: Password not long enough — choose a password that meets the pool's policy\n$/);
    const ok = await login(s, ['-u', 'newbie', '--password-stdin', '--new-password-stdin'], { input: 'TempPASS123\nBetterPASS99\n' });
    expect(ok.stderr).toContain('logged in as newbie');
    expect(ok.code).toBe(0);
    const again = await login(s, ['-u', 'newbie', '--password-stdin'], { input: 'BetterPASS99\n' });
    expect(again.code).toBe(0);
  });

  it('NEW_PASSWORD_REQUIRED without a TTY or --new-password-stdin: exit 2 naming the flag', async () => {
    s = await startStack();
    await createForceChangeUser(s, 'newbie', 'TempPASS123');
    const r = await login(s, ['-u', 'newbie', '--password-stdin'], { input: 'TempPASS123\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('authapi: this account must set a new password and there is no terminal to ask — pipe it as the next line of stdin with --new-password-stdin\n');
  });

  it('SOFTWARE_TOKEN_MFA with --mfa-code; without it and without a TTY: exit 2 naming --mfa-code; a wrong code: exit 3', async () => {
    s = await startStack();
    const code = await enrolTotp(s, DEMO.username, DEMO.password);
    const missing = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('authapi: this account needs an MFA code (authenticator app (TOTP)) and there is no terminal to ask — pass --mfa-code CODE\n');
    const good = code(s.clock.now());
    const wrong = await login(s, ['-u', 'demouser', '--password-stdin', '--mfa-code', good === '123456' ? '654321' : '123456'], { input: 'demoPASS123\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^authapi: Invalid code received for user — /);
    const ok = await login(s, ['-u', 'demouser', '--password-stdin', '--mfa-code', good], { input: 'demoPASS123\n' });
    expect(ok.stderr).toContain('logged in as demouser');
    expect(ok.code).toBe(0);
  });

  it('MFA_SETUP without a TTY: exit 2, nothing stored, the key never shown', async () => {
    s = await startStack({ mfaRequired: true });
    const r = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('authapi: this account must set up an authenticator app (MFA) and there is no terminal to show its key — run `authapi login` once at a terminal\n');
    expect(r.store.items.size).toBe(0);
  });

  it('SMS_MFA with --mfa-code', async () => {
    s = await startStack();
    await enableSmsMfa(s, DEMO.username);
    const first = await login(s, ['-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('needs an MFA code (SMS)');
    // The code of that attempt is dead with its session; a new attempt gets a new code.
    const r = await runInProcess(['login', '-u', 'demouser', '--password-stdin', '--mfa-code', '000000'], {
      env: s.env, input: 'demoPASS123\n', clock: s.clock, secretStore: new MemoryStore(),
    });
    expect(r.code).toBe(3);
    const code = lastSmsCode(s)!;
    expect(code).toMatch(/^\d{6}$/);
  });

  it('a usage mistake is caught before any network call', async () => {
    s = await startStack();
    const r = await login(s, ['-u', 'demouser', '--mfa-code', 'abc'], { input: 'demoPASS123\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('authapi: --mfa-code must be the 6-digit code\n');
    const attr = await login(s, ['-u', 'demouser', '--user-attribute', 'novalue']);
    expect(attr.code).toBe(2);
  });

  it('a client secret in the profile is used (SECRET_HASH) end to end', async () => {
    s = await startStack({ clientSecret: true });
    const r = await login(s, ['-u', 'DemoUser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(r.stderr).toContain('logged in as demouser');
    expect(r.code).toBe(0);
  });

  it('--verbose traces the exchange with every secret redacted', async () => {
    s = await startStack();
    const r = await login(s, ['-u', 'demouser', '--password-stdin', '--verbose'], { input: 'demoPASS123\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('debug: > POST');
    expect(r.stderr).toContain('SRP client CPU');
    const session = await readSession(r.store, 'local', s.profile);
    for (const secret of [session!.user!.tokens.idToken, session!.user!.tokens.refreshToken, 'demoPASS123']) {
      expect(r.stderr).not.toContain(secret);
    }
  });
});
