// `authapi batch`: NDJSON requests on stdin, NDJSON results on stdout, over
// kept-alive connections (undici Pool) with bounded concurrency. One credential
// fetch per run, refreshed when it nears expiry; one shared retry quota; one output
// line for every input line, whatever happens to it. The parts: batchSettings (the
// options, checked first), src/batch/pump.ts (reading with bounded concurrency),
// src/batch/send-line.ts (one line: credentials, signing, retries, its result),
// src/batch/output.ts (writing results, reordered with --ordered), src/batch/pace.ts
// (--rate), src/batch/progress.ts (the status line or the summary), and here the
// exit code.
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { ExitCode, SilentExit, UsageError, type ExitCodeValue } from '../errors.js';
import { defineCommand } from './spec.js';
import { sessionCredentials, type GetCredentials } from '../http/credential-source.js';
import type { RunShared } from '../batch/send-line.js';
import { sessionToken, type GetToken } from '../http/token-source.js';
import type { PoolTransport } from '../http/undici-transport.js';

export interface BatchOptions {
  concurrency?: string;
  ordered?: boolean;
  include?: boolean;
  guest?: boolean;
  timeout?: string;
  retries?: string;
  rate?: string;
}

export interface BatchDeps {
  getCredentials: GetCredentials;
  /** User pool tokens for lines whose route takes one (default: the session's). */
  getToken?: GetToken;
  random?: () => number;
  /** Transport factory (tests may count connections); default: undici Pool. */
  createTransport?: (origin: string, connections: number, timeoutMs: number) => Promise<import('../http/undici-transport.js').PoolTransport>;
}

const EXIT_HELP =
  'Exit status: 0 when every line got a 2xx answer; otherwise the highest code among the lines: ' +
  '2 a bad input line, 3 not logged in (or guests refused), 4 an HTTP 4xx, 5 an HTTP 5xx, ' +
  '6 a network error or timeout, 7 throttled or over quota after retries.';

export const batchCommand = defineCommand<BatchOptions>({
  name: 'batch',
  summary: 'send many authenticated requests: NDJSON on stdin, NDJSON results on stdout',
  description:
    'Read one JSON request per line on stdin and write one JSON result per line on stdout, ' +
    'exactly one result for every non-blank input line.\n\n' +
    'Input fields: "path" or "target" (as for `authapi call`), and optionally "id", "method", ' +
    '"headers" ({"Name": "value"}), "query" ({"k": "v" or ["v1", "v2"]}, literal text), "body" (a string, ' +
    'or any JSON value sent as application/json) or "bodyBase64", "guest": true, "auth" ("iam", "id-token", ' +
    '"access-token" or "none", as `call --auth`) and "api" (as `call --api`). Each line goes to the API that declares ' +
    'its route and is authenticated the way that route wants, as with `authapi call`; lines may target different APIs.\n\n' +
    'Result fields: "id" (the input id, or the line number), "status", "statusText" and "headers" (with --include), ' +
    '"body" (or "bodyBase64" when the body is not UTF-8), "attempts", "ms"; or "id", "error" and ' +
    '"exitCode" when the line could not be sent (bad line, network, not logged in).\n\n' +
    'Results come in completion order; --ordered keeps input order. Blank lines are skipped. ' +
    'Encoding and retries follow `authapi call`, with one retry quota for the whole run; credentials ' +
    'and tokens are fetched once and refreshed when they near expiry (a token the API refuses, once for all lines).\n\n' +
    'Usage plans: --rate N starts at most N requests per second (N/m: per minute), evenly spaced, so a run stays ' +
    'inside the API key\'s rate instead of meeting 429s. At a terminal a status line on stderr shows done/read, the ' +
    'count of each outcome (2xx, 4xx, 5xx, throttled, network, not sent) and the rate; otherwise one summary line ' +
    'at the end when a line did not get a 2xx.\n\n' +
    EXIT_HELP,
  exitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 130],
  examples: [
    'authapi batch --concurrency 16 --ordered < requests.ndjson > results.ndjson',
    `printf '%s\\n' '{"path":"no-auth"}' '{"id":"me","path":"require-auth"}' | authapi batch`,
    `printf '%s\\n' '{"path":"require-token"}' '{"path":"me"}' '{"path":"/items","auth":"access-token","api":"http"}' | authapi batch`,
    `jq -c '{id: .sku, path: "/items/\\(.sku)"}' skus.json | authapi batch | jq -c 'select(.status != 200)'`,
    'authapi batch --rate 10 < requests.ndjson > results.ndjson       # the default usage plan: 10 requests/s',
  ],
  define(cmd: Command) {
    cmd
      .option('--concurrency <n>', 'requests in flight at once (kept-alive connections)', '8')
      .option('--ordered', 'write results in input order (default: as they complete)')
      .option('-i, --include', 'add the status text and response headers to each result (as call -i shows them)')
      .option('--guest', 'use guest credentials for every line')
      .option('--timeout <seconds>', 'give up on an attempt after this many seconds (0 = no timeout)', '30')
      .option('--retries <n>', 'retries per request (0 disables; default 2)')
      .option('--rate <n>', "start at most N requests per second (N/m: per minute), to stay inside the API key's usage plan");
  },
  run(ctx, opts) {
    return runBatch(ctx, opts, { getCredentials: sessionCredentials });
  },
});

