// `authapi configure`: write a profile from flags, stack outputs or a wizard.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { FLAG_FOR, REQUIRED_KEYS, checkValue, validateProfile, type Profile, type RequiredKey } from '../config/profile.js';
import { bareApi, parseOutputs, profileFromOutputs } from '../config/outputs.js';
import type { ApiConfig } from '../config/profile.js';
import { redactedProfile } from '../config/display.js';
import { defineCommand } from './spec.js';

export interface ConfigureOptions {
  region?: string;
  userPoolId?: string;
  clientId?: string;
  clientSecret?: string;
  identityPoolId?: string;
  apiUrl?: string;
  apiKey?: string;
  apiId?: string;
  httpApiUrl?: string;
  functionUrl?: string;
  cognitoIdpEndpoint?: string;
  cognitoIdentityEndpoint?: string;
  stsEndpoint?: string;
  store?: 'keychain' | 'file';
  fromOutputs?: string;
  fromStack?: string;
  show?: boolean;
  list?: boolean;
}

export const configureCommand = defineCommand<ConfigureOptions>({
  name: 'configure',
  summary: 'create or update a profile (flags, stack outputs, or an interactive wizard)',
  description:
    'Create or update a profile. Values come from flags, from stack outputs (--from-outputs), ' +
    'or, when a person is at the terminal and values are missing, from a short wizard. ' +
    'Existing values are kept unless given again. The file is written atomically with mode 0600.',
  exitCodes: [0, 1, 2, 3, 6, 130],
  examples: [
    'authapi configure                                         # wizard (at a terminal)',
    'sam list stack-outputs --stack-name authapi --output json > outputs.json',
    'authapi configure --from-outputs outputs.json --api-key "$KEY"',
    'aws cloudformation describe-stacks --stack-name authapi | authapi configure --from-outputs - --api-key "$KEY"',
    'authapi configure --from-stack authapi --region eu-west-1   # outputs and API key, with your AWS credentials',
    'authapi configure --profile prod --region eu-west-1 --user-pool-id eu-west-1_AbC123 --client-id 1abc... \\\n      --identity-pool-id eu-west-1:1a2b... --api-url https://abc123.execute-api.eu-west-1.amazonaws.com/prod --api-key KEY',
    'authapi configure --api-url https://vpce-0abc-xyz.execute-api.eu-west-1.vpce.amazonaws.com/prod --api-id a1b2c3d4e5   # a private API',
    'authapi configure --http-api-url https://abc123.execute-api.eu-west-1.amazonaws.com --function-url https://xyz.lambda-url.eu-west-1.on.aws/',
    'authapi configure --show --profile prod                   # print it, secrets masked',
  ],
  define(cmd: Command) {
    cmd
      .option('--region <region>', 'AWS region of the API (e.g. us-east-1)')
      .option('--user-pool-id <id>', 'Cognito User Pool id (e.g. us-east-1_AbC123)')
      .option('--client-id <id>', 'User Pool app client id')
      .option('--client-secret <secret>', 'app client secret, only if the client has one')
      .option('--identity-pool-id <id>', 'Cognito Identity Pool id (e.g. us-east-1:1a2b…)')
      .option('--api-url <url>', 'the API stage base URL')
      .option('--api-key <key>', 'the API key value (sent as x-api-key)')
      .option('--api-id <id>', 'the REST API\'s id when --api-url is a VPC endpoint or other host of a private API (sent as x-apigw-api-id)')
      .option('--http-api-url <url>', 'the HTTP API\'s base URL (the api "http"; its routes\' auth from the template)')
      .option('--function-url <url>', 'the Lambda function URL (the api "function-url", called with SigV4, service lambda)')
      .option('--cognito-idp-endpoint <url>', 'override the User Pool endpoint (local stacks)')
      .option('--cognito-identity-endpoint <url>', 'override the Identity Pool endpoint (local stacks)')
      .option('--sts-endpoint <url>', 'override the STS endpoint (local stacks)')
      .addOption(new Option('--store <backend>', 'where secrets live: the OS keychain, or a 0600 file you allow').choices(['keychain', 'file']))
      .option('--from-outputs <file>', 'read stack outputs JSON (sam list stack-outputs / aws cloudformation describe-stacks; - for stdin)')
      .option('--from-stack <name>', "read a deployed stack's outputs and API key value with your AWS credentials (as the AWS CLI finds them); --region is the stack's")
      .option('--show', 'print the profile (secrets masked) and change nothing')
      .option('--list', 'list the profile names and change nothing');
  },
  async run(ctx, opts) {
    if (opts.show && opts.list) throw new UsageError('--show and --list cannot be combined');
    if (opts.show) return show(ctx);
    if (opts.list) return list(ctx);

    // Validate everything given before any side effect.
    const fromFlags = flagsToProfile(opts);
    const apiFlags = apiFlagsOf(opts);
    for (const [key, value] of Object.entries(fromFlags)) {
      if (key === 'endpoints' || key === 'store' || key === 'apiId') continue;
      const problem = checkValue(key as RequiredKey, value);
      if (problem) throw new UsageError(`${FLAG_FOR[key as RequiredKey]}: ${problem}`);
    }
    let fromOutputs: Partial<Profile> = {};
    if (opts.fromStack !== undefined && opts.fromOutputs !== undefined) throw new UsageError('--from-stack and --from-outputs cannot be combined');
    if (opts.fromStack !== undefined) {
      const { profileFromStack } = await import('./configure-from-stack.js');
      fromOutputs = await profileFromStack(ctx, opts.fromStack, opts.region);
    }
    if (opts.fromOutputs !== undefined) {
      const source = opts.fromOutputs === '-' ? 'stdin' : opts.fromOutputs;
      fromOutputs = profileFromOutputs(parseOutputs(await readSource(ctx, opts.fromOutputs), source), source);
    }

    const data = await ctx.readConfig();
    const existing = (data.profiles[ctx.profileName] ?? {}) as Partial<Profile>;
    let merged: Partial<Profile> = {
      ...existing,
      ...fromOutputs,
      ...fromFlags,
      endpoints: { ...existing.endpoints, ...fromFlags.endpoints },
    };
    if (merged.endpoints && Object.keys(merged.endpoints).length === 0) delete merged.endpoints;
    // The APIs the outputs or flags name get their routes' auth from the template.
    const named = { ...fromOutputs.apis, ...apiFlags };
    if (Object.keys(named).length) merged.apis = { ...existing.apis, ...(await withRoutes(ctx, named)) };

    const missing = REQUIRED_KEYS.filter((k) => checkValue(k, merged[k]) !== undefined);
    const givenNothing = opts.fromOutputs === undefined && opts.fromStack === undefined && Object.keys(fromFlags).length === 0;
    if (ctx.io.canPrompt() && (missing.length > 0 || givenNothing)) {
      const { promptProfile } = await import('../config/wizard.js');
      merged = await promptProfile(ctx, merged);
    } else if (missing.length > 0) {
      const problems = missing.map((k) => `${FLAG_FOR[k]} (${checkValue(k, merged[k])})`);
      throw new UsageError(
        `profile "${ctx.profileName}" is incomplete: missing or invalid ${problems.join(', ')}`,
        'pass those flags (no prompts without a terminal)',
      );
    }

    const { profile, problems } = validateProfile(merged);
    if (!profile) throw new UsageError(`profile "${ctx.profileName}": ${problems.join('; ')}`);
    data.profiles[ctx.profileName] = profile;
    await ctx.writeConfig(data);
    ctx.io.info(`Saved profile "${ctx.profileName}" to ${ctx.configPath}`);
  },
});

