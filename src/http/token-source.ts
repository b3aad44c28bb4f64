// How `call` and `batch` get a user pool token for a route whose authorizer takes one
// (a REST COGNITO_USER_POOLS authorizer, an HTTP API JWT authorizer): a dependency
// they receive (tests pass a stub), defaulting to a lazy import of
// src/auth/get-token.ts so the keychain is loaded only when a token is really needed.
import type { Context } from '../context.js';
import type { GetTokenOptions, TokenKind } from '../auth/credentials.js';

export type { GetTokenOptions, TokenKind } from '../auth/credentials.js';

export type GetToken = (ctx: Context, kind: TokenKind, opts?: GetTokenOptions) => Promise<string>;

export const sessionToken: GetToken = async (ctx, kind, opts) => {
  const { getToken } = await import('../auth/get-token.js');
  const token = await getToken(ctx, kind, opts);
  ctx.io.redactor.add(token);
  return token;
};
