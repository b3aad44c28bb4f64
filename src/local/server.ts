// `startLocal`: the whole emulated stack. The AWS service endpoints (Cognito User
// Pool, Identity Pool, STS, JWKS) share one listener; every API of the template has
// a listener of its own, as API Gateway gives every API a host of its own. The
// template is read into a StackModel (./template), the services are built from it and
// wired together (./services.ts), requests are routed the way AWS clients address
// them (./router.ts), users are seeded (./seed-users.ts) and state persists in the
// state dir (./persistence.ts). This file only puts those steps in order, and undoes
// them on close.
import type { CustomDomain } from './apigw/domains.js';
import { DomainRouter } from './apigw/domains.js';
import { defaultTemplatePath } from './default-template.js';
import type { AdminCredentials } from './admin-credentials.js';
import type { CredentialRegistry } from './credentials.js';
import type { CognitoIdpService } from './cognito-idp/service.js';
import { listen, type Listening } from './http.js';
import { systemClock, type Clock, type StackModel } from './model.js';
import { StackPersistence } from './persistence.js';
import { standInPath } from './oidc-provider/stand-in.js';
import { routeRequests } from './router.js';
import { DEMO_USER, seedPools, type LocalUser } from './seed-users.js';
import { errorText, saveAll, wireServices } from './services.js';
import { apiKeysOf, describeResources, type LocalResources } from './stack-info.js';
import { loadStack, TemplateError } from './template/index.js';

export { DEMO_USER, InvalidUserError, type LocalUser } from './seed-users.js';
export type { CustomDomain } from './apigw/domains.js';

export interface StartLocalOptions {
  /** SAM template; default: the package's infra/template.yaml. */
  templatePath?: string;
  host?: string;
  /**
   * The service endpoints' port; 0 (default) = any free port. With a fixed port, the
   * template's APIs take the ports right after it (the first API port + 1, …).
   */
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
  /**
   * Custom domains with base path mappings, served on one more listener
   * (`info.domainsUrl`) that tells them apart by Host; the same listener takes a
   * private API's requests by `x-apigw-api-id`. Given as `[]`, only the latter.
   */
  customDomains?: CustomDomain[];
}

export interface LocalEndpoints {
  cognitoIdp: string;
  cognitoIdentity: string;
  sts: string;
  api: string;
}

/**
 * The first user pool, client, identity pool, API and key (what the CLI's profile
 * points at), and every resource of the template in `apis`, `userPools`, ….
 */
export interface LocalInfo extends LocalResources {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Only when the template's client has GenerateSecret: true. */
  clientSecret?: string;
  identityPoolId: string;
  /** The first API's `http://<host>:<port>/<stage>` */
  apiUrl: string;
  apiKey: string;
  endpoints: LocalEndpoints;
  accountId: string;
  /** Administrator credentials for the signed admin operations (a secret: never print it). */
  admin: AdminCredentials;
  /** `http://<host>:<port>` of the custom domain / VPC endpoint listener, when `customDomains` is given. */
  domainsUrl?: string;
}

export interface LocalStack {
  /** `http://<host>:<port>`, no trailing slash. */
  url: string;
  info: LocalInfo;
  stack: StackModel;
  credentials: CredentialRegistry;
  idp: CognitoIdpService;
  /** Credentials the emulator issues for the Cognito admin calls (it checks their signatures). */
  adminCredentials: AdminCredentials;
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

  // The stand-in identity providers know the same users as the pools (docs/browser-login.md).
  const services = wireServices({ stack, persistence, clock, log, providerUsers: opts.users ?? [DEMO_USER] });
  const savedIdp = persistence.idpState();
  seedPools(services.idp, stack.userPools, opts.users, savedIdp, log);
  persistence.saveIdp(services.idp.snapshot());

