// Federated users: the profile Cognito creates (or updates) in the pool when someone
// signs in through one of its identity providers, and that user's tokens. The user is
// named `<ProviderName>_<the provider's sub>`, has status EXTERNAL_PROVIDER and no
// password, carries an `identities` attribute, and is put in the group Cognito makes
// for each provider, `<poolId>_<ProviderName>` (developer guide, "Adding groups to a
// user pool"). Mapped attributes are written again at every sign-in, as Cognito does.
import { randomBytes } from 'node:crypto';
import type { IdpContext } from './context.js';
import { findUser } from './context.js';
import { MSG, notAuthorized } from './errors.js';
import { issueTokens, type AuthenticationResult } from './tokens.js';
import { createUser } from './users.js';

export interface FederatedIdentity {
  providerName: string;
  providerType: string;
  /** null for OIDC providers in the identities samples people have published. */
  issuer: string | null;
  /** The provider's `sub` for the user. */
  userId: string;
}

/** Attributes a provider may not set: the pool's own. */
const RESERVED = new Set(['sub', 'identities', 'username']);

export async function federatedSignIn(
  ctx: IdpContext, clientId: string, identity: FederatedIdentity, attributes: Record<string, string>,
): Promise<{ username: string; created: boolean; result: AuthenticationResult }> {
  const { pool, client } = ctx.clientById(clientId);
  const username = `${identity.providerName}_${identity.userId}`;
  const now = ctx.clock.now();
  let user = findUser(pool, username);
  const created = !user;
  if (!user) {
    // No password: a random one nobody knows, so a password sign-in always fails.
    user = createUser(ctx, pool, { username, password: randomBytes(32).toString('base64url'), status: 'EXTERNAL_PROVIDER' });
    user.attributes.identities = JSON.stringify([{ ...identity, primary: true, dateCreated: now }]);
    user.groups = [`${pool.model.id}_${identity.providerName}`];
  }
  if (!user.enabled) throw notAuthorized(MSG.disabled);
  for (const [name, value] of Object.entries(attributes)) if (!RESERVED.has(name)) user.attributes[name] = value;
  user.updatedAt = now;
  ctx.changed();
  const result = await issueTokens(ctx, pool, client, user, { authTime: Math.floor(now / 1000), withRefreshToken: true });
  return { username: user.username, created, result };
}
