// `authapi batch`: NDJSON requests on stdin, NDJSON results on stdout, over
// kept-alive connections (undici Pool) with bounded concurrency. One credential
// fetch per run, refreshed when it nears expiry; one shared retry quota; one output
// line for every input line, whatever happens to it.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { ExitCode, SilentExit, UsageError, type ExitCodeValue } from '../errors.js';
import { defineCommand } from './spec.js';
import { sessionCredentials, type GetCredentials } from '../http/credential-source.js';

export interface BatchOptions {
  concurrency?: string;
  ordered?: boolean;
  include?: boolean;
  guest?: boolean;
  timeout?: string;
  retries?: string;
}

export interface BatchDeps {
  getCredentials: GetCredentials;
  random?: () => number;
  /** Transport factory (tests may count connections); default: undici Pool. */
  createTransport?: (origin: string, connections: number, timeoutMs: number) => Promise<import('../http/undici-transport.js').PoolTransport>;
}

type Result =
  | { id: unknown; status: number; headers?: Record<string, string | string[]>; body?: string; bodyBase64?: string; attempts: number; ms: number }
  | { id: unknown; error: string; exitCode: number };

const EXIT_HELP =
  'Exit status: 0 when every line got a 2xx answer; otherwise the highest code among the lines: ' +
  '2 a bad input line, 3 not logged in (or guests refused), 4 an HTTP 4xx, 5 an HTTP 5xx, ' +
  '6 a network error or timeout, 7 throttled or over quota after retries.';

export const batchCommand = defineCommand<BatchOptions>({
  name: 'batch',
  summary: 'send many signed requests: NDJSON on stdin, NDJSON results on stdout',
  description:
    'Read one JSON request per line on stdin and write one JSON result per line on stdout, ' +
    'exactly one result for every non-blank input line.\n\n' +
    'Input fields: "path" or "target" (as for `authapi call`), and optionally "id", "method", ' +
    '"headers" ({"Name": "value"}), "query" ({"k": "v" or ["v1", "v2"]}, literal text), "body" (a string, ' +
    'or any JSON value sent as application/json) or "bodyBase64", and "guest": true.\n\n' +
    'Result fields: "id" (the input id, or the line number), "status", "headers" (with --include), ' +
    '"body" (or "bodyBase64" when the body is not UTF-8), "attempts", "ms"; or "id", "error" and ' +
    '"exitCode" when the line could not be sent (bad line, network, not logged in).\n\n' +
    'Results come in completion order; --ordered keeps input order. Blank lines are skipped. ' +
    'Encoding and retries follow `authapi call`, with one retry quota for the whole run; credentials ' +
    'are fetched once and refreshed when they near expiry.\n\n' +
    EXIT_HELP,
  examples: [
    'authapi batch --concurrency 16 --ordered < requests.ndjson > results.ndjson',
    `printf '%s\\n' '{"path":"no-auth"}' '{"id":"me","path":"require-auth"}' | authapi batch`,
    `jq -c '{id: .sku, path: "/items/\\(.sku)"}' skus.json | authapi batch | jq -c 'select(.status != 200)'`,
  ],
  define(cmd: Command) {
    cmd
      .option('--concurrency <n>', 'requests in flight at once (kept-alive connections)', '8')
      .option('--ordered', 'write results in input order (default: as they complete)')
      .option('--include', 'add response headers to each result')
      .option('--guest', 'use guest credentials for every line')
      .option('--timeout <seconds>', 'per-attempt timeout', '30')
      .option('--retries <n>', 'retries per request (0 disables; default 2)');
  },
  run(ctx, opts) {
    return runBatch(ctx, opts, { getCredentials: sessionCredentials });
  },
});

