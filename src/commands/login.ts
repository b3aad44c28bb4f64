// `authapi login`: User Pool sign-in with SRP (the password never leaves the machine),
// every challenge Cognito may chain after it, then the Identity Pool exchange; the
// session goes to the secret store. Nothing heavy is imported until run().
import type { Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import { defineCommand } from './spec.js';

import type { LoginOptions } from '../auth/login-options.js';

export type { LoginOptions } from '../auth/login-options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const loginCommand = defineCommand<LoginOptions>({
  name: 'login',
  summary: 'sign in to the User Pool (SRP) and cache credentials in the OS keychain',
  description:
    'Sign in with SRP: the password never leaves this machine. Handles a required new password ' +
    '(NEW_PASSWORD_REQUIRED), MFA (authenticator app or SMS) and setting up an authenticator app when the pool requires MFA (at a terminal). The password comes from a hidden ' +
    'prompt, --password-stdin (one line) or AUTHAPI_PASSWORD; without a terminal authapi never prompts. ' +
    'Tokens and temporary AWS credentials are kept in the OS keychain (or a 0600 file you allow). ' +
    'With --browser (or --no-browser) the pool\'s managed login signs you in instead; an app client that does not allow SRP ' +
    'makes `authapi login` do that by itself at a terminal (without one it says what to run).',
  exitCodes: [0, 1, 2, 3, 6, 7, 130],
  examples: [
    'authapi login -u demouser                                  # prompts for the password',
    'printf "%s\\n" "$PASSWORD" | authapi login -u demouser --password-stdin',
    'printf "%s\\n%s\\n" "$OLD" "$NEW" | authapi login -u newuser --password-stdin --new-password-stdin',
    'authapi login -u demouser --mfa-code 123456 --password-stdin < pw.txt',
  ],
  define(cmd: Command) {
    cmd
      .option('-u, --username <name>', 'the username (or alias) to sign in as (default: $AUTHAPI_USERNAME, or a prompt)')
      .option('--password-stdin', 'read the password from the first line of stdin')
      .option('--new-password-stdin', 'if a new password is required, read it from the next line of stdin')
      .option('--mfa-code <code>', 'the MFA code (authenticator app or SMS), instead of a prompt')
      .option('--mfa-type <type>', 'if the pool lets you choose: totp or sms')
      .option('--user-attribute <name=value>', 'a value for an attribute the pool requires with a new password (repeatable)', collect);
    // Managed login (authorization code + PKCE): src/auth/browser-login/.
    cmd
      .option('--browser', "sign in through the pool's managed login in a browser (authorization code + PKCE)")
      .option('--no-browser', 'as --browser, but print the address and read back the one the browser ends on (SSH, containers)')
      .option('--port <n>', '--browser: listen on this registered callback port')
      .option('--idp <name>', '--browser: go straight to this identity provider (identity_provider)')
      .option('--scope <scope>', '--browser: ask for this scope too (repeatable)', collect)
      .option('--timeout <seconds>', '--browser: how long to wait for the browser (default 300)');
  },
  async run(ctx, opts) {
    if (opts.browser !== undefined) {
      const { browserLoginCommand } = await import('../auth/browser-login/command.js');
      return browserLoginCommand(ctx, opts);
    }
    if (opts.mfaType !== undefined && opts.mfaType !== 'totp' && opts.mfaType !== 'sms') {
      throw new UsageError(`--mfa-type must be totp or sms, not ${JSON.stringify(opts.mfaType)}`);
    }
    if (opts.mfaCode !== undefined && !/^\d{6,8}$/.test(opts.mfaCode.trim())) {
      throw new UsageError('--mfa-code must be the 6-digit code');
    }
    const attributes: Record<string, string> = {};
    for (const pair of opts.userAttribute ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--user-attribute ${JSON.stringify(pair)}: expected name=value`);
      attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const { runLogin } = await import('../auth/login-flow.js');
    try {
      await runLogin(ctx, { ...opts, attributes });
    } catch (err) {
      // @inquirer/prompts reports Ctrl-C as ExitPromptError.
      if (err instanceof Error && err.name === 'ExitPromptError') throw new InterruptedError();
      throw err;
    }
  },
});
