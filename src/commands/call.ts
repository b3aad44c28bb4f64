// `authapi call`: one SigV4-signed request to the profile's API, curl-style.
// The body of the answer goes to stdout byte for byte; everything else (status
// with -i, traces with -v, errors) goes to stderr. This module is on the hot path
// of shell loops: it imports only small modules at load time (see bench/).
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError, type UserError } from '../errors.js';
import { addOptions, defineCommand, type OptionSpec } from './spec.js';
import { sessionCredentials, type GetCredentials } from '../http/credential-source.js';
import { createSigner, sessionSignWithAgent, type SignWithAgent } from '../http/signer.js';
import { sessionToken, type GetToken } from '../http/token-source.js';
import { AUTH_MODES, type AuthMode } from '../config/profile.js';
import type { ResolvedApi } from '../http/route-auth.js';
import { fileSink, stdoutSink, type OutputSink } from '../util/output-sink.js';

export interface CallOptions {
  request?: string;
  header?: string[];
  data?: string;
  query?: string[];
  include?: boolean;
  guest?: boolean;
  timeout?: string;
  retries?: string;
  output?: string;
  dryRun?: boolean;
  unsigned?: boolean;
  /** iam | id-token | access-token | none: overrides the route's auth. */
  auth?: string;
  /** The profile's API to send to (a name of its `apis`). */
  api?: string;
}

export interface CallDeps {
  getCredentials: GetCredentials;
  /** The credentials agent's signing (the default command uses it; tests may leave it out). */
  signWithAgent?: SignWithAgent;
  /** The user pool token for routes with a Cognito/JWT authorizer (default: the session's). */
  getToken?: GetToken;
  /** Randomness of the backoff jitter (tests fix it). */
  random?: () => number;
}

/** call's options, as data: src/commands/call-args.ts reads the same list without commander. */
export const CALL_OPTIONS: readonly OptionSpec[] = [
  { flags: '-X, --request <method>', description: 'HTTP method (default GET, or POST with --data)' },
  { flags: '-H, --header <line>', description: "extra header 'Name: value' (repeatable)", repeatable: true },
  { flags: '-d, --data <data>', description: 'request body: a string, @file, or @- for stdin (binary-safe)' },
  { flags: '--query <k=v>', description: 'query parameter, literal text (repeatable; adds to any ?query in TARGET)', repeatable: true },
  { flags: '-i, --include', description: 'print the status line and response headers to stderr' },
  { flags: '--guest', description: 'use guest (unauthenticated) credentials even when logged in' },
  { flags: '--timeout <seconds>', description: 'give up on an attempt after this many seconds (0 = no timeout)', default: '30' },
  { flags: '--retries <n>', description: 'retries after the first attempt (0 disables; default 2)' },
  { flags: '-o, --output <file>', description: 'write the response body to FILE instead of stdout (- is stdout)' },
  { flags: '--dry-run', description: 'print the request exactly as it would be sent (secrets masked) to stdout and send nothing' },
  { flags: '--auth <mode>', description: "how to authenticate: iam (SigV4), id-token, access-token (user pool tokens in Authorization) or none; default: what the profile records for the route", choices: AUTH_MODES },
  { flags: '--api <name>', description: "the profile's API to call (see `authapi configure --show`); default: the one that declares the route" },
  { flags: '--unsigned', description: 'same as --auth none: no signature and no token (the API key still, for a REST API that takes one); your own Authorization header allowed' },
];