export async function runBatch(ctx: Context, opts: BatchOptions, deps: BatchDeps): Promise<void> {
  const profile = await ctx.profile();
  const concurrency = Number(opts.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--concurrency ${JSON.stringify(opts.concurrency)}: expected a whole number from 1 to 256`);
  const timeout = Number(opts.timeout ?? '30');
  if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError(`--timeout ${JSON.stringify(opts.timeout)}: expected seconds (0 for none)`);
  const { resolveMaxAttempts, RetryQuota } = await import('../http/retry.js');
  const attemptsOrProblem = resolveMaxAttempts(opts.retries, ctx.env);
  if (typeof attemptsOrProblem === 'string') throw new UsageError(attemptsOrProblem);
  const maxAttempts: number = attemptsOrProblem;

  const [{ parseBatchLine }, { signRequest }, { execute }, skewMod, { CredentialCache }, { errorForResult }, { targetUrl }, { isUtf8 }, { createInterface }] = await Promise.all([
    import('../http/batch-input.js'),
    import('../http/sign.js'),
    import('../http/execute.js'),
    import('../http/clock-skew.js'),
    import('../http/run-credentials.js'),
    import('../http/outcome.js'),
    import('../http/target.js'),
    import('node:buffer'),
    import('node:readline'),
  ]);
  const origin = new URL(profile.apiUrl).origin;
  const transport = deps.createTransport
    ? await deps.createTransport(origin, concurrency, timeout * 1000)
    : (await import('../http/undici-transport.js')).createPoolTransport(origin, concurrency, timeout * 1000,
      (await import('../http/network.js')).networkFor(new URL(origin), ctx.env, (line) => ctx.io.debug(line)));
  const creds = new CredentialCache(ctx, deps.getCredentials);
  const quota = new RetryQuota();
  const skew = { offsetMs: await skewMod.loadOffset(ctx.configDir, ctx.profileName) };
  let skewSaved = false;

  let worst: ExitCodeValue = ExitCode.OK;
  const note = (code: number) => {
    if (code > worst && code !== ExitCode.INTERRUPTED) worst = code as ExitCodeValue;
  };

  // Output: completion order, or input order through a reorder buffer. Lines are
  // gathered and written once per turn of the event loop: one write per result
  // line costs a system call each (measured: the largest client-side cost after undici).
  const pending = new Map<number, string>();
  let nextToWrite = 0;
  let outBuf: string[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (outBuf.length === 0) return;
    const text = outBuf.join('');
    outBuf = [];
    ctx.io.out(text);
  };
  const write = (line: string) => {
    outBuf.push(line);
    if (outBuf.length >= 256) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const emit = (index: number, r: Result) => {
    const line = JSON.stringify(r) + '\n';
    if (!opts.ordered) {
      write(line);
      return;
    }
    pending.set(index, line);
    while (pending.has(nextToWrite)) {
      write(pending.get(nextToWrite)!);
      pending.delete(nextToWrite);
      nextToWrite += 1;
    }
  };

  // A progress line only for a person watching stderr.
  let done = 0;
  let failed = 0;
  let read = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!ctx.io.stderrIsTTY || ctx.verbose) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    ctx.io.stderr.write(`\r${done}/${read} done${failed ? `, ${failed} failed` : ''}   `);
  };

  async function one(line: string, lineNo: number): Promise<Result> {
    const parsed = parseBatchLine(line, lineNo, profile.apiUrl);
    if (!parsed.ok) return { id: parsed.id, error: parsed.error, exitCode: ExitCode.USAGE };
    const req = parsed.req;
    let used;
    try {
      used = await creds.for(req.guest || Boolean(opts.guest));
    } catch (err) {
      const code = (err as { exitCode?: number }).exitCode ?? ExitCode.AUTH;
      return { id: req.id, error: (err as Error).message, exitCode: code };
    }
    const tag = `[${String(req.id)}] `;
    try {
      let current = used;
      const result = await execute({
        method: req.method,
        label: () => `${req.method} ${targetUrl(req.target)}${current.guest ? ' (guest)' : ''}`,
        sign: async (now) => {
          const signed = signRequest({
            method: req.method,
            target: req.target,
            headers: req.headers,
            body: req.body,
            apiKey: profile.apiKey,
            region: profile.region,
            credentials: current.credentials,
            now,
          });
          // Signatures are masked by pattern (Signature=…) in traces; registering
          // thousands of them would make every redaction slower.
          return signed;
        },
        transport: (signed) => transport.send(signed, { timeoutMs: timeout * 1000, signal: ctx.signal }),
        clock: ctx.clock,
        signal: ctx.signal,
        maxAttempts,
        skew,
        onSkewCorrected: async (offset) => {
          if (skewSaved) return;
          skewSaved = true;
          await skewMod.saveOffset(ctx.configDir, ctx.profileName, offset, ctx.clock.now()).catch((err: Error) => ctx.io.warn(`could not remember the clock offset: ${err.message}`));
        },
        refreshCredentials: async () => {
          const ok = await creds.forceRefresh(current);
          if (ok) current = await creds.for(current.guest && !current.guestFallback);
          return ok;
        },
        quota,
        trace: ctx.verbose ? (l) => ctx.io.debug(tag + l) : undefined,
        random: deps.random,
      });
      const res = result.response;
      const err = errorForResult(result, current.guestFallback, current.notLoggedIn);
      if (err) note(err.exitCode);
      const out: Result = { id: req.id, status: res.status, attempts: result.attempts, ms: result.ms };
      if (opts.include) out.headers = res.headers as Record<string, string | string[]>;
      if (isUtf8(res.body)) out.body = res.body.toString('utf8');
      else out.bodyBase64 = res.body.toString('base64');
      return out;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const code = (err as { exitCode?: number }).exitCode ?? ExitCode.UNEXPECTED;
      return { id: req.id, error: (err as Error).message, exitCode: code };
    }
  }

  // Bounded concurrency: the reader waits for a free slot before taking the next
  // line. A counter and one waiting resolver (not Promise.race over the requests in
  // flight, which would pile a reaction onto every pending request per line).
  let active = 0;
  let wake: (() => void) | undefined;
  let failure: { err: unknown } | undefined;
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));
  // A person typing requests at a terminal would otherwise face a silent wait.
  if (ctx.io.stdinIsTTY && ctx.io.stderrIsTTY) ctx.io.info('authapi: reading NDJSON requests from the terminal, one per line; end with Ctrl-D');
  const rl = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let index = 0;
  try {
    for await (const line of rl) {
      lineNo += 1;
      if (line.trim() === '') continue;
      const myIndex = index++;
      read += 1;
      active += 1;
      one(line, lineNo).then(
        (r) => {
          if ('error' in r) {
            note(r.exitCode);
            failed += 1;
          }
          done += 1;
          emit(myIndex, r);
          draw();
        },
        (err: unknown) => {
          failure ??= { err };
        },
      ).finally(() => {
        active -= 1;
        const w = wake;
        wake = undefined;
        w?.();
      });
      while (active >= concurrency && !failure) await slotFreed();
      if (failure || ctx.signal.aborted) break;
    }
    while (active > 0) await slotFreed();
    if (failure) throw failure.err;
  } finally {
    flush();
    rl.close();
    await transport.close().catch(() => {});
    if (ctx.io.stderrIsTTY && !ctx.verbose && read > 0) {
      draw(true);
      ctx.io.stderr.write('\n');
    }
  }
  if (ctx.signal.aborted) throw ctx.signal.reason;
  ctx.io.debug(`batch: ${read} requests, ${failed} not sent, credentials fetched ${creds.fetches} time${creds.fetches === 1 ? '' : 's'}, retry quota left ${quota.available}`);
  if (worst !== ExitCode.OK) throw new SilentExit(worst);
}
