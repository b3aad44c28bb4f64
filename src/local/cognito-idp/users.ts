// Creating users and showing them the way Cognito's API does.
import { randomUUID } from 'node:crypto';
import type { IdpContext, PoolRuntime } from './context.js';
import { findUser, userKey } from './context.js';
import { CognitoError, MSG } from './errors.js';
import { makeVerifier } from './srp-server.js';
import type { UserRecord, UserStatus } from './state.js';

export interface NewUser {
  username: string;
  password: string;
  status: UserStatus;
  attributes?: Record<string, string>;
}

export function createUser(ctx: IdpContext, pool: PoolRuntime, u: NewUser): UserRecord {
  if (findUser(pool, u.username)) throw new CognitoError('UsernameExistsException', 'User account already exists');
  const now = ctx.clock.now();
  const sub = randomUUID();
  const { salt, verifier } = makeVerifier(pool.poolName, u.username, u.password);
  const user: UserRecord = {
    username: u.username,
    sub,
    attributes: { ...(u.attributes ?? {}), sub },
    status: u.status,
    enabled: true,
    salt,
    verifier,
    passwordSetAt: now,
    createdAt: now,
    updatedAt: now,
    mfa: { smsEnabled: false, totpEnabled: false },
    lockout: { failures: 0, lastFailureAt: 0, lockedUntil: 0 },
  };
  pool.state.users[userKey(pool.model, u.username)] = user;
  ctx.changed();
  return user;
}

export function setPassword(ctx: IdpContext, pool: PoolRuntime, user: UserRecord, password: string, status: UserStatus): void {
  const { salt, verifier } = makeVerifier(pool.poolName, user.username, password);
  user.salt = salt;
  user.verifier = verifier;
  user.status = status;
  user.passwordSetAt = ctx.clock.now();
  user.updatedAt = ctx.clock.now();
  user.lockout = { failures: 0, lastFailureAt: 0, lockedUntil: 0 };
  ctx.changed();
}

export function requireUser(pool: PoolRuntime, username: unknown): UserRecord {
  const user = typeof username === 'string' ? findUser(pool, username) : undefined;
  if (!user) throw new CognitoError('UserNotFoundException', MSG.userNotFound);
  return user;
}

export function attributeList(user: UserRecord): { Name: string; Value: string }[] {
  // `sub` first, as Cognito lists it.
  const names = ['sub', ...Object.keys(user.attributes).filter((n) => n !== 'sub')];
  return names.map((Name) => ({ Name, Value: user.attributes[Name]! }));
}

export function parseAttributeList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list as { Name?: unknown; Value?: unknown }[]) {
    if (typeof item?.Name !== 'string') continue;
    if (item.Name === 'sub') throw new CognitoError('InvalidParameterException', 'Cannot modify an attribute that is not writable: sub');
    out[item.Name] = typeof item.Value === 'string' ? item.Value : '';
  }
  return out;
}

/** UserMFASettingList / PreferredMfaSetting, omitted when empty (docs/protocols.md, "Cognito User Pool API"). */
export function mfaFields(user: UserRecord): Record<string, unknown> {
  const list: string[] = [];
  if (user.mfa.smsEnabled) list.push('SMS_MFA');
  if (user.mfa.totpEnabled) list.push('SOFTWARE_TOKEN_MFA');
  const out: Record<string, unknown> = {};
  if (user.mfa.preferred && list.includes(user.mfa.preferred)) out.PreferredMfaSetting = user.mfa.preferred;
  if (list.length) out.UserMFASettingList = list;
  return out;
}

/** The UserType of AdminCreateUser / ListUsers (dates in epoch seconds, JSON 1.1). */
export function userType(user: UserRecord): Record<string, unknown> {
  return {
    Username: user.username,
    Attributes: attributeList(user),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** "+********4114": a star per digit but the last four (docs/protocols.md, "Cognito User Pool API"). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return '+' + '*'.repeat(Math.max(0, digits.length - 4)) + digits.slice(-4);
}