export const callCommand = defineCommand<CallOptions>({
  name: 'call',
  args: '<target>',
  summary: 'send one authenticated request to the API (body to stdout, like curl)',
  description:
    'Send one request to one of the profile\'s APIs, authenticated the way its route wants: SigV4 (service ' +
    'execute-api, or lambda for a function URL), the user\'s ID token (a REST API Cognito authorizer), the access token ' +
    '(raw for a REST authorizer with scopes, "Bearer" for an HTTP API JWT authorizer) or nothing; plus the API key ' +
    'for a REST API that takes one (never to another API). The profile records each API\'s routes and their auth ' +
    '(authapi local and configure write it); --auth overrides, a route the profile does not list gets its API\'s default, ' +
    'and --dry-run or -v say which was chosen and why. ' +
    'TARGET is a route (no-auth, require-auth, me), a path (/items/1?x=2) or a full URL under one of the APIs; --api NAME ' +
    'picks the API when several declare the route. ' +
    'SigV4 signs as yourself when logged in, as a guest with --guest or when nobody is logged in; a token route needs a ' +
    'login (tokens have no guest), and a token the API refuses (401) is refreshed once and sent again.\n\n' +
    'Encoding: in TARGET a %XX escape you typed is kept as is (not encoded twice); every other character ' +
    'that is not A-Z a-z 0-9 - . _ ~ is percent-encoded (so + in a path is a plus). In TARGET\'s query, + ' +
    'means a space (form rules, as API Gateway reads it). --query values are literal text: everything is encoded, % and + included.\n\n' +
    'Headers, as in curl: -H "Name: value" adds a header or replaces one authapi adds (your X-Api-Key is sent, and ' +
    'signed, instead of the profile\'s; Host too); -H "Name:" removes one authapi adds (X-Api-Key: send no key); ' +
    '-H "Name;" sends it empty. Authorization, X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-Sha256 belong to ' +
    'the SigV4 signature and are refused on a SigV4 route, Authorization on a token route too; with --auth none ' +
    '(--unsigned), or on a route without auth such as no-auth, your own are sent; ' +
    'Content-Length, Transfer-Encoding and Connection are always authapi\'s. --dry-run prints exactly what would be sent.\n\n' +
    'Retries: 429 Too Many Requests always, 502/503/504 and network errors for GET/HEAD/OPTIONS/PUT/DELETE; ' +
    'exponential backoff with full jitter (max 20 s), Retry-After honoured; 429 Limit Exceeded (quota) never. ' +
    'Default 2 retries (AUTHAPI_MAX_ATTEMPTS or AWS_MAX_ATTEMPTS set the number of attempts). ' +
    'A "Signature expired" answer caused by a wrong local clock is corrected once from the server\'s Date and remembered per profile.',
  exitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 130],
  examples: [
    'authapi call no-auth',
    'authapi call require-auth -i                       # status line and headers on stderr',
    "authapi call /items -X POST -H 'Content-Type: application/json' -d '{\"name\":\"x\"}'",
    'authapi call /upload -X PUT -d @photo.jpg -H "Content-Type: image/jpeg"',
    'authapi call /search --query "q=caf\u00e9 & cr\u00e8me" --query tag=a --query tag=b',
    'authapi call require-auth --dry-run                # print the signed request (secrets masked), send nothing',
    "authapi call no-auth --unsigned -H 'Authorization: Bearer $TOKEN'   # a route without IAM auth, your own Authorization",
    'authapi call no-auth --guest -o out.json',
    'authapi call require-token                         # REST Cognito authorizer: the ID token in Authorization',
    'authapi call require-scope                         # REST Cognito authorizer with scopes: the access token',
    'authapi call me                                    # HTTP API JWT authorizer: Authorization: Bearer <access token>',
    'authapi call iam --api http                        # HTTP API with AWS_IAM: SigV4 (execute-api)',
    'authapi call --api function-url /                  # Lambda function URL (AWS_IAM): SigV4, service lambda',
    'authapi call /items --auth access-token --dry-run  # override the auth; print what would be sent',
  ],
  define(cmd: Command) {
    addOptions(cmd, CALL_OPTIONS);
  },
  async run(ctx, opts, args) {
    try {
      await runCall(ctx, opts, args[0] ?? '', { getCredentials: sessionCredentials, signWithAgent: sessionSignWithAgent, getToken: sessionToken });
    } catch (err) {
      throw await withLocalHint(ctx, err);
    }
  },
});

