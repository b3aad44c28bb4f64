// User pool tokens for a long run (`batch`): fetched once per kind and shared by every
// line, fetched again when one comes close to its expiry (read from the token's own
// `exp`, so no store read per line), and refreshed once — not once per line in
// flight — when the API refuses it (401).
import type { Context } from '../context.js';
import { decodeClaims } from '../auth/jwt.js';
import type { GetToken, TokenKind } from './token-source.js';

/** Fetch again when less than this is left (a request plus its retries must fit). */
export const TOKEN_MARGIN_MS = 2 * 60_000;

/** The `exp` claim of a JWT in epoch ms, or undefined when it cannot be read. */
export function tokenExpiry(token: string): number | undefined {
  const exp = decodeClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

export class TokenCache {
  private held: Partial<Record<TokenKind, Promise<string>>> = {};
  /** Why the last forced refresh failed, if it did. */
  refreshFailure?: Error;

  constructor(private readonly ctx: Context, private readonly get: GetToken) {}

  async for(kind: TokenKind): Promise<string> {
    let current = this.held[kind];
    if (!current) current = this.held[kind] = this.fetch(kind, false);
    const token = await current;
    const exp = tokenExpiry(token);
    if (exp !== undefined && exp - this.ctx.clock.now() < TOKEN_MARGIN_MS && this.held[kind] === current) {
      this.ctx.io.debug(`the ${kind} token expires in ${Math.round((exp - this.ctx.clock.now()) / 1000)} s; getting a fresh one`);
      this.held[kind] = this.fetch(kind, false);
    }
    return this.held[kind]!;
  }

  /** After a 401 with `used`: a fresh token, fetched once for all lines; true when it is in place. */
  forceRefresh(kind: TokenKind, used: string): Promise<boolean> {
    // Lines that saw the same token refused at the same time share one refresh.
    const key = `${kind} ${used}`;
    let refresh = this.refreshes.get(key);
    if (!refresh) this.refreshes.set(key, (refresh = this.refresh(kind, used)));
    return refresh;
  }

  private readonly refreshes = new Map<string, Promise<boolean>>();

  private async refresh(kind: TokenKind, used: string): Promise<boolean> {
    const current = await this.held[kind]?.catch(() => undefined);
    if (current !== undefined && current !== used) return true; // a newer one is already held
    const next = (this.held[kind] = this.fetch(kind, true));
    try {
      return (await next) !== used;
    } catch (err) {
      this.refreshFailure = err instanceof Error ? err : new Error(String(err));
      return false;
    }
  }

  private fetch(kind: TokenKind, forceRefresh: boolean): Promise<string> {
    const p = this.get(this.ctx, kind, forceRefresh ? { forceRefresh: true } : {});
    // A failure (not logged in) is each line's answer, and the next line asks again.
    p.catch(() => {
      if (this.held[kind] === p) delete this.held[kind];
    });
    return p;
  }
}
