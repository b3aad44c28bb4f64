// `startLocal`: the whole emulated stack behind one HTTP listener. The template is
// read into a StackModel (./template), the services are built from it and wired
// together (./services.ts), requests are routed the way AWS clients address them
// (./router.ts), users are seeded (./seed-users.ts) and state persists in the state
// dir (./persistence.ts). This file only puts those steps in order, and undoes
// them on close.
import { defaultTemplatePath } from './default-template.js';
import type { CredentialRegistry } from './credentials.js';
import type { CognitoIdpService } from './cognito-idp/service.js';
import { listen } from './http.js';
import { systemClock, type Clock, type StackModel } from './model.js';
import { StackPersistence } from './persistence.js';
import { routeRequests } from './router.js';
import { seedUsers, type LocalUser } from './seed-users.js';
import { errorText, saveAll, wireServices } from './services.js';
import { loadStack, TemplateError } from './template/index.js';

export { DEMO_USER, InvalidUserError, type LocalUser } from './seed-users.js';

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

export async function startLocal(opts: StartLocalOptions = {}): Promise<LocalStack> {
  const persistence = StackPersistence.open(opts.stateDir);
  try {
    return await start(opts, persistence);
  } catch (err) {
    persistence.release();
    throw err;
  }
}

async function start(opts: StartLocalOptions, persistence: StackPersistence): Promise<LocalStack> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? (() => {});

  const templatePath = opts.templatePath ?? defaultTemplatePath();
  const secrets = persistence.secrets();
  const built = await loadStack({
    templatePath,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.parameterOverrides ? { parameterOverrides: opts.parameterOverrides } : {}),
    ...(secrets ? { secrets } : {}),
  });
  const stack = built.model;
  for (const w of built.warnings) log(`template: ${w}`);
  const { pool, client, identityPool, api, apiKey } = requiredResources(stack, templatePath);
  persistence.saveSecrets(stack);

  const services = wireServices({ stack, persistence, clock, log });
  seedUsers(services.idp, pool, opts.users, persistence.idpState(), log);
  persistence.saveIdp(services.idp.snapshot());

  const gatewaysByStage = new Map(stack.apis.map((a, i) => [a.stageName, services.gateways[i]!]));
  const listening = await listen(routeRequests(services, gatewaysByStage), {
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
    credentials: services.credentials,
    idp: services.idp,
    close: () =>
      (closed ??= listening.close().then(() => {
        if (!persistence.persistent) return;
        saveAll(services, persistence);
        persistence.release();
      })),
  };
}

/** The resources the emulator cannot run without, or a TemplateError naming what is missing. */
function requiredResources(stack: StackModel, templatePath: string) {
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
  return { pool, client, identityPool, api, apiKey };
}
