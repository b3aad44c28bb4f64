// One AWS JSON 1.1 call (`POST /`, `X-Amz-Target: <Service>.<Op>`) over node:http(s),
// for the unsigned Cognito User Pool operations. Built-ins only: undici's import alone
// costs more than the whole login exchange (DESIGN.md, "Measured"). Errors come back
// as AwsServiceError with Cognito's own type and message (AWS-WIRE.md: `__type`,
// falling back to the x-amzn-ErrorType header); the caller decides what they mean.
import type { IncomingMessage } from 'node:http';
import { InterruptedError, NetworkError } from '../errors.js';
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
  /** Whole-request timeout; Cognito answers in well under a second. */
  timeoutMs?: number;
  /** --verbose trace (the IO redacts secrets in it). */
  debug?: (line: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** `__type` may be namespaced ("com.amazonaws…#NotAuthorizedException"); the header ends with ":". */
export function errorTypeOf(body: Record<string, unknown> | undefined, headers: IncomingMessage['headers']): string {
  const fromBody = typeof body?.__type === 'string' ? body.__type : undefined;
  const header = headers['x-amzn-errortype'];
  const fromHeader = typeof header === 'string' ? header.split(':')[0] : undefined;
  return (fromBody ?? fromHeader ?? 'UnknownError').split('#').pop() || 'UnknownError';
}

export async function postAwsJson(
  endpoint: string,
  target: string,
  payload: unknown,
  opts: AwsJsonOptions = {},
): Promise<Record<string, unknown>> {
  const url = new URL(endpoint);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  // Loaded here, not at the top: the cached-credentials path imports this module's
  // neighbours and must not pay for TLS it does not use. getBuiltinModule, not an
  // ESM import: on Node 24 `import 'node:http'` also loads Node's bundled undici.
  const send = url.protocol === 'http:'
    ? process.getBuiltinModule('node:http').request
    : process.getBuiltinModule('node:https').request;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  opts.debug?.(`POST ${url.origin}${url.pathname} ${target}`);
  const started = performance.now();

  const { status, headers, text } = await new Promise<{ status: number; headers: IncomingMessage['headers']; text: string }>(
    (resolve, reject) => {
      if (opts.signal?.aborted) return reject(opts.signal.reason ?? new InterruptedError());
      const req = send(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': target,
          'Content-Length': body.length,
          'User-Agent': `authapi/${VERSION}`,
        },
        signal: opts.signal,
        timeout: timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new NetworkError(`${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof NetworkError) return reject(err);
        if (err.name === 'AbortError' || opts.signal?.aborted) return reject(opts.signal?.reason ?? new InterruptedError());
        reject(new NetworkError(`cannot reach ${url.host}: ${err.code ?? err.message}`, 'check the network and the profile\'s endpoints', { cause: err }));
      });
      req.end(body);
    },
  );
  opts.debug?.(`← ${status} ${target} in ${Math.round(performance.now() - started)} ms`);

  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  if (status >= 200 && status < 300) {
    if (!parsed) throw new NetworkError(`${url.host} answered ${target} with something that is not JSON`, 'is the endpoint right?');
    return parsed;
  }
  const type = errorTypeOf(parsed, headers);
  const headerMessage = headers['x-amzn-errormessage'];
  const message =
    (typeof parsed?.message === 'string' && parsed.message) ||
    (typeof parsed?.Message === 'string' && parsed.Message) ||
    (typeof headerMessage === 'string' && headerMessage) ||
    `HTTP ${status}`;
  throw new AwsServiceError(type, message, status);
}
