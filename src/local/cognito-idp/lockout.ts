// Cognito's lockout after repeated wrong passwords (docs/protocols.md, "Lockout"): five
// failures are free; each further one locks the user for 1 s, doubling up to ~15 min.
// Attempts during a lockout are refused without being counted, even with the right
// password; ~15 min without a failure (after the lock ends) forgets the count.
import type { LockoutState } from './state.js';

export const FREE_FAILURES = 5;
export const MAX_LOCK_MS = 15 * 60_000;
export const RESET_AFTER_MS = 15 * 60_000;

export function isLockedOut(l: LockoutState, now: number): boolean {
  return now < l.lockedUntil;
}

/** Records one failed password; returns the lock length in ms (0 when not locked). */
export function recordFailure(l: LockoutState, now: number): number {
  // The quiet period starts when the last lock ends, or a long lock would reset itself.
  if (now - Math.max(l.lastFailureAt, l.lockedUntil) > RESET_AFTER_MS) l.failures = 0;
  l.failures += 1;
  l.lastFailureAt = now;
  if (l.failures < FREE_FAILURES) return 0;
  const ms = Math.min(1000 * 2 ** (l.failures - FREE_FAILURES), MAX_LOCK_MS);
  l.lockedUntil = now + ms;
  return ms;
}

export function recordSuccess(l: LockoutState): void {
  l.failures = 0;
  l.lockedUntil = 0;
}
