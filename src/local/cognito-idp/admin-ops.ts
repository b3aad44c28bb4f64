// Admin* operations (and SignUp) that create and manage users. On AWS these need
// SigV4 with IAM credentials; the emulator only checks that a SigV4 Authorization
// header is present and does not verify it (any credentials will do locally) — see
// requireSigV4 in service.ts.
import { randomInt } from 'node:crypto';
import type { IdpContext, PoolRuntime } from './context.js';
import { findUser } from './context.js';
import { CognitoError, validationNull } from './errors.js';
import { enforcePasswordPolicy } from './password-policy.js';
import { checkSecretHash } from './secret-hash.js';
import type { UserRecord, UserStatus } from './state.js';
import { applyMfaPreference, signOutEverywhere } from './user-ops.js';
import { createUser, mfaFields, parseAttributeList, requireUser, setPassword, userType } from './users.js';

type Body = Record<string, unknown>;

function poolOf(ctx: IdpContext, body: Body): PoolRuntime {
  if (typeof body.UserPoolId !== 'string') throw validationNull('UserPoolId');
  return ctx.pool(body.UserPoolId);
}

function usernameOf(body: Body): string {
  if (typeof body.Username !== 'string' || body.Username === '') throw validationNull('Username');
  return body.Username;
}

/** A temporary password that satisfies any sensible policy (upper, lower, digit, symbol). */
function generatedPassword(minLength: number): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  let out = pick('ABCDEFGHJKLMNPQRSTUVWXYZ') + pick('abcdefghijkmnopqrstuvwxyz') + pick('23456789') + pick('^$*.!@#%&');
  while (out.length < Math.max(12, minLength)) out += pick('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789');
  return out;
}

export function adminCreateUser(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const username = usernameOf(body);
  const attributes = parseAttributeList(body.UserAttributes);
  if (body.MessageAction === 'RESEND') {
    const user = requireUser(pool, username);
    return { User: userType(user) };
  }
  let password = typeof body.TemporaryPassword === 'string' ? body.TemporaryPassword : undefined;
  if (password !== undefined) enforcePasswordPolicy(pool.model.passwordPolicy, password);
  password ??= generatedPassword(pool.model.passwordPolicy.minimumLength);
  if (findUser(pool, username)) throw new CognitoError('UsernameExistsException', 'User account already exists');
  const user = createUser(ctx, pool, { username, password, status: 'FORCE_CHANGE_PASSWORD', attributes });
  if (body.MessageAction !== 'SUPPRESS' && body.TemporaryPassword === undefined) {
    // AWS e-mails a generated password; the emulator never prints passwords.
    ctx.log(`created ${username} with a generated temporary password (not shown; set one with AdminSetUserPassword)`);
  } else {
    ctx.log(`created ${username} (FORCE_CHANGE_PASSWORD)`);
  }
  return { User: userType(user) };
}

export function adminSetUserPassword(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  if (typeof body.Password !== 'string') throw validationNull('Password');
  enforcePasswordPolicy(pool.model.passwordPolicy, body.Password);
  const status: UserStatus = body.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  setPassword(ctx, pool, user, body.Password, status);
  return {};
}

export function adminGetUser(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  // The UserType with AdminGetUser's name for the attributes, plus the MFA settings.
  const { Attributes, ...rest } = userType(user);
  return { ...rest, UserAttributes: Attributes, ...mfaFields(user) };
}

export function adminDeleteUser(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  for (const [key, value] of Object.entries(pool.state.users)) if (value === user) delete pool.state.users[key];
  ctx.changed();
  return {};
}

export function adminSetEnabled(enabled: boolean) {
  return (ctx: IdpContext, body: Body): unknown => {
    const pool = poolOf(ctx, body);
    const user = requireUser(pool, usernameOf(body));
    user.enabled = enabled;
    user.updatedAt = ctx.clock.now();
    ctx.changed();
    return {};
  };
}

export function adminUpdateUserAttributes(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  if (body.UserAttributes === undefined) throw validationNull('UserAttributes');
  Object.assign(user.attributes, parseAttributeList(body.UserAttributes));
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return {};
}

export function adminSetUserMfaPreference(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  applyMfaPreference(user, body);
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return {};
}

export function adminConfirmSignUp(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  const user = requireUser(pool, usernameOf(body));
  if (user.status !== 'UNCONFIRMED') throw new CognitoError('NotAuthorizedException', 'User cannot be confirmed. Current status is ' + user.status);
  user.status = 'CONFIRMED';
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return {};
}

/** Public self sign-up: the user exists UNCONFIRMED until AdminConfirmSignUp. */
export function signUp(ctx: IdpContext, body: Body): unknown {
  if (typeof body.ClientId !== 'string') throw validationNull('ClientId');
  const { pool, client } = ctx.clientById(body.ClientId);
  // AWS's words for a pool that only administrators may add users to.
  if (pool.model.allowAdminCreateUserOnly) throw new CognitoError('NotAuthorizedException', 'SignUp is not permitted for this user pool');
  const username = usernameOf(body);
  if (typeof body.Password !== 'string') throw validationNull('Password');
  checkSecretHash(client, body.SecretHash, username);
  enforcePasswordPolicy(pool.model.passwordPolicy, body.Password);
  if (findUser(pool, username)) throw new CognitoError('UsernameExistsException', 'User already exists');
  const user = createUser(ctx, pool, { username, password: body.Password, status: 'UNCONFIRMED', attributes: parseAttributeList(body.UserAttributes) });
  ctx.log(`sign-up of ${username} (UNCONFIRMED; confirm it with AdminConfirmSignUp)`);
  return { UserConfirmed: false, UserSub: user.sub };
}


export function adminUserGlobalSignOut(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  signOutEverywhere(ctx, pool, requireUser(pool, usernameOf(body)));
  return {};
}

const FILTERABLE: Record<string, (u: UserRecord) => string | undefined> = {
  username: (u) => u.username,
  'cognito:user_status': (u) => u.status,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
};

/** ListUsers with Cognito's one-clause Filter (`attr = "v"` or `attr ^= "prefix"`) and paging. */
export function listUsers(ctx: IdpContext, body: Body): unknown {
  const pool = poolOf(ctx, body);
  let users = Object.values(pool.state.users).sort((a, b) => a.createdAt - b.createdAt || a.username.localeCompare(b.username));
  if (typeof body.Filter === 'string' && body.Filter.trim() !== '') {
    const m = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(body.Filter);
    if (!m) throw new CognitoError('InvalidParameterException', 'Error while parsing filter.');
    const [, attr, op, value] = m as unknown as [string, string, string, string];
    const get = FILTERABLE[attr] ?? ((u: UserRecord) => u.attributes[attr]);
    users = users.filter((u) => {
      const v = get(u);
      return v !== undefined && (op === '=' ? v === value : v.startsWith(value));
    });
  }
  const limit = typeof body.Limit === 'number' ? Math.max(1, Math.min(60, body.Limit)) : 60;
  const start = typeof body.PaginationToken === 'string' ? Number.parseInt(body.PaginationToken, 10) || 0 : 0;
  const page = users.slice(start, start + limit);
  const out: Record<string, unknown> = { Users: page.map(userType) };
  if (start + limit < users.length) out.PaginationToken = String(start + limit);
  return out;
}