function flagsToProfile(opts: ConfigureOptions): Partial<Profile> {
  const p: Partial<Profile> = {};
  if (opts.region !== undefined) p.region = opts.region;
  if (opts.userPoolId !== undefined) p.userPoolId = opts.userPoolId;
  if (opts.clientId !== undefined) p.userPoolClientId = opts.clientId;
  if (opts.clientSecret !== undefined) p.clientSecret = opts.clientSecret;
  if (opts.identityPoolId !== undefined) p.identityPoolId = opts.identityPoolId;
  if (opts.apiUrl !== undefined) p.apiUrl = opts.apiUrl.replace(/\/+$/, '');
  if (opts.apiKey !== undefined) p.apiKey = opts.apiKey;
  if (opts.apiId !== undefined) {
    if (!/^[a-z0-9]{1,64}$/.test(opts.apiId)) throw new UsageError(`--api-id ${JSON.stringify(opts.apiId)} is not an API id`, 'it is the first label of the API\'s execute-api host, e.g. a1b2c3d4e5');
    p.apiId = opts.apiId;
  }
  if (opts.store !== undefined) p.store = opts.store;
  const endpoints: NonNullable<Profile['endpoints']> = {};
  if (opts.cognitoIdpEndpoint !== undefined) endpoints.cognitoIdp = opts.cognitoIdpEndpoint;
  if (opts.cognitoIdentityEndpoint !== undefined) endpoints.cognitoIdentity = opts.cognitoIdentityEndpoint;
  if (opts.stsEndpoint !== undefined) endpoints.sts = opts.stsEndpoint;
  if (Object.keys(endpoints).length) p.endpoints = endpoints;
  return p;
}

/** --http-api-url / --function-url as `apis` entries (their routes come later, from the template). */
function apiFlagsOf(opts: ConfigureOptions): Record<string, ApiConfig> {
  const out: Record<string, ApiConfig> = {};
  for (const [flag, value, name, type] of [
    ['--http-api-url', opts.httpApiUrl, 'http', 'http'],
    ['--function-url', opts.functionUrl, 'function-url', 'function-url'],
  ] as const) {
    if (value === undefined) continue;
    let ok = false;
    try {
      const u = new URL(value);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`${flag} ${JSON.stringify(value)} is not an http(s) base URL`, 'e.g. https://abc123.execute-api.us-east-1.amazonaws.com');
    out[name] = bareApi(type, value);
  }
  return out;
}

/** The entries with their routes from the package template; as they are when it cannot be read. */
async function withRoutes(ctx: Context, apis: Record<string, ApiConfig>): Promise<Record<string, ApiConfig>> {
  const { templateApis, withTemplateRoutes } = await import('../config/template-apis.js');
  try {
    return withTemplateRoutes(apis, await templateApis());
  } catch (err) {
    ctx.io.warn(`could not read the routes of the package template (${(err as Error).message}); each API gets its default auth (override with call --auth)`);
    return apis;
  }
}

async function readSource(ctx: Context, file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.io.stdin) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

async function show(ctx: Context): Promise<void> {
  const data = await ctx.readConfig();
  const raw = data.profiles[ctx.profileName];
  if (raw === undefined) {
    // getProfile words the error and the hint.
    await ctx.profile();
    return;
  }
  const { problems } = validateProfile(raw);
  const out = {
    profile: ctx.profileName,
    configPath: ctx.configPath,
    settings: redactedProfile(raw as Partial<Profile>),
    ...(problems.length ? { problems } : {}),
  };
  ctx.io.out(JSON.stringify(out, null, 2) + '\n');
}

async function list(ctx: Context): Promise<void> {
  const data = await ctx.readConfig();
  for (const name of Object.keys(data.profiles)) ctx.io.out(`${name}\n`);
}
