// One AWS JSON 1.1 call (`POST /`, `X-Amz-Target: <Service>.<Op>`) for the unsigned
// Cognito User Pool operations, on `call`'s own HTTP/1.1 client (src/http/client.ts):
// built-ins only (undici's import alone costs more than the whole login exchange),
// with the proxy, CA bundle, per-attempt timeout and the SDK standard-mode retries
// (src/http/retry.ts) every other request of authapi gets. Errors come back
// as AwsServiceError with Cognito's own type and message (the body's `__type`,
// falling back to the x-amzn-ErrorType header); the caller decides what they mean.
import type { IncomingHttpHeaders } from 'node:http';
import { systemClock, type Clock } from '../clock.js';
import { InterruptedError, NetworkError } from '../errors.js';
import type { HttpResponse } from '../http/client.js';
import type { Verdict } from '../http/retry.js';
import type { SignedRequest } from '../http/sign.js';
import { VERSION } from '../version.js';

export class AwsServiceError extends Error {
  constructor(
    /** e.g. "NotAuthorizedException" */
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

export interface AwsJsonOptions {
  signal?: AbortSignal;
  /** Timeout of each attempt; Cognito answers in well under a second. */
  timeoutMs?: number;
  /** --verbose trace (the IO redacts secrets in it). */
  debug?: (line: string) => void;
  /** Proxy variables, AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS (default: the process's). */
  env?: NodeJS.ProcessEnv;
  /** Backoff sleeps (tests inject a manual clock). */
  clock?: Clock;
  maxAttempts?: number;
  random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Error codes the AWS SDKs' standard retry mode treats as throttling (retried with the longer base delay). */
const THROTTLING = new Set([
  'TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestThrottledException',
  'RequestLimitExceeded', 'SlowDown', 'ProvisionedThroughputExceededException', 'RequestThrottled', 'BandwidthLimitExceeded',
  'EC2ThrottledException', 'PriorRequestNotComplete', 'TransactionInProgressException',
]);

/** `__type` may be namespaced ("com.amazonaws…#NotAuthorizedException"); the header ends with ":". */
export function errorTypeOf(body: Record<string, unknown> | undefined, headers: IncomingHttpHeaders): string {
  const fromBody = typeof body?.__type === 'string' ? body.__type : undefined;
  const header = headers['x-amzn-errortype'];
  const fromHeader = typeof header === 'string' ? header.split(':')[0] : undefined;
  return (fromBody ?? fromHeader ?? 'UnknownError').split('#').pop() || 'UnknownError';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: the caller says so
  }
  return undefined;
}

/**
 * The SDK standard mode's verdict on a JSON 1.1 answer: throttling codes (Cognito
 * says 400 TooManyRequestsException, not 429) and 500 are retried too, on top of
 * what retry.ts retries for an idempotent request (429, 502, 503, 504, network).
 */
function classifyAwsJson(res: HttpResponse): Verdict | undefined {
  if (res.status === 500) return { retry: true, kind: 'transient', reason: '500 Internal Server Error' };
  if (res.status === 400 || res.status === 429) {
    const type = errorTypeOf(parseObject(res.body.toString('utf8', 0, 4096)), res.headers);
    if (THROTTLING.has(type)) return { retry: true, kind: 'throttle', reason: `${res.status} ${type}` };
  }
  return undefined;
}

export async function postAwsJson(
  endpoint: string,
  target: string,
  payload: unknown,
  opts: AwsJsonOptions = {},
): Promise<Record<string, unknown>> {
  const url = new URL(endpoint);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const env = opts.env ?? process.env;
  // client.ts (node:net/tls and our HTTP/1.1), as `call` uses: no node:http to load,
  // and the same proxy, CA, timeout and retry rules as every other request.
  const [{ send }, { execute }, { resolveMaxAttempts }, { networkFor, serviceTimeoutMs }] = await Promise.all([
    import('../http/client.js'),
    import('../http/execute.js'),
    import('../http/retry.js'),
    import('../http/network.js'),
  ]);
  const { proxy, ca } = networkFor(url, env, opts.debug);
  const timeoutMs = opts.timeoutMs ?? serviceTimeoutMs(env, DEFAULT_TIMEOUT_MS);
  const attempts = opts.maxAttempts ?? resolveMaxAttempts(undefined, env);
  const request = (): SignedRequest => ({
    method: 'POST',
    protocol: url.protocol === 'http:' ? 'http:' : 'https:',
    hostname: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      'user-agent': `authapi/${VERSION}`,
    },
    body,
    signature: '', // unsigned: these operations take no AWS credentials
  });
  const result = await execute({
    method: 'POST',
    // The SDKs retry these operations (none changes state twice when repeated).
    idempotent: true,
    classify: classifyAwsJson,
    sign: request,
    transport: (req) => send(req, { timeoutMs, signal: opts.signal, proxy, ca }),
    clock: opts.clock ?? systemClock,
    signal: opts.signal,
    maxAttempts: typeof attempts === 'number' ? attempts : 3,
    skew: { offsetMs: 0 },
    label: `POST ${url.origin}${url.pathname} ${target}`,
    trace: opts.debug,
    random: opts.random,
  }).catch((err: unknown) => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new InterruptedError();
    throw err;
  });
  const { status, headers } = result.response;
  const text = result.response.body.toString('utf8');
  opts.debug?.(`← ${status} ${target} in ${result.ms} ms${result.attempts > 1 ? ` (${result.attempts} attempts)` : ''}`);

  const parsed = parseObject(text);
  if (status >= 200 && status < 300) {
    if (!parsed) throw new NetworkError(`${url.host} answered ${target} with something that is not JSON (${describeBody(headers, text)})`, 'is the endpoint right?');
    return parsed;
  }
  const type = errorTypeOf(parsed, headers);
  const headerMessage = headers['x-amzn-errormessage'];
  const message =
    (typeof parsed?.message === 'string' && parsed.message) ||
    (typeof parsed?.Message === 'string' && parsed.Message) ||
    (typeof headerMessage === 'string' && headerMessage) ||
    (parsed ? `HTTP ${status}` : `HTTP ${status}, ${describeBody(headers, text)}`);
  throw new AwsServiceError(type, message, status);
}

/** A few words on an answer that is not the JSON expected: its type and size, never its text (it may echo secrets). */
function describeBody(headers: IncomingHttpHeaders, text: string): string {
  const type = typeof headers['content-type'] === 'string' ? headers['content-type'].split(';')[0] : 'no Content-Type';
  if (!text) return `empty, ${type}`;
  const looksHtml = /^\s*<(!doctype|html)/i.test(text);
  return `${looksHtml ? 'an HTML page' : text.trimStart().startsWith('{') ? 'truncated or invalid JSON' : 'not JSON'}, ${type}, ${text.length} bytes`;
}
