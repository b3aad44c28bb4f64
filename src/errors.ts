// Typed errors and the exit codes they map to. Only src/cli.ts turns an error into
// an exit code (exitCodeFor); commands throw these and never exit themselves.

export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  AUTH: 3,
  HTTP_CLIENT: 4,
  HTTP_SERVER: 5,
  NETWORK: 6,
  THROTTLED: 7,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on: one line on stderr, never a stack (unless --verbose). */
export class UserError extends Error {
  readonly exitCode: ExitCodeValue;
  /** A second line telling the user what to do, e.g. "run `authapi login`". */
  readonly hint?: string;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flags, arguments or input (exit 2). */
export class UsageError extends UserError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.USAGE, hint, options);
  }
}

/** Bad or missing configuration (exit 2). */
export class ConfigError extends UserError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.USAGE, hint, options);
  }
}

/** Not logged in, wrong password, session that cannot be refreshed, no usable secret store (exit 3). */
export class AuthError extends UserError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.AUTH, hint, options);
  }
}

/** The API answered non-2xx: 4xx → exit 4, 5xx → exit 5. */
export class HttpError extends UserError {
  readonly status: number;
  constructor(status: number, message: string, hint?: string) {
    super(message, status >= 500 ? ExitCode.HTTP_SERVER : ExitCode.HTTP_CLIENT, hint);
    this.status = status;
  }
}

/** Connection refused, DNS, TLS, timeout (exit 6). */
export class NetworkError extends UserError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.NETWORK, hint, options);
  }
}

/** Throttled or over quota after the retries (exit 7). */
export class ThrottledError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.THROTTLED, hint);
  }
}

/** Ctrl-C or SIGTERM (exit 130). */
export class InterruptedError extends UserError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.INTERRUPTED);
  }
}

/**
 * An outcome that is already reported (e.g. `call` printed a 404 body): exit with
 * this code and print nothing more.
 */
export class SilentExit extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}

/**
 * Ctrl-C at a prompt: @inquirer/prompts reads the key itself (the terminal is in raw
 * mode, so no SIGINT comes) and rejects with ExitPromptError, or AbortPromptError when
 * our signal aborted it. Either is the user interrupting, never a bug.
 */
export function interruptOf(err: unknown): InterruptedError | undefined {
  if (err instanceof InterruptedError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' ? new InterruptedError() : undefined;
}

export function exitCodeFor(err: unknown): ExitCodeValue {
  if (interruptOf(err)) return ExitCode.INTERRUPTED;
  if (err instanceof UserError || err instanceof SilentExit) return err.exitCode;
  return ExitCode.UNEXPECTED;
}

/** Exit codes as documented in README and `authapi --help`. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success                      4  HTTP 4xx from the API
  1  unexpected error (a bug)     5  HTTP 5xx from the API
  2  bad usage, input or config   6  network error or timeout
  3  authentication needed/failed 7  throttled or over quota after retries
  130 interrupted (Ctrl-C or SIGTERM); \`authapi local\`, which runs until stopped, exits 0 after a clean stop`;

const MEANINGS: Record<number, string> = {
  0: 'success',
  1: 'unexpected error (a bug)',
  2: 'bad usage, input or config',
  3: 'authentication needed or failed',
  4: 'HTTP 4xx from the API',
  5: 'HTTP 5xx from the API',
  6: 'network error or timeout',
  7: 'throttled or over quota after retries',
  130: 'interrupted (Ctrl-C or SIGTERM)',
};

/** The exit codes one command can return, for its --help (the whole table is in the main help). */
export function exitCodesHelp(codes: readonly number[], note?: string): string {
  const lines = codes.map((c) => `  ${String(c).padEnd(4)}${MEANINGS[c] ?? ''}`);
  return `Exit codes:\n${lines.join('\n')}${note ? `\n  ${note}` : ''}`;
}
