// `authapi local`: run the embedded emulator of infra/template.yaml (Cognito User
// Pool + Identity Pool + STS + API Gateway) on 127.0.0.1, seed the demo user, and
// point the `local` profile at it. Runs until Ctrl-C / SIGTERM, then stops cleanly.
// The emulator is loaded only here, lazily (the build maps the import to dist/local.cjs).
import { join } from 'node:path';
import type { Command } from 'commander';
import { dataDir } from '../config/paths.js';
import { validateProfile, type Profile } from '../config/profile.js';
import { apisFrom } from '../config/apis.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { liveClaim, releaseClaim, writeClaim } from './local-claim.js';
import { defineCommand } from './spec.js';
import { shellArg } from '../util/shell-arg.js';

export interface LocalOptions {
  port?: string;
  host?: string;
  template?: string;
  stateDir?: string;
  /** false with --no-state */
  state?: boolean;
  user?: string[];
  json?: boolean;
  region?: string;
  parameterOverrides?: string[];
}

interface LocalUser {
  username: string;
  password: string;
}

export const LOCAL_PROFILE = 'local';

export const localCommand = defineCommand<LocalOptions>({
  name: 'local',
  summary: 'run the local emulator of the SAM stack and point the "local" profile at it',
  description:
    'Start an emulator of infra/template.yaml on 127.0.0.1: Cognito User Pool (SRP login), Identity Pool, ' +
    'STS GetCallerIdentity and the API with its IAM auth and usage plan, all built from the template. ' +
    'Seeds demouser unless --user is given, writes the "local" profile (or --profile), prints its endpoints ' +
    '(stderr; --json: one JSON line on stdout) and runs until Ctrl-C. Users, signing keys, identities and ' +
    'credentials persist in the state dir, so a login survives a restart. SMS MFA codes are printed on stderr.',
  exitCodes: [0, 1, 2],
  exitNote: 'It runs until stopped: Ctrl-C or SIGTERM stop it cleanly, exit 0.',
  examples: [
    'authapi local                                      # port chosen by the system, state in ~/.local/share/authapi/local',
    'authapi local --port 4566 --user alice:Secret123   # fixed port, your own user instead of demouser',
    'authapi local --port 0 --json > local.json &       # scripts: read where it listens from one JSON line',
    'authapi local --template ./my-template.yaml --no-state',
    'authapi local --region eu-west-1 --parameter-overrides StageName=dev DailyQuota=50',
  ],
  define(cmd: Command) {
    cmd
      .option('--port <n>', 'port to listen on (0 = any free port)', '0')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--template <file>', 'SAM template to emulate (default: the packaged infra/template.yaml)')
      .option('--state-dir <dir>', 'where users, keys and identities persist (default: $XDG_DATA_HOME/authapi/local)')
      .option('--no-state', 'keep everything in memory (nothing survives a restart)')
      .option('--user <name:password>', 'create this user (repeatable; replaces the demo user)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--region <region>', 'region the stack pretends to be in (ids, ARNs, token issuers; default us-east-1)')
      .option('--parameter-overrides <Name=Value...>', 'template parameter values, as sam local takes them (Name=Value or ParameterKey=Name,ParameterValue=Value)')
      .option('--json', 'print one JSON line with every endpoint, id and route on stdout (secrets stay in the profile)');
  },
  async run(ctx, opts) {
    // Everything is validated before the emulator is loaded or anything is written.
    const port = parsePort(opts.port ?? '0');
    const users = opts.user?.map(parseUser);
    const parameterOverrides = opts.parameterOverrides ? parseParameterOverrides(opts.parameterOverrides) : undefined;
    if (opts.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(opts.region)) {
      throw new UsageError(`--region: ${JSON.stringify(opts.region)} is not a region name`, 'use a region such as us-east-1 or eu-west-1');
    }
    if (opts.state === false && opts.stateDir !== undefined) throw new UsageError('--state-dir and --no-state cannot be combined');
    const stateDir = opts.state === false ? undefined : (opts.stateDir ?? join(dataDir(ctx.env), 'local'));
    const profileName = ctx.profileExplicit ? ctx.profileName : LOCAL_PROFILE;
    // Never turn a profile of a deployed stack (e.g. picked by AUTHAPI_PROFILE) into a local one.
    const existing = (await ctx.readConfig()).profiles[profileName] as Partial<Profile> | undefined;
    if (existing && !isEmulatorProfile(existing)) {
      throw new UsageError(`profile "${profileName}" points at a deployed stack; the emulator will not overwrite it`, `use --profile ${LOCAL_PROFILE} (or another name)`);
    }
    // Never repoint a profile another running emulator serves: its users would be cut off.
    const other = liveClaim(ctx.configDir, profileName);
    if (other) {
      throw new UsageError(`profile "${profileName}" is served by another running \`authapi local\` (pid ${other.pid}, ${other.url})`,
        `stop that one, or give this one its own profile: authapi local --profile local2`);
    }
    if (ctx.signal.aborted) return;

    const local = await import('../local/index.js');
    let stack: Awaited<ReturnType<typeof local.startLocal>>;
    try {
      stack = await local.startLocal({
        port,
        host: opts.host ?? '127.0.0.1',
        ...(opts.template !== undefined ? { templatePath: opts.template } : {}),
        ...(stateDir !== undefined ? { stateDir } : {}),
        ...(users ? { users } : {}),
        ...(opts.region !== undefined ? { region: opts.region } : {}),
        ...(parameterOverrides ? { parameterOverrides } : {}),
        clock: ctx.clock,
        log: (line) => ctx.io.info(`local: ${line}`),
      });
    } catch (err) {
      throw startError(err, port, opts.host ?? '127.0.0.1');
    }

    try {
      const { info } = stack;
      ctx.io.redactor.add(info.apiKey, info.clientSecret, info.admin.secretAccessKey);
      await writeProfile(ctx, profileName, info, stack.stack.userPools[0]?.clients[0]?.oauth?.callbackUrls);
      await writeClaim(ctx.configDir, profileName, stack.url);
      if (opts.json) ctx.io.out(`${JSON.stringify(jsonInfo(info, profileName, ctx.configPath))}\n`);
      ctx.io.info(summary(info, profileName, users, stateDir));
      await untilAborted(ctx.signal);
    } finally {
      await stack.close();
      await releaseClaim(ctx.configDir, profileName);
    }
    ctx.io.info(`authapi local: stopped; profile "${profileName}" points at it until \`authapi local${profileName === LOCAL_PROFILE ? '' : ` --profile ${profileName}`}\` runs again`);
  },
});

