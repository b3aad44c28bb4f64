// Which way `authapi login` signs in when no --browser/--no-browser is given: SRP,
// unless the profile's app client does not allow it, and then the browser (the
// managed login), saying so.
//
// How authapi learns that the client has no SRP flow: from Cognito's own refusal of
// USER_SRP_AUTH (InvalidParameterException, "USER_SRP_AUTH is not enabled for the
// client."). The alternatives are worse: the client's settings are readable only
// with DescribeUserPoolClient, which needs administrator credentials a public CLI
// does not have; a flag recorded in the profile (by configure or `authapi local`) is
// missing from hand-written profiles and goes stale when the client changes, while
// the refusal is always current. It costs one InitiateAuth, and only when it
// matters: before anything is asked at the terminal (so nobody types a username or
// password for a client that cannot use them), for a profile with a loginUrl (without
// one there is nothing to switch to). A login whose username and password are
// already given just tries SRP and switches on the same refusal.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { AwsServiceError } from './aws-json.js';
import { loginCommand } from './login-command.js';
import type { LoginOptions } from './login-options.js';
import type { SessionDeps } from './session-deps.js';
import { startSrp } from './srp-client.js';
import { initiateAuth, withSecretHash, type UserPoolTransport } from './user-pool.js';

/** Cognito's refusal of USER_SRP_AUTH for a client whose ExplicitAuthFlows lack it. */
export function isSrpFlowDisabled(err: unknown): err is AwsServiceError {
  return err instanceof AwsServiceError && err.type === 'InvalidParameterException' && /USER_SRP_AUTH/.test(err.message) && /not enabled/i.test(err.message);
}

/**
 * Asks the pool whether this client takes USER_SRP_AUTH, before anyone is asked for a
 * password: Cognito checks the flow before it looks at the user. Any other answer
 * (a PASSWORD_VERIFIER challenge, an unknown user, a network failure) means "go on
 * with SRP", whose own errors are reported as usual. Without a username yet, a
 * placeholder name is used: the flow check does not depend on it.
 */
export async function srpRefusal(send: UserPoolTransport, profile: Profile, username?: string): Promise<string | undefined> {
  const name = username || 'authapi-flow-check';
  try {
    await initiateAuth(send, profile, 'USER_SRP_AUTH', withSecretHash(profile, name, { USERNAME: name, SRP_A: startSrp().A.toString(16) }));
  } catch (err) {
    if (isSrpFlowDisabled(err)) return err.message;
  }
  return undefined;
}

/**
 * The browser sign-in in place of SRP. Only with a person at the terminal: a script
 * must not be left waiting for a browser, so without one it says what to run.
 */
export async function browserInstead(ctx: Context, opts: LoginOptions, deps: SessionDeps, refusal: string): Promise<void> {
  const login = loginCommand(ctx.profileName);
  const withFlag = (flag: string) => login.replace(/`$/, ` ${flag}\``);
  if (!ctx.io.canPrompt()) {
    throw new UsageError(`this app client does not allow SRP sign-in (${refusal}): it signs in through the browser, and there is no terminal here to do that`,
      `run ${withFlag('--browser')} (opens a browser and waits for it), or ${withFlag('--no-browser')} (prints the address; paste back the one the browser ends on)`);
  }
  ctx.io.info(`authapi: this app client does not allow SRP sign-in; signing in with the browser (${withFlag('--no-browser').slice(1, -1)} to paste the address instead)`);
  const { browserLoginOptions } = await import('./browser-login/command.js');
  const { runBrowserLogin } = await import('./browser-login/run.js');
  await runBrowserLogin(ctx, browserLoginOptions(opts, true), deps);
}
