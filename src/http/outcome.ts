// What a final answer means for the exit status (src/errors.ts), shared by `call`
// (which throws the error) and `batch` (which records the code per line).
import { AuthError, ExitCode, HttpError, ThrottledError, UserError } from '../errors.js';
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
 * A route that takes a user pool token answered 401 (API Gateway's
 * {"message":"Unauthorized"}, or an expired token's own message): the token is
 * missing, expired or not one this authorizer accepts. undefined for other answers.
 */
export function tokenRefusal(res: Pick<ExecuteResult['response'], 'status' | 'body'>): string | undefined {
  if (res.status !== 401) return undefined;
  const m = /"[Mm]essage"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(res.body.toString('utf8', 0, 1000));
  return m ? m[1]! : 'Unauthorized';
}

/**
 * undefined for 1xx–3xx; otherwise the error to report. `guestFallback`: the
 * request was signed with guest credentials only because nobody is logged in.
 */
export function errorForResult(
  r: ExecuteResult, guestFallback: boolean, notLoggedIn?: UserError,
  opts: { profileName?: string; refreshFailure?: Error; token?: 'id-token' | 'access-token'; sentNoSignature?: boolean; httpApi?: boolean } = {},
): UserError | undefined {
  const res = r.response;
  if (res.status < 400) return undefined;
  const line = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const tokenRefused = opts.token ? tokenRefusal(res) : undefined;
  if (tokenRefused !== undefined) {
    // Refused after a refresh (or the refresh failed): only a new login can help.
    const what = `${line}: the API refused the ${opts.token === 'id-token' ? 'ID' : 'access'} token (${tokenRefused})`;
    const failure = opts.refreshFailure;
    if (failure instanceof UserError && failure.exitCode !== ExitCode.AUTH) return new UserError(`${what}; a new one could not be had: ${failure.message}`, failure.exitCode, failure.hint, { cause: failure });
    return new AuthError(`${what}${failure ? `; a new one could not be had: ${failure.message}` : ' again after a refresh'}`, loginHint(opts.profileName ?? 'default'));
  }
  const refusal = credentialRefusal(res);
  if (refusal !== undefined) {
    const what = `${line}: the API refused the credentials (${refusal})`;
    const failure = opts.refreshFailure;
    // New ones could not be had: that failure decides (expired session → 3, network → 6).
    if (failure instanceof UserError) return new UserError(`${what}; new ones could not be had: ${failure.message}`, failure.exitCode, failure.hint, { cause: failure });
    // Refused again with new credentials (or a bug kept us from getting any): only a new login helps.
    return new AuthError(`${what}${failure ? `; new ones could not be had: ${failure.message}` : ' again with new ones'}`, loginHint(opts.profileName ?? 'default'));
  }
  // An HTTP API's IAM refusal is a bare {"message":"Forbidden"} (it has no API keys to refuse instead).
  if (guestFallback && (isIamAccessDenied(res) || (opts.httpApi && res.status === 403 && /^\s*\{"message"\s*:\s*"Forbidden"\}/.test(res.body.toString('utf8', 0, 200))))) {
    // The session layer's own words ("not logged in (profile x)" / "session expired") carry the right hint.
    if (notLoggedIn) return new AuthError(`${notLoggedIn.message}; guests may not call this route`, notLoggedIn.hint ?? loginHint(opts.profileName ?? 'default'));
    return new AuthError('not logged in, and guests may not call this route', loginHint(opts.profileName ?? 'default'));
  }
  if (res.status === 429) {
    if (isQuotaExceeded(res)) return new ThrottledError(`${line}: over the API key's usage-plan quota (Limit Exceeded)`, 'the quota resets at the start of the next period; retrying now cannot help');
    const tries = r.attempts === 1 ? '1 attempt' : `${r.attempts} attempts`;
    return new ThrottledError(`${line}: throttled by the usage plan after ${tries}`, 'slow down, or allow more retries with --retries');
  }
  // A token (or nothing) where API Gateway wanted a SigV4 signature: the route's auth in the profile is not the API's.
  if (opts.sentNoSignature && res.status === 403 && wantsSignature(res)) {
    return new HttpError(res.status, line, 'this route takes a SigV4 signature (AWS_IAM): call it with --auth iam, or correct its auth in the profile (`authapi configure --show`)');
  }
  return new HttpError(res.status, line, hintFor(res));
}

/** API Gateway's answers to a request without a usable SigV4 signature on an AWS_IAM route. */
function wantsSignature(res: ExecuteResult['response']): boolean {
  const typeHeader = res.headers['x-amzn-errortype'];
  const type = (typeof typeHeader === 'string' ? typeHeader : '').split(':')[0];
  if (type === 'IncompleteSignatureException') return true;
  return /Authorization header requires 'Credential' parameter/.test(res.body.toString('utf8', 0, 2000));
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
