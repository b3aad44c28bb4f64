// One line of batch input, from text to a result: parse it, take the run's
// credentials (refreshed when they near expiry or the API says they expired), sign,
// send with retries, and shape the answer. A failure of the line (bad input, not
// logged in, network) is an error result, never an exception: the run goes on. Only
// an interrupt is thrown.
import { isUtf8 } from 'node:buffer';
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { ExitCode } from '../errors.js';
import { parseBatchLine } from '../http/batch-input.js';
import type { CredentialCache, RunCredentials } from '../http/run-credentials.js';
import type { TokenCache } from '../http/run-tokens.js';
import { tokenHeader, tokenKindOf } from '../http/route-auth.js';
import { execute } from '../http/execute.js';
import { errorForResult, tokenRefusal } from '../http/outcome.js';
import type { RetryQuota } from '../http/retry.js';
import { signRequest, unsignedRequest, type SignedRequest } from '../http/sign.js';
import { targetUrl } from '../http/target.js';
import type { SkewState } from '../http/execute.js';
import type { PoolTransport } from '../http/undici-transport.js';

export type Result =
  | { id: unknown; status: number; statusText?: string; headers?: Record<string, string | string[]>; body?: string; bodyBase64?: string; attempts: number; ms: number }
  | { id: unknown; error: string; exitCode: number };

/** A result and the exit code it stands for (0 for a 2xx, or the error's code). */
export interface LineOutcome {
  result: Result;
  exitCode: number;
}

/** What every line of a run shares. */
export interface RunShared {
  ctx: Context;
  profile: Profile;
  transport: PoolTransport;
  creds: CredentialCache;
  /** User pool tokens for the lines whose route takes one. */
  tokens: TokenCache;
  quota: RetryQuota;
  skew: SkewState;
  /** Persists a corrected clock offset (once per run). */
  onSkewCorrected(offsetMs: number): Promise<void>;
  timeoutMs: number;
  maxAttempts: number;
  /** --guest: every line as a guest. */
  guest: boolean;
  /** --include: status text and response headers in each result. */
  include: boolean;
  random?: () => number;
}

export async function sendLine(run: RunShared, line: string, lineNo: number): Promise<LineOutcome> {
  const { ctx, profile } = run;
  const parsed = parseBatchLine(line, lineNo, profile);
  if (!parsed.ok) return failed(parsed.id, parsed.error, ExitCode.USAGE);
  const req = parsed.req;
  const { api, auth } = req;
  const tokenKind = tokenKindOf(auth);
  // Each line gets what its route takes: credentials (SigV4), a token, or nothing.
  let current: RunCredentials | undefined;
  let token: string | undefined;
  try {
    if (auth === 'iam') current = await run.creds.for(req.guest || run.guest);
    else if (tokenKind) token = await run.tokens.for(tokenKind);
  } catch (err) {
    return failed(req.id, (err as Error).message, (err as { exitCode?: number }).exitCode ?? ExitCode.AUTH);
  }
  const tag = `[${String(req.id)}] `;
  const service = api.type === 'function-url' ? 'lambda' : undefined;
  if (ctx.verbose) ctx.io.debug(`${tag}auth: ${auth}, ${req.why}`);
  try {
    const result = await execute({
      method: req.method,
      label: () => `${req.method} ${targetUrl(req.target)}${tokenKind ? ` (${auth})` : !current ? ' (unsigned)' : current.guest ? ' (guest)' : ''}`,
      // Signatures are masked by pattern (Signature=…) in traces; registering
      // thousands of them would make every redaction slower.
      sign: (now): SignedRequest => {
        const request = { method: req.method, target: req.target, headers: req.headers, body: req.body, apiKey: api.apiKey, region: profile.region, ...(service ? { service } : {}) };
        if (current) return signRequest({ ...request, credentials: current.credentials, now });
        if (token !== undefined) return unsignedRequest({ ...request, headers: { ...req.headers, authorization: tokenHeader(api.type, token) } });
        return unsignedRequest(request);
      },
      transport: (signed) => run.transport.send(signed, { timeoutMs: run.timeoutMs, signal: ctx.signal }),
      clock: ctx.clock,
      signal: ctx.signal,
      maxAttempts: run.maxAttempts,
      skew: run.skew,
      onSkewCorrected: run.onSkewCorrected,
      refreshCredentials: current
        ? async () => {
          const ok = await run.creds.forceRefresh(current!);
          if (ok) current = await run.creds.for(current!.guest && !current!.guestFallback);
          return ok;
        }
        : tokenKind
          ? async () => {
            const ok = await run.tokens.forceRefresh(tokenKind, token!);
            if (ok) token = await run.tokens.for(tokenKind);
            return ok;
          }
          : undefined,
      ...(tokenKind ? { refusal: tokenRefusal } : {}),
      quota: run.quota,
      trace: ctx.verbose ? (l) => ctx.io.debug(tag + l) : undefined,
      random: run.random,
    });
    const res = result.response;
    const err = errorForResult(result, current?.guestFallback ?? false, current?.notLoggedIn, {
      profileName: ctx.profileName,
      refreshFailure: tokenKind ? run.tokens.refreshFailure : run.creds.refreshFailure,
      ...(tokenKind ? { token: auth as 'id-token' | 'access-token' } : {}),
      sentNoSignature: !current,
    httpApi: api.type === 'http',
    });
    // --include: the status text and headers too, as `call -i` shows them.
    const out: Result = run.include
      ? { id: req.id, status: res.status, statusText: res.statusText, headers: res.headers as Record<string, string | string[]>, attempts: result.attempts, ms: result.ms }
      : { id: req.id, status: res.status, attempts: result.attempts, ms: result.ms };
    if (isUtf8(res.body)) out.body = res.body.toString('utf8');
    else out.bodyBase64 = res.body.toString('base64');
    return { result: out, exitCode: err?.exitCode ?? ExitCode.OK };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failed(req.id, (err as Error).message, (err as { exitCode?: number }).exitCode ?? ExitCode.UNEXPECTED);
  }
}

function failed(id: unknown, error: string, exitCode: number): LineOutcome {
  return { result: { id, error, exitCode }, exitCode };
}