/** The run's settings from its options, every one validated before anything is read or sent. */
export interface BatchSettings {
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  /** Requests started per second at most (--rate), or undefined for as fast as allowed. */
  perSecond?: number;
}

export async function batchSettings(opts: BatchOptions, env: NodeJS.ProcessEnv): Promise<BatchSettings> {
  const concurrency = Number(opts.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--concurrency ${JSON.stringify(opts.concurrency)}: expected a whole number from 1 to 256`);
  const { timeoutMs } = await import('../http/timeout.js');
  const { resolveMaxAttempts } = await import('../http/retry.js');
  const maxAttempts = resolveMaxAttempts(opts.retries, env);
  if (typeof maxAttempts === 'string') throw new UsageError(maxAttempts);
  const perSecond = opts.rate === undefined ? undefined : (await import('../batch/pace.js')).parseRate(opts.rate);
  return { concurrency, timeoutMs: timeoutMs(opts.timeout), maxAttempts, perSecond };
}

/** The highest exit code among the lines (an interrupt is not a line's outcome). */
function worstOf() {
  let worst: ExitCodeValue = ExitCode.OK;
  return {
    note(code: number) {
      if (code > worst && code !== ExitCode.INTERRUPTED) worst = code as ExitCodeValue;
    },
    get worst() {
      return worst;
    },
  };
}

export async function runBatch(ctx: Context, opts: BatchOptions, deps: BatchDeps): Promise<void> {
  const profile = await ctx.profile();
  const settings = await batchSettings(opts, ctx.env);
  const [{ RetryQuota }, skewMod, { CredentialCache }, { TokenCache }, { sendLine }, { resultWriter }, { pumpLines }, { batchProgress }, { pacer }, { createInterface }] = await Promise.all([
    import('../http/retry.js'),
    import('../http/clock-skew.js'),
    import('../http/run-credentials.js'),
    import('../http/run-tokens.js'),
    import('../batch/send-line.js'),
    import('../batch/output.js'),
    import('../batch/pump.js'),
    import('../batch/progress.js'),
    import('../batch/pace.js'),
    import('node:readline'),
  ]);
  // One kept-alive pool per origin: lines may go to different APIs of the profile.
  const pools = new Map<string, Promise<PoolTransport>>();
  const poolFor = (origin: string): Promise<PoolTransport> => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = deps.createTransport
        ? deps.createTransport(origin, settings.concurrency, settings.timeoutMs)
        : Promise.all([import('../http/undici-transport.js'), import('../http/network.js')]).then(([u, n]) =>
          u.createPoolTransport(origin, settings.concurrency, settings.timeoutMs, n.networkFor(new URL(origin), ctx.env, (line) => ctx.io.debug(line))));
      pools.set(origin, pool);
    }
    return pool;
  };
  await poolFor(new URL(profile.apiUrl).origin);
  const transport: PoolTransport = {
    send: async (req, o) => (await poolFor(`${req.protocol}//${req.port ? `${req.hostname}:${req.port}` : req.hostname}`)).send(req, o),
    close: async () => {
      await Promise.all([...pools.values()].map(async (p) => (await p).close()));
    },
  };
  const creds = new CredentialCache(ctx, deps.getCredentials);
  const tokens = new TokenCache(ctx, deps.getToken ?? sessionToken);
  const quota = new RetryQuota();
  let skewSaved = false;
  const run: RunShared = {
    ctx,
    profile,
    transport,
    creds,
    tokens,
    quota,
    skew: { offsetMs: await skewMod.loadOffset(ctx.configDir, ctx.profileName) },
    onSkewCorrected: async (offset) => {
      if (skewSaved) return;
      skewSaved = true;
      await skewMod.saveOffset(ctx.configDir, ctx.profileName, offset, ctx.clock.now()).catch((err: Error) => ctx.io.warn(`could not remember the clock offset: ${err.message}`));
    },
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    guest: Boolean(opts.guest),
    include: Boolean(opts.include),
    random: deps.random,
  };
  const progress = batchProgress(ctx.io, ctx.clock, { quiet: ctx.verbose });
  const output = resultWriter((text) => progress.aroundOutput(() => ctx.io.out(text)), Boolean(opts.ordered));
  const pace = settings.perSecond === undefined ? undefined : pacer(settings.perSecond, ctx.clock);
  const exit = worstOf();

  // A person typing requests at a terminal would otherwise face a silent wait.
  if (ctx.io.stdinIsTTY && ctx.io.stderrIsTTY) ctx.io.info('authapi: reading NDJSON requests from the terminal, one per line; end with Ctrl-D');
  const rl = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
  try {
    const paced = pace && (() => pace.next(ctx.signal));
    await pumpLines(rl, { concurrency: settings.concurrency, signal: ctx.signal, pace: paced }, async (line, lineNo, index) => {
      progress.taken();
      const { result, exitCode } = await sendLine(run, line, lineNo);
      exit.note(exitCode);
      progress.settled(exitCode);
      output.emit(index, JSON.stringify(result) + '\n');
    });
  } finally {
    output.flush();
    rl.close();
    await transport.close().catch(() => {});
    progress.end();
  }
  if (ctx.signal.aborted) throw ctx.signal.reason;
  ctx.io.debug(`batch: ${progress.read} requests, ${progress.notSent} not sent, credentials fetched ${creds.fetches} time${creds.fetches === 1 ? '' : 's'}, retry quota left ${quota.available}`);
  if (exit.worst !== ExitCode.OK) throw new SilentExit(exit.worst);
}
