// The session layer's errors, each with the one hint that helps: log in again.
import { AuthError } from '../errors.js';
import { loginHint } from './login-command.js';
import type { SessionRecord, UserSession } from './session-data.js';

/** No session for this profile (never logged in, logged out, or made for another pool). */
export class NotLoggedInError extends AuthError {
  constructor(readonly profileName: string, message = `not logged in (profile "${profileName}")`, options?: { cause?: unknown }) {
    super(message, loginHint(profileName), options);
  }
}

/** There was a session but it can no longer be refreshed. */
export class SessionExpiredError extends NotLoggedInError {
  constructor(profileName: string, reason?: string, options?: { cause?: unknown }) {
    super(profileName, `session expired (profile "${profileName}")${reason ? `: ${reason}` : ''}`, options);
  }
}

/**
 * The profile has a session, but what is stored for it cannot be read: a corrupt or
 * truncated item, one missing from the store, one written for another session. Not a
 * NotLoggedInError: a command must stop here (exit 3), not quietly go on as a guest.
 * Nothing is deleted; the next successful login replaces it.
 */
export class SessionUnreadableError extends AuthError {
  constructor(readonly profileName: string, why: string, options?: { cause?: unknown }) {
    super(`the stored session for profile "${profileName}" is unreadable (${why})`,
      `${loginHint(profileName)} to replace it`, options);
  }
}

/**
 * Refuses a stored session that does not belong to the login recorded now
 * (`sessionId`, from the profile's marker): one missing from the store, or one of
 * another login, is unreadable — never taken for someone else's or nobody's.
 */
export function assertSessionOfLogin(
  session: SessionRecord | undefined, sessionId: string, where: { profileName: string; storeName: string; configDir: string },
): asserts session is SessionRecord & { user: UserSession } {
  if (!session) throw new SessionUnreadableError(where.profileName, `it is missing from the ${where.storeName}`);
  if (session.sessionId !== sessionId || !session.user) {
    throw new SessionUnreadableError(where.profileName, `the ${where.storeName} holds another session than the login recorded in ${where.configDir}`);
  }
}

/** The login changed while a command waited for the profile's lock: it starts over with the new one. */
export class SessionChangedError extends Error {}