interface Prepared {
  method: string;
  headers: Record<string, string>;
  /** The API key, unless `-H 'X-Api-Key:'` removed it (a user's own X-Api-Key is in headers). */
  apiKey?: string;
  body?: Buffer;
  timeoutMs: number;
  maxAttempts: number;
}

function methodOf(opts: CallOptions): string {
  const method = (opts.request ?? (opts.data !== undefined ? 'POST' : 'GET')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X ${JSON.stringify(opts.request)}: not an HTTP method`);
  return method;
}

/** --auth, or --unsigned as its synonym; refused when they disagree. */
function authOverride(opts: CallOptions, parse: (v: string) => AuthMode): { auth?: AuthMode; authSource?: string } {
  const auth = opts.auth === undefined ? undefined : parse(opts.auth);
  if (opts.unsigned && auth !== undefined && auth !== 'none') throw new UsageError(`--unsigned and --auth ${auth} disagree`, '--unsigned is --auth none; give one of them');
  if (auth) return { auth, authSource: '--auth' };
  return opts.unsigned ? { auth: 'none', authSource: '--unsigned' } : {};
}

async function prepare(ctx: Context, opts: CallOptions, method: string, api: ResolvedApi, auth: AuthMode, explicitNone: boolean): Promise<Prepared> {
  const { parseHeaderArgs } = await import('../http/headers.js');
  const { resolveMaxAttempts } = await import('../http/retry.js');
  if (explicitNone && opts.guest) throw new UsageError(`${opts.unsigned ? '--unsigned' : '--auth none'} and --guest cannot be combined`, 'an unsigned request has no identity, guest or not');
  if (opts.guest && (auth === 'id-token' || auth === 'access-token')) {
    throw new UsageError(`--guest: this route takes the user's ${auth === 'id-token' ? 'ID' : 'access'} token, and guests have none`, 'log in (authapi login), or choose SigV4 with --auth iam');
  }
  const { headers, removed } = parseHeaderArgs(opts.header ?? [], auth === 'iam');
  if (auth !== 'iam' && auth !== 'none' && headers['authorization'] !== undefined) {
    throw new UsageError(`-H Authorization refused: this route gets the user's ${auth} in Authorization from authapi`, 'send your own with --auth none');
  }
  // A private API reached through a VPC endpoint's DNS name: API Gateway picks the API by this header (signed too).
  if (api.apiId !== undefined && !removed.has('x-apigw-api-id')) headers['x-apigw-api-id'] ??= api.apiId;
  ctx.io.redactor.add(headers['x-api-key']);
  const { timeoutMs } = await import('../http/timeout.js');
  const timeout = timeoutMs(opts.timeout);
  const maxAttempts = resolveMaxAttempts(opts.retries, ctx.env);
  if (typeof maxAttempts === 'string') throw new UsageError(maxAttempts);
  const body = opts.data === undefined ? undefined : await readBody(ctx, opts.data);
  return { method, headers, apiKey: removed.has('x-api-key') ? undefined : api.apiKey, body, timeoutMs: timeout, maxAttempts };
}

export async function readBody(ctx: Context, data: string): Promise<Buffer> {
  if (data === '@-') {
    if (ctx.io.stdinIsTTY && ctx.io.stderrIsTTY) ctx.io.info('authapi: reading the request body from the terminal; end with Ctrl-D');
    const chunks: Buffer[] = [];
    for await (const c of ctx.io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  if (data.startsWith('@')) {
    const { readFile } = await import('node:fs/promises');
    try {
      return await readFile(data.slice(1));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`--data ${data}: cannot read ${data.slice(1)} (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`);
    }
  }
  return Buffer.from(data, 'utf8');
}

/** Whether the environment asks for a proxy, or a CA bundle for an https:// target (src/http/network.ts reads them). */
function customNetwork(env: NodeJS.ProcessEnv, t: { protocol: string }): boolean {
  return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY || (env.AWS_CA_BUNDLE && t.protocol === 'https:'));
}

