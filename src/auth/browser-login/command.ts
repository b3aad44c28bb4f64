// `login --browser` / `--no-browser` flags checked before anything happens, then the flow.
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { LoginOptions } from '../login-options.js';
import { runBrowserLogin, type BrowserLoginOptions } from './run.js';

export async function browserLoginCommand(ctx: Context, opts: LoginOptions): Promise<void> {
  for (const flag of ['username', 'passwordStdin', 'newPasswordStdin', 'mfaCode', 'mfaType', 'userAttribute'] as const) {
    if (opts[flag] !== undefined) {
      const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`${name} is for SRP login; with ${opts.browser ? '--browser' : '--no-browser'} the browser page asks for what it needs`);
    }
  }
  await runBrowserLogin(ctx, browserLoginOptions(opts, opts.browser === true));
}

/** The browser flags, checked: --port, --timeout, --scope, --idp, --insecure-storage. */
export function browserLoginOptions(opts: LoginOptions, openBrowser: boolean): BrowserLoginOptions {
  let port: number | undefined;
  if (opts.port !== undefined) {
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) < 1 || Number(opts.port) > 65535) throw new UsageError(`--port must be a port number (1-65535), not ${JSON.stringify(opts.port)}`);
    port = Number(opts.port);
  }
  let timeoutSeconds: number | undefined;
  if (opts.timeout !== undefined) {
    if (!/^\d+$/.test(opts.timeout) || Number(opts.timeout) < 1) throw new UsageError(`--timeout must be a whole number of seconds, not ${JSON.stringify(opts.timeout)}`);
    timeoutSeconds = Number(opts.timeout);
  }
  for (const s of opts.scope ?? []) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new UsageError(`--scope ${JSON.stringify(s)} is not a scope (no spaces or quotes; repeat --scope for several)`);
  }
  return {
    openBrowser,
    ...(port !== undefined ? { port } : {}),
    ...(opts.idp !== undefined ? { idp: opts.idp } : {}),
    ...(opts.scope ? { scopes: opts.scope } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(opts.insecureStorage ? { insecureStorage: true } : {}),
  };
}