/** A profile an emulator wrote: its Cognito endpoint is plain http (AWS's are https). */
function isEmulatorProfile(p: Partial<Profile>): boolean {
  return typeof p.endpoints?.cognitoIdp === 'string' && p.endpoints.cognitoIdp.startsWith('http://');
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`--port: ${JSON.stringify(value)} is not a port number (0–65535; 0 = any free port)`);
  return n;
}

function parseUser(value: string): LocalUser {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new UsageError('--user takes NAME:PASSWORD (e.g. --user alice:Secret123)');
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/**
 * `--parameter-overrides` as sam takes it: words `Name=Value` or
 * `ParameterKey=Name,ParameterValue=Value`, in one argument or several.
 */
export function parseParameterOverrides(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of args.flatMap((a) => a.split(/\s+/)).filter(Boolean)) {
    const long = /^ParameterKey=([^,=]+),ParameterValue=(.*)$/.exec(word);
    const eq = word.indexOf('=');
    const [name, value] = long ? [long[1]!, long[2]!] : eq > 0 ? [word.slice(0, eq), word.slice(eq + 1)] : [undefined, undefined];
    if (name === undefined || value === undefined || !/^[A-Za-z0-9]+$/.test(name)) {
      throw new UsageError(`--parameter-overrides: ${JSON.stringify(word)} is not Name=Value`, 'e.g. --parameter-overrides StageName=dev (or ParameterKey=StageName,ParameterValue=dev)');
    }
    out[name] = value;
  }
  return out;
}

/** Maps start-up failures to errors the user can act on (exit 2), leaving bugs as they are. */
function startError(err: unknown, port: number, host: string): unknown {
  const e = err as NodeJS.ErrnoException & { name?: string };
  // The API listeners take the ports after --port: the error says which one was taken.
  if (e?.code === 'EADDRINUSE') return new UsageError(`${host}:${(e as { port?: number }).port ?? port} is already in use`, 'pick another --port, or --port 0 for any free one', { cause: err });
  if (e?.code === 'EADDRNOTAVAIL' || e?.code === 'EACCES') return new UsageError(`cannot listen on ${host}:${port} (${e.code})`, undefined, { cause: err });
  if (e?.name === 'TemplateError' || e?.name === 'StateDirError') return new UsageError(e.message, undefined, { cause: err });
  // A --user the pool refuses (a password against the template's policy) is bad input too.
  if (e?.name === 'InvalidUserError') return new UsageError(`--user ${e.message}`, undefined, { cause: err });
  return err;
}

/** The profile that points at a running emulator. */
export function profileFromLocalInfo(info: import('../local/index.js').LocalInfo): Profile {
  return {
    region: info.region,
    userPoolId: info.userPoolId,
    userPoolClientId: info.userPoolClientId,
    ...(info.clientSecret ? { clientSecret: info.clientSecret } : {}),
    identityPoolId: info.identityPoolId,
    apiUrl: info.apiUrl,
    apiKey: info.apiKey,
    endpoints: { cognitoIdp: info.endpoints.cognitoIdp, cognitoIdentity: info.endpoints.cognitoIdentity, sts: info.endpoints.sts },
    admin: { accessKeyId: info.admin.accessKeyId, secretAccessKey: info.admin.secretAccessKey },
    // The emulator serves managed login (/oauth2/authorize, /login, …) at its root.
    loginUrl: info.endpoints.cognitoIdp,
    // Every API it serves, with its kind, URL and each route's auth, for `call`.
    apis: apisFrom(info.apis, info.apiUrl),
  };
}

