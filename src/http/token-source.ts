// How `call` and `batch` get a user pool token for a route whose authorizer takes one
// (a REST COGNITO_USER_POOLS authorizer, an HTTP API JWT authorizer): a dependency
// they receive (tests pass a stub), defaulting to the session layer, loaded lazily:
// first the credentials agent's copy (src/auth/agent-token.ts: no keychain, no
// node:crypto, as fast as the agent's signature for IAM routes), and only when it has
// none src/auth/get-token.ts (the keychain, a refresh under the profile's lock).
import type { Context } from '../context.js';
import type { GetTokenOptions, TokenKind } from '../auth/credentials.js';

export type { GetTokenOptions, TokenKind } from '../auth/credentials.js';

export type GetToken = (ctx: Context, kind: TokenKind, opts?: GetTokenOptions) => Promise<string>;

export const sessionToken: GetToken = async (ctx, kind, opts = {}) => {
  if (!opts.forceRefresh) {
    const { tokenFromAgent } = await import('../auth/agent-token.js');
    const held = await tokenFromAgent(ctx, kind, opts.minValidityMs);
    if (held) return held;
  }
  const { tokenFromStore } = await import('../auth/get-token.js');
  const token = await tokenFromStore(ctx, kind, opts);
  ctx.io.redactor.add(token);
  return token;
};
