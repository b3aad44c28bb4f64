// Credentials for a long run (`batch`): fetched once, shared by every request, and
// refreshed — once, not once per request in flight — when they come close to their
// expiry or the API says the session token expired.
import type { Context } from '../context.js';
import type { AuthError } from '../errors.js';
import { credentialsFor, register, type AwsCredentials, type GetCredentials } from './credential-source.js';

/** Refresh when less than this is left (a request plus its retries must fit). */
export const REFRESH_MARGIN_MS = 2 * 60_000;

export interface RunCredentials {
  credentials: AwsCredentials;
  guest: boolean;
  /** Signed as a guest only because nobody is logged in (IAM deny then means "log in"). */
  guestFallback: boolean;
  notLoggedIn?: AuthError;
}

export class CredentialCache {
  private user?: Promise<RunCredentials>;
  private guest?: Promise<RunCredentials>;
  /** How many times credentials were fetched (initial + refreshes), for tests and traces. */
  fetches = 0;
  /** Why the last forced refresh could not get new credentials, if it could not. */
  refreshFailure?: Error;

  constructor(private readonly ctx: Context, private readonly get: GetCredentials) {}

  async for(guest: boolean): Promise<RunCredentials> {
    const slot = guest ? 'guest' : 'user';
    let current = this[slot];
    if (!current) {
      this.fetches += 1;
      current = this[slot] = guest
        ? this.get(this.ctx, { guest: true }).then((c) => ({ credentials: register(this.ctx, c), guest: true, guestFallback: false }))
        : credentialsFor(this.ctx, this.get, false);
    }
    const got = await current;
    if (got.credentials.expiration - this.ctx.clock.now() < REFRESH_MARGIN_MS && this[slot] === current) {
      this.ctx.io.debug(`credentials expire in ${Math.round((got.credentials.expiration - this.ctx.clock.now()) / 1000)} s; refreshing`);
      this.refresh(slot, got, false);
    }
    return this[slot]!;
  }

  /** After the API refused the credentials: fresh ones, fetched once for all requests. */
  async forceRefresh(used: RunCredentials): Promise<boolean> {
    const slot = used.guest && !used.guestFallback ? 'guest' : 'user';
    const current = await this[slot];
    if (current && current.credentials.accessKeyId !== used.credentials.accessKeyId) return true; // someone already did
    this.refresh(slot, used, true);
    try {
      const next = await this[slot]!;
      return next.credentials.accessKeyId !== used.credentials.accessKeyId || next.credentials.sessionToken !== used.credentials.sessionToken;
    } catch (err) {
      this.refreshFailure = err instanceof Error ? err : new Error(String(err));
      return false;
    }
  }

  private refresh(slot: 'user' | 'guest', old: RunCredentials, force: boolean): void {
    this.fetches += 1;
    const asGuest = old.guest;
    this[slot] = this.get(this.ctx, { guest: asGuest, minValidityMs: REFRESH_MARGIN_MS * 2, forceRefresh: force }).then((c) => ({
      ...old,
      credentials: register(this.ctx, c),
    }));
  }
}