/** The proxy and trusted CAs for this target; only loaded when the environment sets any. */
async function networkFor(ctx: Context, t: { protocol: string; hostname: string; port: string }) {
  const network = (await import('../http/network.js')).networkFor(t, ctx.env, (line) => ctx.io.debug(line));
  if (network.proxy?.secret) ctx.io.redactor.add(network.proxy.secret, network.proxy.authorization);
  return network;
}

/** Answers the retry rules read (throttling, gateway errors, expired or skewed signatures): never streamed. */
const KEPT_FOR_RETRY = new Set([403, 429, 502, 503, 504]);

/** The -o file as a sink; a failure to write it is the user's (exit 2), said once. */
function outputFileSink(path: string): OutputSink {
  const file = fileSink(path);
  return {
    async write(chunk) {
      try {
        await file.write(chunk);
      } catch (err) {
        throw new UsageError(`-o ${path}: cannot write the response (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'choose a writable path');
      }
    },
    commit: () => file.commit(),
    abort: () => file.abort(),
    get lastByte() {
      return file.lastByte;
    },
  };
}

export async function runCall(ctx: Context, opts: CallOptions, target: string, deps: CallDeps): Promise<void> {
  // Everything that can be wrong with the input is rejected before any side effect.
  const profile = await ctx.profile();
  const [{ resolveTarget, parseQueryOption, targetUrl }, routeAuth] = await Promise.all([import('../http/target.js'), import('../http/route-auth.js')]);
  const method = methodOf(opts);
  const override = authOverride(opts, routeAuth.parseAuthMode);
  const choice = routeAuth.chooseRoute(profile, target, method, { api: opts.api, ...override });
  const { api, auth } = choice;
  const t = resolveTarget(api.url, target, (opts.query ?? []).map(parseQueryOption));
  const p = await prepare(ctx, opts, method, api, auth, override.auth === 'none');
  if (opts.output !== undefined && opts.output !== '-') checkOutputDir(opts.output);
  const explained = `auth: ${routeAuth.authLabel(api.type, auth)}, ${choice.why}`;
  if (opts.dryRun) ctx.io.info(explained);
  else ctx.io.debug(explained);
  if (opts.guest && auth === 'none' && override.auth === undefined) ctx.io.debug('--guest: this route takes no identity; sent unsigned');

  const [{ send, preconnect }, { execute }, skewMod, { describeRequest }] = await Promise.all([
    import('../http/client.js'),
    import('../http/execute.js'),
    import('../http/clock-skew.js'),
    import('../http/headers.js'),
  ]);
  const signer = auth === 'iam' ? createSigner(ctx, deps, Boolean(opts.guest)) : undefined;
  const service = api.type === 'function-url' ? 'lambda' : undefined;
  const tokenKind = routeAuth.tokenKindOf(auth);
  // The same token cache as batch's lines share: fetched once, refreshed once after a 401.
  const tokens = tokenKind ? new (await import('../http/run-tokens.js')).TokenCache(ctx, deps.getToken ?? sessionToken) : undefined;
  let token: string | undefined;
  const skew = { offsetMs: await skewMod.loadOffset(ctx.configDir, ctx.profileName) };
  if (skew.offsetMs) ctx.io.debug(`using the remembered clock offset of ${Math.round(skew.offsetMs / 1000)} s for profile "${ctx.profileName}"`);

  const sign = async (now: number) => {
    const request = { method: p.method, target: t, headers: p.headers, body: p.body, apiKey: p.apiKey, region: profile.region, ...(service ? { service } : {}) };
    let signed;
    if (signer) signed = await signer.sign({ ...request, now });
    else {
      const { unsignedRequest } = await import('../http/wire-request.js');
      if (tokenKind) {
        token ??= await tokens!.for(tokenKind);
        signed = unsignedRequest({ ...request, headers: { ...p.headers, authorization: routeAuth.tokenHeader(api.type, token) } });
      } else signed = unsignedRequest(request);
    }
    // With --dry-run the request is printed once, on stdout.
    if (ctx.verbose && !opts.dryRun) for (const line of describeRequest(signed).trimEnd().split('\n')) ctx.io.debug(`  ${line}`);
    return signed;
  };

  if (opts.dryRun) {
    ctx.io.out(describeRequest(await sign(ctx.clock.now() + skew.offsetMs)));
    return;
  }

  const { errorForResult, tokenRefusal } = await import('../http/outcome.js');
  /** The API refused the token: a fresh one (refresh token), once. */
  const refreshToken = async () => {
    if (!(await tokens!.forceRefresh(tokenKind!, token!))) {
      if (tokens!.refreshFailure) ctx.io.debug(`refreshing the token failed: ${tokens!.refreshFailure.message}`);
      return false;
    }
    token = await tokens!.for(tokenKind!);
    return true;
  };
  const url = targetUrl(t);
  // The usual case (no proxy, no CA bundle) takes no extra step before the preconnect.
  const { proxy, ca } = customNetwork(ctx.env, t) ? await networkFor(ctx, t) : ({} as Awaited<ReturnType<typeof networkFor>>);
  // Connect while the request is signed: the handshake overlaps the agent round trip
  // (or the keychain). The first attempt takes the connection if it is still fit.
  // Through a proxy each attempt opens its own (a CONNECT tunnel costs what it costs).
  const early = proxy ? undefined : preconnect(t, undefined, ca);
  // A large body is streamed to stdout or the -o file, never held whole; an answer the
  // retry rules read (403, 429, 502–504) stays in memory (API Gateway's are small).
  let sink: OutputSink | undefined;
  const streamBody = (head: { status: number }) => {
    if (KEPT_FOR_RETRY.has(head.status)) return undefined;
    return (sink ??= opts.output !== undefined && opts.output !== '-' ? outputFileSink(opts.output) : stdoutSink(ctx.io.stdout));
  };
  const result = await execute({
    method: p.method,
    label: () => `${p.method} ${url}${tokenKind ? ` (${auth})` : !signer ? ' (unsigned)' : signer.guest ? ' (guest)' : ''}`,
    sign,
    transport: (req) => send(req, { timeoutMs: p.timeoutMs, signal: ctx.signal, socket: early?.take(req), proxy, ca, streamBody }),
    clock: ctx.clock,
    signal: ctx.signal,
    maxAttempts: p.maxAttempts,
    skew,
    onSkewCorrected: async (offset) => {
      try {
        await skewMod.saveOffset(ctx.configDir, ctx.profileName, offset, ctx.clock.now());
      } catch (err) {
        ctx.io.warn(`could not remember the clock offset: ${(err as Error).message}`);
      }
    },
    // Credentials refused (revoked, expired, a recreated stack): drop them, fetch fresh ones once.
    refreshCredentials: signer ? () => signer.refresh() : tokenKind ? refreshToken : undefined,
    // A token route's refusal is a 401 (the token is missing, expired or not accepted).
    ...(tokenKind ? { refusal: tokenRefusal } : {}),
    trace: ctx.verbose ? (line) => ctx.io.debug(line) : undefined,
    random: deps.random,
  }).catch(async (err: unknown) => {
    await sink?.abort();
    throw err;
  }).finally(() => early?.close());
  const res = result.response;
  ctx.io.debug(`${res.status} ${res.statusText} after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}, ${result.ms} ms`);

  if (opts.include) {
    const lines = [`HTTP/1.1 ${res.status} ${res.statusText}`];
    for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    ctx.io.stderr.write(ctx.io.redactor.redact(lines.join('\n')) + '\n\n');
  }
  // `-o -` is stdout, as in curl.
  const toFile = opts.output !== undefined && opts.output !== '-';
  if (res.streamed !== undefined && sink) {
    try {
      await sink.commit();
    } catch (err) {
      throw outputError(opts.output ?? '-', err as NodeJS.ErrnoException, res.status);
    }
    if (!toFile && ctx.io.stdoutIsTTY && sink.lastByte !== 0x0a) ctx.io.out('\n');
  } else if (toFile) {
    const { writeOutputFile } = await import('../util/output-file.js');
    try {
      await writeOutputFile(opts.output!, res.body);
    } catch (err) {
      throw outputError(opts.output!, err as NodeJS.ErrnoException, res.status);
    }
  } else if (res.body.length > 0) {
    ctx.io.out(res.body);
    // A person at a terminal gets a clean prompt; pipes get the exact bytes.
    if (ctx.io.stdoutIsTTY && res.body[res.body.length - 1] !== 0x0a) ctx.io.out('\n');
  }
  const err: UserError | undefined = errorForResult(result, signer?.guestFallback ?? false, signer?.notLoggedIn, {
    profileName: ctx.profileName,
    refreshFailure: signer?.refreshFailure ?? tokens?.refreshFailure,
    ...(tokenKind ? { token: auth as 'id-token' | 'access-token' } : {}),
    sentNoSignature: !signer,
    httpApi: api.type === 'http',
  });
  if (err) throw err;
}

/**
 * `-o FILE` into a directory that is not there is refused before anything is sent
 * (a POST must not happen only for its answer to be lost).
 */
function checkOutputDir(file: string): void {
  const { dirname, resolve } = process.getBuiltinModule('node:path') as typeof import('node:path');
  const { statSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  const dir = dirname(resolve(file));
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`-o ${file}: the directory ${dir} does not exist`, 'create it first (nothing was sent)');
  if (!st.isDirectory()) throw new UsageError(`-o ${file}: ${dir} is not a directory`, 'choose another path (nothing was sent)');
}

/** Why `-o FILE` could not be written once the answer was there. */
function outputError(file: string, err: NodeJS.ErrnoException, status: number): UsageError {
  const hint = `the API answered ${status}; choose a writable path`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return new UsageError(`-o ${file}: permission denied`, hint);
  if (err.code === 'EISDIR') return new UsageError(`-o ${file}: is a directory`, hint);
  return new UsageError(`-o ${file}: cannot write the response (${err.code ?? err.message})`, hint);
}

/**
 * A connection refused by a profile that `authapi local` wrote (its endpoints are
 * http://127.0.0.1…): most likely the emulator is not running, so say that.
 */
async function withLocalHint(ctx: Context, err: unknown): Promise<unknown> {
  const e = err as UserError & { code?: string; cause?: { code?: string } };
  if (!(err instanceof Error) || e.exitCode !== 6) return err;
  const refused = e.code === 'ECONNREFUSED' || e.cause?.code === 'ECONNREFUSED' || /ECONNREFUSED|connection refused/.test(e.message);
  if (!refused) return err;
  const profile = (await ctx.readConfig().catch(() => undefined))?.profiles[ctx.profileName] as { endpoints?: { cognitoIdp?: string } } | undefined;
  const idp = profile?.endpoints?.cognitoIdp;
  if (!idp || !/^http:\/\/(127\.|localhost|\[::1\])/.test(idp)) return err;
  // The emulator serves every endpoint on one port: a refusal from another address is
  // a different problem (a profile edited by hand), not a stopped emulator.
  if (!e.message.includes(new URL(idp).host)) return err;
  const { NetworkError } = await import('../errors.js');
  return new NetworkError(e.message, `is \`authapi local\` running? This profile points at the local stack (${new URL(idp).host})`, { cause: err });
}
