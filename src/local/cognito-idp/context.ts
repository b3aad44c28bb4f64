// What every operation handler sees: the stack model, the mutable state, the clock,
// the log and the transient stores. The service builds one and passes it around, so
// handlers stay plain functions that tests of the service exercise end to end.
import type { Clock, UserPoolClientModel, UserPoolModel } from '../model.js';
import type { PoolState, UserRecord } from './state.js';
import type { LoadedKey } from './signing-keys.js';
import type { ChallengeStore } from './challenges.js';

export interface PoolRuntime {
  model: UserPoolModel;
  state: PoolState;
  /** The part of the pool id after "_" (SRP hashes it). */
  poolName: string;
}

export interface IdpContext {
  clock: Clock;
  log(line: string): void;
  /** Call after any change to persistent state. */
  changed(): void;
  pool(poolId: string): PoolRuntime;
  /** Every pool of the stack, in template order. */
  allPools(): PoolRuntime[];
  /** The stack's account id (ARNs). */
  accountId: string;
  clientById(clientId: string): { pool: PoolRuntime; client: UserPoolClientModel };
  keys(pool: PoolRuntime): { id: LoadedKey; access: LoadedKey };
  challenges: ChallengeStore;
}

export function userKey(pool: UserPoolModel, username: string): string {
  return pool.usernameCaseSensitive ? username : username.toLowerCase();
}

export function findUser(pool: PoolRuntime, username: string): UserRecord | undefined {
  const key = userKey(pool.model, username);
  return Object.prototype.hasOwnProperty.call(pool.state.users, key) ? pool.state.users[key] : undefined;
}
