// How `call`, `batch` and `credentials` reach the session layer: a dependency they
// receive (tests pass a stub), defaulting to a lazy import of src/auth/get-credentials.ts so
// the keychain and the SDK are loaded only when credentials are really needed.
import type { Context } from '../context.js';
import { AuthError, InterruptedError, UserError } from '../errors.js';
import type { AwsCredentials, GetCredentialsOptions } from '../auth/credentials.js';

export { DEFAULT_MIN_VALIDITY_MS, type AwsCredentials, type GetCredentialsOptions } from '../auth/credentials.js';

export type GetCredentials = (ctx: Context, opts?: GetCredentialsOptions) => Promise<AwsCredentials>;

export const sessionCredentials: GetCredentials = async (ctx, opts) => {
  const session = await import('../auth/get-credentials.js');
  return session.getCredentials(ctx, opts);
};

/** The session layer's NotLoggedInError (or its SessionExpiredError), recognised without importing it. */
export function isNotLoggedIn(err: unknown): boolean {
  return err instanceof AuthError && (err.name === 'NotLoggedInError' || err.name === 'SessionExpiredError');
}

/**
 * The user's credentials; a guest's when asked (--guest) or when nobody is logged
 * in (the API then decides whether the route admits guests). `guestFallback` tells
 * the caller that an IAM AccessDenied means "log in", not "forbidden".
 */
export async function credentialsFor(
  ctx: Context,
  get: GetCredentials,
  guest: boolean,
): Promise<{ credentials: AwsCredentials; guest: boolean; guestFallback: boolean; notLoggedIn?: AuthError }> {
  if (guest) return { credentials: register(ctx, await get(ctx, { guest: true })), guest: true, guestFallback: false };
  try {
    return { credentials: register(ctx, await get(ctx)), guest: false, guestFallback: false };
  } catch (err) {
    if (!isNotLoggedIn(err)) throw err;
    ctx.io.debug('not logged in: calling with guest credentials');
    try {
      return { credentials: register(ctx, await get(ctx, { guest: true })), guest: true, guestFallback: true, notLoggedIn: err as AuthError };
    } catch (guestErr) {
      ctx.io.debug(`guest credentials failed too: ${(guestErr as Error).message}`);
      throw whyNoGuest(err as AuthError, guestErr);
    }
  }
}

/**
 * What to report when nobody is logged in and a guest's credentials could not be had
 * either. A pool that refuses guests (an AuthError) makes "not logged in" the whole
 * story; anything else — the Identity Pool unreachable, throttling — is what actually
 * stopped the command, and its exit code (6, 7) is the one a script should see.
 */
function whyNoGuest(notLoggedIn: AuthError, guestErr: unknown): unknown {
  if (guestErr instanceof AuthError) return notLoggedIn;
  // A bug stays a bug, and Ctrl-C stays Ctrl-C.
  if (!(guestErr instanceof UserError) || guestErr instanceof InterruptedError) return guestErr;
  return new UserError(`not logged in, and no guest credentials either: ${guestErr.message}`, guestErr.exitCode, guestErr.hint, { cause: guestErr });
}

export function register(ctx: Context, c: AwsCredentials): AwsCredentials {
  ctx.io.redactor.add(c.secretAccessKey, c.sessionToken);
  return c;
}
