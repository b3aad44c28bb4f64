// What a final answer means for the exit status (src/errors.ts), shared by `call`
// (which throws the error) and `batch` (which records the code per line).
import { AuthError, HttpError, ThrottledError, UserError } from '../errors.js';
import { loginHint } from '../auth/login-command.js';
import { credentialRefusal } from './credential-refusal.js';
import type { ExecuteResult } from './execute.js';
import { isQuotaExceeded } from './retry.js';

/** API Gateway's IAM refusal: 403 with {"Message":"User: … is not authorized …"}. */
export function isIamAccessDenied(res: ExecuteResult['response']): boolean {
  if (res.status !== 403) return false;
  const type = res.headers['x-amzn-errortype'];
  if (typeof type === 'string' && type.startsWith('AccessDeniedException')) return true;
  return /"Message"\s*:\s*"User: .* is not authorized to perform/.test(res.body.toString('utf8', 0, 2000));
}

/**
 * undefined for 1xx–3xx; otherwise the error to report. `guestFallback`: the
 * request was signed with guest credentials only because nobody is logged in.
 */
export function errorForResult(
  r: ExecuteResult, guestFallback: boolean, notLoggedIn?: UserError, opts: { profileName?: string; refreshFailure?: Error } = {},
): UserError | undefined {
  const res = r.response;
  if (res.status < 400) return undefined;
  const line = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const refusal = credentialRefusal(res);
  if (refusal !== undefined) {
    const what = `${line}: the API refused the credentials (${refusal})`;
    const failure = opts.refreshFailure;
    // New ones could not be had: that failure decides (expired session → 3, network → 6).
    if (failure instanceof UserError) return new UserError(`${what}; new ones could not be had: ${failure.message}`, failure.exitCode, failure.hint, { cause: failure });
    // Refused again with new credentials (or a bug kept us from getting any): only a new login helps.
    return new AuthError(`${what}${failure ? `; new ones could not be had: ${failure.message}` : ' again with new ones'}`, loginHint(opts.profileName ?? 'default'));
  }
  if (guestFallback && isIamAccessDenied(res)) {
    // The session layer's own words ("not logged in (profile x)" / "session expired") carry the right hint.
    if (notLoggedIn) return new AuthError(`${notLoggedIn.message}; guests may not call this route`, notLoggedIn.hint ?? loginHint(opts.profileName ?? 'default'));
    return new AuthError('not logged in, and guests may not call this route', loginHint(opts.profileName ?? 'default'));
  }
  if (res.status === 429) {
    if (isQuotaExceeded(res)) return new ThrottledError(`${line}: over the API key's usage-plan quota (Limit Exceeded)`, 'the quota resets at the start of the next period; retrying now cannot help');
    const tries = r.attempts === 1 ? '1 attempt' : `${r.attempts} attempts`;
    return new ThrottledError(`${line}: throttled by the usage plan after ${tries}`, 'slow down, or allow more retries with --retries');
  }
  return new HttpError(res.status, line, hintFor(res));
}

/** What the user can do about API Gateway's own refusals (docs/protocols.md, "API Gateway's own answers"). */
export function hintFor(res: ExecuteResult['response']): string | undefined {
  const typeHeader = res.headers['x-amzn-errortype'];
  const type = (typeof typeHeader === 'string' ? typeHeader : '').split(':')[0];
  const text = res.body.toString('utf8', 0, 2000);
  if (res.status === 403) {
    if (type === 'MissingAuthenticationTokenException' || text.includes('"Missing Authentication Token"')) {
      return 'API Gateway says this for a path or method the API does not have (and for unsigned calls to IAM routes): check the target';
    }
    if (type === 'ForbiddenException' || text === '{"message":"Forbidden"}') {
      return 'the API key was refused (missing, wrong, disabled or not in a usage plan): check it with `authapi configure --show`';
    }
    if (type === 'InvalidSignatureException' || type === 'IncompleteSignatureException') return 'the signature was refused: run again with --verbose and report it';
  }
  if (res.status === 413) return "the body is over API Gateway's 10 MB limit";
  return undefined;
}
