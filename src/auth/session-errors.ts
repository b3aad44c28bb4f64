// The session layer's errors, each with the one hint that helps: log in again.
import { AuthError } from '../errors.js';
import { loginHint } from './login-command.js';

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