  const listeners: Listening[] = [];
  const closeAll = () => Promise.all(listeners.map((l) => l.close()));
  const onError = (err: unknown) => log(`emulator error: ${errorText(err)}`);
  let apiUrls: string[] = [];
  try {
    listeners.push(
      await listen(routeRequests(services, () => apiUrls, () => listeners[0]!.url, stack.userPools), { ...(opts.host ? { host: opts.host } : {}), port: opts.port ?? 0, onError }),
    );
    for (const [i, gateway] of services.gateways.entries()) {
      const port = opts.port ? opts.port + 1 + i : 0;
      const l = await listen((req) => gateway.handle(req), { ...(opts.host ? { host: opts.host } : {}), port, onError });
      listeners.push(l);
    }
    // Then each HTTP API and each function URL, on a port of its own too.
    for (const service of [...services.httpApis, ...services.functionUrls]) {
      const port = opts.port ? opts.port + listeners.length : 0;
      listeners.push(await listen((req) => service.handle(req), { ...(opts.host ? { host: opts.host } : {}), port, onError }));
    }
    // Custom domains (base path mappings, private API names) last, on one more listener.
    if (opts.customDomains) {
      const domains = new DomainRouter(opts.customDomains, services.gateways);
      const port = opts.port ? opts.port + listeners.length : 0;
      listeners.push(await listen((req) => domains.handle(req), { ...(opts.host ? { host: opts.host } : {}), port, onError }));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const url = listeners[0]!.url;
  for (const p of stack.userPools) {
    for (const idp of p.identityProviders ?? []) {
      const users = (opts.users ?? [DEMO_USER]).map((u) => u.username).join(', ');
      log(`identity provider ${idp.name}: a stand-in OIDC provider at ${url}${standInPath(idp.name)} (issuer ${idp.issuer}; its users: ${users})`);
    }
  }
  apiUrls = stack.apis.map((a, i) => `${listeners[i + 1]!.url}/${a.stageName}`);
  const httpBase = 1 + stack.apis.length;
  const urlBase = httpBase + services.httpApis.length;
  const resources = describeResources(stack, (_a, i) => apiUrls[i]!, {
    // The $default stage has no stage segment; a named one does.
    httpApi: (a, i) => `${listeners[httpBase + i]!.url}${a.stageName === '$default' ? '' : `/${a.stageName}`}`,
    functionUrl: (_u, i) => `${listeners[urlBase + i]!.url}/`,
  });
  apiUrls = resources.apis.map((a) => a.url);
  const info: LocalInfo = {
    region: stack.region,
    userPoolId: pool.id,
    userPoolClientId: client.clientId,
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    identityPoolId: identityPool.id,
    apiUrl: resources.apis[0]!.url,
    apiKey: apiKey.value,
    endpoints: { cognitoIdp: url, cognitoIdentity: url, sts: url, api: resources.apis[0]!.url },
    accountId: stack.accountId,
    admin: services.admin,
    ...(opts.customDomains ? { domainsUrl: listeners[listeners.length - 1]!.url } : {}),
    ...resources,
  };
  let closed: Promise<void> | undefined;
  return {
    url,
    info,
    stack,
    credentials: services.credentials,
    idp: services.idp,
    adminCredentials: services.admin,
    close: () =>
      (closed ??= closeAll().then(() => {
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
  // The key the first API's usage plan accepts, else the template's first.
  const apiKey = (api && stack.apiKeys.find((k) => k.logicalId === apiKeysOf(stack, api)[0])) ?? stack.apiKeys[0];
  if (!pool || !client || !identityPool || !api || !apiKey) {
    const missing = [!pool && 'a user pool', pool && !client && 'a user pool client', !identityPool && 'an identity pool', !api && 'an API with routes', !apiKey && 'an API key']
      .filter(Boolean)
      .join(', ');
    throw new TemplateError(templatePath, 'Resources', `the emulator needs ${missing}`);
  }
  return { pool, client, identityPool, api, apiKey };
}
