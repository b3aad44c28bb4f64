// What `authapi login` was asked to do, as the login flow receives it: the command
// (src/commands/login.ts) parses flags into this, the flow (login-flow.ts) acts on it.

export interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  newPasswordStdin?: boolean;
  mfaCode?: string;
  mfaType?: 'totp' | 'sms';
  userAttribute?: string[];
  insecureStorage?: boolean;
  /** --browser (true) / --no-browser (false): managed login with the code flow instead of SRP. */
  browser?: boolean;
  port?: string;
  idp?: string;
  scope?: string[];
  timeout?: string;
}