async function writeProfile(ctx: Context, name: string, info: import('../local/index.js').LocalInfo, callbackUrls?: string[]): Promise<void> {
  const data = await ctx.readConfig();
  const existing = (data.profiles[name] ?? {}) as Partial<Profile>;
  const loopback = (callbackUrls ?? []).filter((u) => u.startsWith('http://'));
  const candidate: Partial<Profile> = {
    ...profileFromLocalInfo(info),
    // The loopback redirect URIs the emulated client registers (`login --browser`).
    ...(loopback.length ? { loginCallbackUrls: loopback } : {}),
    // The user's choice of secret store is theirs; keep it.
    ...(existing.store ? { store: existing.store } : {}),
  };
  const { profile, problems } = validateProfile(candidate);
  if (!profile) throw new UsageError(`the emulator's profile is not valid: ${problems.join('; ')}`);
  data.profiles[name] = profile;
  await ctx.writeConfig(data);
}

/**
 * The --json line: endpoints and ids for scripts, but no secret (the API key, a
 * client secret, the admin credentials): those are printed nowhere and kept in the
 * profile, in `configPath`.
 */
function jsonInfo(info: import('../local/index.js').LocalInfo, profile: string, configPath: string): Record<string, unknown> {
  const { apiKey: _apiKey, clientSecret: _clientSecret, admin: _admin, ...rest } = info;
  return { ...rest, profile, configPath };
}

function summary(info: import('../local/index.js').LocalInfo, profile: string, users: LocalUser[] | undefined, stateDir: string | undefined): string {
  // Passwords are never printed, not even the demo user's (it is in the README).
  const who = users ? users.map((u) => u.username).join(', ') : 'demouser (the demo user of the README)';
  const p = profile === 'default' ? '' : ` --profile ${shellArg(profile)}`;
  const first = info.apis[0];
  const label = { rest: 'API         ', http: 'HTTP API    ', 'function-url': 'Function URL' } as const;
  const apiLines = info.apis.flatMap((a) => [
    `  ${label[a.kind]} ${a.url}   (${a.logicalId}${a === first ? ', the profile\'s' : ''})`,
    ...a.routes.map((r) => `      ${r.method.padEnd(7)}${r.path}${routeNeeds(r, a.kind)}`),
  ]);
  const poolLines = info.userPools.map(
    (u) => `  User Pool    ${u.id}   clients ${u.clients.map((c) => `${c.clientId} (${c.name}${c.hasSecret ? ', with a secret' : ''})`).join(', ')}`,
  );
  const firstRoute = first?.routes.find((r) => r.auth === 'AWS_IAM') ?? first?.routes[0];
  const guestRoute = first?.routes.find((r) => r.auth === 'NONE');
  return [
    `authapi local: emulating the stack on ${info.endpoints.cognitoIdp} (region ${info.region}, account ${info.accountId})`,
    ...apiLines,
    ...poolLines,
    ...info.identityPools.map((i) => `  Identity     ${i.id}${i.allowUnauthenticated ? '   (guests allowed)' : ''}`),
    `  JWKS         ${info.endpoints.cognitoIdp}/${info.userPoolId}/.well-known/jwks.json`,
    `  users        ${who}`,
    `  state        ${stateDir ?? 'in memory (nothing survives a restart)'}`,
    `  profile      "${profile}" updated (the first API, pool, client and identity pool; the administrator credentials for Admin* calls, not shown)`,
    '',
    'Try it:',
    `  authapi login${p} -u ${users?.[0]?.username ?? 'demouser'}`,
    ...(firstRoute ? [`  authapi call ${firstRoute.path.replace(/^\//, '')}${p}`] : []),
    ...(guestRoute ? [`  authapi call ${guestRoute.path.replace(/^\//, '')} --guest${p}`] : []),
    'Point the AWS CLI at it (e.g. with credentials from `authapi credentials --format env`):',
    `  aws --endpoint-url ${info.endpoints.sts} --region ${info.region} sts get-caller-identity`,
    'Ctrl-C stops it.',
  ].join('\n');
}

function routeNeeds(r: { auth: string; apiKeyRequired: boolean; scopes?: string[] }, kind = 'rest'): string {
  const needs = [
    r.auth === 'AWS_IAM' && (kind === 'function-url' ? 'SigV4 (IAM, service lambda)' : 'SigV4 (IAM)'),
    r.auth === 'JWT' && 'a token of the pool (JWT authorizer)',
    r.scopes?.length && `scope ${r.scopes.join(' or ')}`,
    r.apiKeyRequired && 'API key',
  ].filter(Boolean);
  return needs.length ? `   needs ${needs.join(' + ')}` : '';
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
