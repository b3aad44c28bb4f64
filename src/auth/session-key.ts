// The few things every command needs to know about the profile's current login
// before anything heavy is loaded: which agent key holds its credentials, and whether
// the user must be told that it lives in plaintext files. `call`'s hot path
// (src/http/signer.ts) uses these with the agent, without the rest of the session layer.
import type { Context } from '../context.js';
import { agentEnabled, agentKey } from './agent/link.js';
import type { CredentialsKind } from './session-data.js';
import { markerFor, readMarker, type SessionMarker } from './session-marker.js';
import { fileReasonForLogin, storePolicy, warnPlaintextOnce } from './store/policy.js';

/** The profile's current login, if any (markers of other pools do not count). */
export async function currentMarker(ctx: Context): Promise<SessionMarker | undefined> {
  return markerFor(readMarker(ctx.configDir, ctx.profileName), await ctx.profile());
}

/** The agent's key for this profile's user (this login) or guest credentials; undefined when the agent is off. */
export function sessionAgentKey(ctx: Context, kind: CredentialsKind, marker: SessionMarker | undefined): string | undefined {
  if (!agentEnabled(ctx)) return undefined;
  return agentKey(ctx.configDir, ctx.profileName, kind, marker?.id);
}

/**
 * A session kept in plaintext files is announced every command, also when the
 * agent served it and no file was opened.
 */
export function announceFileStore(ctx: Context, marker: SessionMarker | undefined, profileStore?: 'keychain' | 'file'): void {
  const policy = storePolicy(ctx, profileStore); // a bad AUTHAPI_STORE is refused on every path
  if (marker?.store === 'file') warnPlaintextOnce(ctx, fileReasonForLogin(ctx, profileStore));
  else if (!marker && policy.order.join() === 'file') warnPlaintextOnce(ctx, policy.fileAllowedBy);
}

