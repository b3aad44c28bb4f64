// The users a fresh emulator starts with: the README's demo user, or the ones given
// with --user (startLocal's `users`).
import type { CognitoIdpService, CognitoIdpState } from './cognito-idp/service.js';
import { passwordViolation } from './cognito-idp/password-policy.js';
import type { UserPoolModel } from './model.js';

export interface LocalUser {
  username: string;
  password: string;
}

export const DEMO_USER: LocalUser = { username: 'demouser', password: 'demoPASS123' };

/** A --user the pool would refuse. */
export class InvalidUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUserError';
  }
}

/** Every pool gets the users; nothing is created unless every pool accepts every password. */
export function seedPools(idp: CognitoIdpService, pools: readonly UserPoolModel[], users: LocalUser[] | undefined, saved: CognitoIdpState | undefined, log: (line: string) => void): void {
  if (users) for (const pool of pools) checkPasswords(pool, users);
  for (const pool of pools) seedUsers(idp, pool, users, saved, log);
}

function checkPasswords(pool: UserPoolModel, users: LocalUser[]): void {
  for (const u of users) {
    const why = passwordViolation(pool.passwordPolicy, u.password);
    if (why) throw new InvalidUserError(`${u.username}: Password did not conform with policy: ${why}`);
  }
}

/**
 * The demo user is created only when the pool does not have it yet (a restart keeps
 * whatever password it was changed to); users given explicitly are (re)set as given,
 * and must meet the template's password policy, as AdminSetUserPassword would demand.
 */
export function seedUsers(idp: CognitoIdpService, pool: UserPoolModel, users: LocalUser[] | undefined, saved: CognitoIdpState | undefined, log: (line: string) => void): void {
  const norm = (s: string) => (pool.usernameCaseSensitive ? s : s.toLowerCase());
  const existing = new Set(Object.values(saved?.pools[pool.id]?.users ?? {}).map((u) => norm(u.username)));
  if (users === undefined) {
    if (existing.has(norm(DEMO_USER.username))) return;
    const why = passwordViolation(pool.passwordPolicy, DEMO_USER.password);
    if (why) log(`the demo user's password does not meet the template's password policy (${why}); created anyway`);
    idp.seedUser(pool.id, DEMO_USER.username, DEMO_USER.password);
    return;
  }
  checkPasswords(pool, users);
  for (const u of users) idp.seedUser(pool.id, u.username, u.password);
}
