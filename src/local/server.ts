// `startLocal`: the whole emulated stack behind one HTTP listener. Every service is
// built from the template's StackModel; requests are routed the way AWS clients
// address them (X-Amz-Target, the STS query protocol, JWKS and API stage paths).
import { randomUUID } from 'node:crypto';
import { ApiGatewayService } from './apigw/service.js';
import { verifySigV4 } from './apigw/sigv4-verify.js';
import { passwordViolation } from './cognito-idp/password-policy.js';
import { CognitoIdpService, type CognitoIdpState } from './cognito-idp/service.js';
import { MemoryCredentialRegistry, type CredentialRegistry, type IssuedCredentials } from './credentials.js';
import { defaultTemplatePath } from './default-template.js';
import { listen, awsJsonError } from './http.js';
import { CognitoIdentityService, type IdentityPoolState } from './identity-pool/service.js';
import { ManagedLogin } from './oauth/service.js';
import { systemClock, type Clock, type LocalRequest, type LocalResponse, type StackModel, type UserPoolModel } from './model.js';
import { StateDir, STATE_FILES } from './state.js';
import { isStsRequest, StsService } from './sts/service.js';
import { loadStack, TemplateError, type StackSecrets } from './template/index.js';

export interface LocalUser {
  username: string;
  password: string;
}

export interface StartLocalOptions {
  /** SAM template; default: the package's infra/template.yaml. */
  templatePath?: string;
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Persist users, keys, identities, credentials and secrets here; undefined = in memory only. */
  stateDir?: string;
  /** Users to create (or reset to this password); default demouser / demoPASS123. */
  users?: LocalUser[];
  clock?: Clock;
  region?: string;
  /** Human-readable lines: SMS codes, template warnings, handler errors. Never secrets. */
  log?: (line: string) => void;
  parameterOverrides?: Record<string, string>;
}

export interface LocalEndpoints {
  cognitoIdp: string;
  cognitoIdentity: string;
  sts: string;
  api: string;
}

export interface LocalInfo {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Only when the template's client has GenerateSecret: true. */
  clientSecret?: string;
  identityPoolId: string;
  /** `<url>/<stage>` */
  apiUrl: string;
  apiKey: string;
  endpoints: LocalEndpoints;
  accountId: string;
}

export interface LocalStack {
  /** `http://<host>:<port>`, no trailing slash. */
  url: string;
  info: LocalInfo;
  stack: StackModel;
  credentials: CredentialRegistry;
  idp: CognitoIdpService;
  close(): Promise<void>;
}

export const DEMO_USER: LocalUser = { username: 'demouser', password: 'demoPASS123' };

export async function startLocal(opts: StartLocalOptions = {}): Promise<LocalStack> {
  const state = opts.stateDir === undefined ? undefined : StateDir.open(opts.stateDir);
  try {
    return await start(opts, state);
  } catch (err) {
    state?.release();
    throw err;
  }
}

