// The token routes' hot path: the credentials agent's copy of the current login's ID or
// access token, reached without the session layer (no keychain, no node:crypto, no
// lock), as `call require-auth` reaches the agent's signature (src/http/signer.ts).
// src/http/token-source.ts asks here first; get-token.ts too, and hands the agent the
// tokens it reads or refreshes (tokensForAgent), as get-credentials.ts and
// login-complete.ts do with theirs.
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { agentToken } from './agent/link.js';
import type { AgentTokens } from './agent/protocol.js';
import { ID_TOKEN_MARGIN_MS, type TokenKind } from './credentials.js';
import type { UserTokens } from './session-data.js';
import { announceFileStore, currentMarker, sessionAgentKey } from './session-key.js';

/** What the agent may hold of a login's tokens: never the refresh token. */
export function tokensForAgent(t: UserTokens, profile: Profile): AgentTokens {
  return { idToken: t.idToken, accessToken: t.accessToken, expiresAt: t.expiresAt, clientId: profile.userPoolClientId };
}

/**
 * The token, if an agent holds one for the login recorded now, issued to the profile's
 * app client and valid for more than minValidityMs; else undefined (no agent, agent
 * off, nobody logged in, nothing usable held) and the caller reads the store.
 */
export async function tokenFromAgent(ctx: Context, kind: TokenKind, minValidityMs = ID_TOKEN_MARGIN_MS): Promise<string | undefined> {
  const marker = await currentMarker(ctx);
  if (!marker) return undefined; // nobody is logged in: the session layer says so
  const key = sessionAgentKey(ctx, 'user', marker);
  if (!key) return undefined;
  const profile = await ctx.profile();
  const token = await agentToken(ctx, key, kind, profile.userPoolClientId, ctx.clock.now() + minValidityMs);
  if (!token) return undefined;
  ctx.io.redactor.add(token);
  ctx.io.debug(`${kind === 'id' ? 'ID' : 'access'} token from agent`);
  // A session in plaintext files is announced every run, as reading it would be.
  announceFileStore(ctx, marker, profile.store);
  return token;
}