async function start(opts: StartLocalOptions, state: StateDir | undefined): Promise<LocalStack> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? (() => {});

  const secrets = state?.read<StackSecrets>(STATE_FILES.secrets);
  const templatePath = opts.templatePath ?? defaultTemplatePath();
  const built = await loadStack({
    templatePath,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.parameterOverrides ? { parameterOverrides: opts.parameterOverrides } : {}),
    ...(secrets ? { secrets } : {}),
  });
  const stack = built.model;
  for (const w of built.warnings) log(`template: ${w}`);
  const pool = stack.userPools[0];
  const client = pool?.clients[0];
  const identityPool = stack.identityPools[0];
  const api = stack.apis[0];
  const apiKey = stack.apiKeys[0];
  if (!pool || !client || !identityPool || !api || !apiKey) {
    const missing = [!pool && 'a user pool', pool && !client && 'a user pool client', !identityPool && 'an identity pool', !api && 'an API with routes', !apiKey && 'an API key']
      .filter(Boolean)
      .join(', ');
    throw new TemplateError(templatePath, 'Resources', `the emulator needs ${missing}`);
  }
  state?.write(STATE_FILES.secrets, {
    clientSecrets: Object.fromEntries(stack.userPools.flatMap((p) => p.clients).flatMap((c) => (c.clientSecret ? [[c.logicalId, c.clientSecret] as const] : []))),
    apiKeyValues: Object.fromEntries(stack.apiKeys.map((k) => [k.logicalId, k.value])),
  } satisfies StackSecrets);

  // Expired credentials are dropped on load: nothing can use them any more.
  const saved = state?.read<IssuedCredentials[]>(STATE_FILES.credentials) ?? [];
  const credentials = new PersistentCredentials(saved.filter((c) => c.expiration > clock.now()), () => saveCredentials());
  const saveCredentials = () => state?.write(STATE_FILES.credentials, credentials.all().filter((c) => c.expiration > clock.now()));

  let idp: CognitoIdpService | undefined;
  const idpState = state?.read<CognitoIdpState>(STATE_FILES.idp);
  idp = new CognitoIdpService({
    pools: stack.userPools,
    clock,
    log,
    ...(idpState ? { state: idpState } : {}),
    onChange: () => {
      if (idp) state?.write(STATE_FILES.idp, idp.snapshot());
    },
  });
  const idpService = idp;

  let identity: CognitoIdentityService | undefined;
  const identityState = state?.read<IdentityPoolState>(STATE_FILES.identities);
  identity = new CognitoIdentityService({
    stack,
    credentials,
    clock,
    jwks: (poolId) => idpService.jwks(poolId),
    ...(identityState ? { state: identityState } : {}),
    onChange: () => {
      if (identity) state?.write(STATE_FILES.identities, identity.snapshot());
    },
  });
  const identityService = identity;

  seedUsers(idpService, pool, opts.users, idpState, log);
  state?.write(STATE_FILES.idp, idpService.snapshot());

  const sts = new StsService({ stack, credentials, clock, verify: verifySigV4 });
  const gateways = new Map(
    stack.apis.map((a) => [
      a.stageName,
      new ApiGatewayService({ stack, api: a, credentials, clock, onHandlerError: (err) => log(`api: handler failed: ${errorText(err)}`) }),
    ]),
  );
  const managedLogin = new ManagedLogin({ pools: stack.userPools, idp: idpService, clock });
  const jwksPath = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/jwks\.json$/;

  const route = async (req: LocalRequest): Promise<LocalResponse> => {
    const target = req.headers['x-amz-target'];
    if (target?.startsWith('AWSCognitoIdentityProviderService.')) return idpService.handle(req);
    if (target?.startsWith('AWSCognitoIdentityService.')) return identityService.handle(req);
    if (target) return awsJsonError('UnknownOperationException', `Unknown operation ${target}`, randomUUID());
    const path = req.url.split('?')[0] ?? '/';
    const managed = await managedLogin.handle(req);
    if (managed) return managed;
    const jwks = jwksPath.exec(path);
    if (jwks && (req.method === 'GET' || req.method === 'HEAD')) {
      const keys = idpService.jwks(jwks[1] as string);
      if (keys) return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(keys) };
    }
    if (isStsRequest(req)) return sts.handle(req);
    const stage = decodeSafe(path.split('/')[1] ?? '');
    const gateway = gateways.get(stage);
    if (gateway) return gateway.handle(req);
    const body = JSON.stringify({ message: `Not found: ${req.method} ${path} is not an endpoint of the authapi emulator` });
    return { status: 404, headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() }, body };
  };

  const listening = await listen(route, {
    ...(opts.host ? { host: opts.host } : {}),
    port: opts.port ?? 0,
    onError: (err) => log(`emulator error: ${errorText(err)}`),
  });
  const url = listening.url;
  const info: LocalInfo = {
    region: stack.region,
    userPoolId: pool.id,
    userPoolClientId: client.clientId,
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    identityPoolId: identityPool.id,
    apiUrl: `${url}/${api.stageName}`,
    apiKey: apiKey.value,
    endpoints: { cognitoIdp: url, cognitoIdentity: url, sts: url, api: `${url}/${api.stageName}` },
    accountId: stack.accountId,
  };
  let closed: Promise<void> | undefined;
  return {
    url,
    info,
    stack,
    credentials,
    idp: idpService,
    close: () => (closed ??= listening.close().then(() => {
      if (state) {
        state.write(STATE_FILES.idp, idpService.snapshot());
        state.write(STATE_FILES.identities, identityService.snapshot());
        saveCredentials();
        state.release();
      }
    })),
  };
}

/**
 * The demo user is created only when the pool does not have it yet (a restart keeps
 * whatever password it was changed to); users given explicitly are (re)set as given,
 * and must meet the template's password policy, as AdminSetUserPassword would demand.
 */
function seedUsers(idp: CognitoIdpService, pool: UserPoolModel, users: LocalUser[] | undefined, saved: CognitoIdpState | undefined, log: (line: string) => void): void {
  const norm = (s: string) => (pool.usernameCaseSensitive ? s : s.toLowerCase());
  const existing = new Set(Object.values(saved?.pools[pool.id]?.users ?? {}).map((u) => norm(u.username)));
  if (users === undefined) {
    if (existing.has(norm(DEMO_USER.username))) return;
    const why = passwordViolation(pool.passwordPolicy, DEMO_USER.password);
    if (why) log(`the demo user's password does not meet the template's password policy (${why}); created anyway`);
    idp.seedUser(pool.id, DEMO_USER.username, DEMO_USER.password);
    return;
  }
  for (const u of users) {
    const why = passwordViolation(pool.passwordPolicy, u.password);
    if (why) throw new InvalidUserError(`${u.username}: Password did not conform with policy: ${why}`);
  }
  for (const u of users) idp.seedUser(pool.id, u.username, u.password);
}

/** A --user the pool would refuse. */
export class InvalidUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUserError';
  }
}

/** The registry every service shares, saving itself whenever credentials are added. */
class PersistentCredentials extends MemoryCredentialRegistry {
  constructor(initial: IssuedCredentials[], private readonly onAdd: () => void) {
    super(initial);
  }
  override add(creds: IssuedCredentials): void {
    super.add(creds);
    this.onAdd();
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
