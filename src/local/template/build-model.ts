// Turns a parsed SAM/CloudFormation template into the StackModel the emulator runs.
// Only what the emulator can honour faithfully is accepted; anything it would have
// to guess at is a TemplateError naming the place.
import { dirname, resolve as resolvePath } from 'node:path';
import type {
  ApiKeyModel,
  IdentityPoolModel,
  PasswordPolicy,
  PolicyStatement,
  RestApiModel,
  RoleModel,
  RouteAuth,
  RouteModel,
  StackModel,
  UsagePlanModel,
  UserPoolModel,
} from '../model.js';
import { TemplateError } from './errors.js';
import * as ids from './ids.js';
import { Resolver, NO_VALUE } from './intrinsics.js';
import { clientModel } from './client-settings.js';
import { resolveHandler } from './handler-file.js';
import { checkParameter } from './parameters.js';
import { parseTemplateText } from './parse-yaml.js';
import { policyStatements } from './policy-document.js';
import { asList, coercions, deepMerge, isObject, type Props } from './values.js';
import {
  IMPLICIT_API_ID,
  REST_API,
  SERVERLESS_API,
  attribute,
  physicalId,
  type NamingContext,
  type RawResource,
} from './resources.js';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_STACK_NAME = 'authapi-local';

/** Secrets kept from an earlier run (state dir), by logical id. */
export interface StackSecrets {
  clientSecrets?: Record<string, string>;
  apiKeyValues?: Record<string, string>;
}

export interface BuildOptions {
  /** Path of the template; used for errors and to find handler files (CodeUri). */
  templatePath: string;
  region?: string;
  accountId?: string;
  stackName?: string;
  parameterOverrides?: Record<string, string>;
  secrets?: StackSecrets;
}

export interface BuiltStack {
  model: StackModel;
  /** Parts of the template the emulator ignores (not errors: they do not change behaviour it emulates). */
  warnings: string[];
}


const IGNORED_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function', 'AWS::Cognito::IdentityPoolRoleAttachment',
  'AWS::ApiGateway::UsagePlanKey', 'AWS::IAM::Policy']);

export function buildStackModel(text: string, opts: BuildOptions): BuiltStack {
  const file = opts.templatePath;
  const region = opts.region ?? DEFAULT_REGION;
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  const stackName = opts.stackName ?? DEFAULT_STACK_NAME;
  const warnings: string[] = [];
  const c = coercions(file);
  const parsed = parseTemplateText(text, file);
  const fail = (where: string, problem: string): never => {
    throw new TemplateError(file, where, problem);
  };
  const root = parsed.data;
  if (!isObject(root)) return fail('', 'not a CloudFormation template (expected a mapping at the top)');
  const rawResources = root.Resources;
  if (!isObject(rawResources) || Object.keys(rawResources).length === 0) return fail('Resources', 'missing or empty');
  const resources: Record<string, RawResource> = {};
  for (const [logicalId, r] of Object.entries(rawResources)) {
    if (!isObject(r) || typeof r.Type !== 'string') return fail(`Resources.${logicalId}`, 'needs a Type');
    if (r.Properties !== undefined && !isObject(r.Properties)) return fail(`Resources.${logicalId}.Properties`, 'must be a mapping');
    resources[logicalId] = r as RawResource;
  }
  const globals = isObject(root.Globals) ? root.Globals : {};

  // --- parameters ---------------------------------------------------------------
  const paramDefs = isObject(root.Parameters) ? root.Parameters : {};
  const overrides = opts.parameterOverrides ?? {};
  for (const name of Object.keys(overrides)) {
    if (!(name in paramDefs)) fail(`Parameters`, `override for ${name}, but the template has no such parameter`);
  }
  const params: Record<string, string | string[]> = {
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${ids.stableUuid(`${stackName}\0stack`)}`,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': [],
  };
  for (const [name, def] of Object.entries(paramDefs)) {
    const where = `Parameters.${name}`;
    if (!isObject(def)) return fail(where, 'must be a mapping');
    const raw = overrides[name] ?? def.Default;
    if (raw === undefined || raw === null) return fail(where, `has no Default; pass a value for ${name} (parameter override)`);
    params[name] = checkParameter(String(raw), def, (p) => fail(where, p));
  }

  // --- resolution hooks ---------------------------------------------------------
  const stringProp = (logicalId: string, name: string): string | undefined => {
    const v = resources[logicalId]?.Properties?.[name];
    return v === undefined || v === null ? undefined : resolver.string(v, `Resources.${logicalId}.Properties.${name}`);
  };
  const secrets = { clientSecrets: { ...(opts.secrets?.clientSecrets ?? {}) }, apiKeyValues: { ...(opts.secrets?.apiKeyValues ?? {}) } };
  const clientSecret = (logicalId: string): string | undefined => {
    const r = resources[logicalId];
    if (r?.Type !== 'AWS::Cognito::UserPoolClient') return undefined;
    if (!c.bool(r.Properties?.GenerateSecret ?? false, `Resources.${logicalId}.Properties.GenerateSecret`)) return undefined;
    return (secrets.clientSecrets[logicalId] ??= ids.randomClientSecret());
  };
  const naming: NamingContext = { region, accountId, stackName, prop: stringProp, clientSecret };
  const implicitApiUsed = Object.values(resources).some((r) => isServerlessFunction(r) && apiEvents(r).some(([, e]) => e.RestApiId === undefined));
  const resourceType = (logicalId: string): string | undefined =>
    resources[logicalId]?.Type ?? (logicalId === IMPLICIT_API_ID && implicitApiUsed ? SERVERLESS_API : undefined);

  const conditionCache = new Map<string, boolean>();
  const conditionDefs = isObject(root.Conditions) ? root.Conditions : {};
  const mappings = isObject(root.Mappings) ? root.Mappings : {};

  const resolver: Resolver = new Resolver({
    file,
    lineOf: parsed.lineOf,
    parameter: (name) => params[name],
    hasResource: (logicalId) => resourceType(logicalId) !== undefined,
    ref: (name) => {
      const type = resourceType(name);
      if (type) return physicalId(naming, type, name);
      // SAM's implicit resources of an Api: `Api.Stage`, `Api.Deployment`.
      const dot = name.indexOf('.');
      if (dot < 0) return undefined;
      const base = name.slice(0, dot);
      if (resourceType(base) !== SERVERLESS_API) return undefined;
      const suffix = name.slice(dot + 1);
      if (suffix === 'Stage') return stageNameOf(base);
      if (suffix === 'Deployment') return ids.apiGatewayId(stackName, base, 'deployment');
      return undefined;
    },
    getAtt: (logicalId, attr, where) => {
      const type = resourceType(logicalId) as string;
      const v = attribute(naming, type, logicalId, attr);
      if (v === undefined) {
        if (type === 'AWS::Cognito::UserPoolClient' && attr === 'ClientSecret') {
          return fail(where, `!GetAtt ${logicalId}.ClientSecret: the client has no secret (GenerateSecret is not true)`);
        }
        return fail(where, `!GetAtt ${logicalId}.${attr}: attribute ${attr} of ${type} is not supported by the emulator`);
      }
      return v;
    },
    condition: (name, where) => {
      const cached = conditionCache.get(name);
      if (cached !== undefined) return cached;
      if (!(name in conditionDefs)) return fail(where, `no condition named ${name} in Conditions`);
      const v = resolver.conditionValue(conditionDefs[name], `Conditions.${name}`);
      conditionCache.set(name, v);
      return v;
    },
    mapping: (map, top, second, where) => {
      const m = mappings[map];
      const t = isObject(m) ? m[top] : undefined;
      const v = isObject(t) ? t[second] : undefined;
      if (v === undefined) return fail(where, `!FindInMap: Mappings.${map}.${top}.${second} does not exist`);
      return v;
    },
  });

  // Resources whose Condition is false do not exist.
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Condition === undefined) continue;
    if (typeof r.Condition !== 'string') return fail(`Resources.${logicalId}.Condition`, 'must be a condition name');
    if (!resolver.conditionValue({ Condition: r.Condition }, `Resources.${logicalId}.Condition`)) delete resources[logicalId];
  }

  function props(logicalId: string, extra: Props = {}): Props {
    const r = resources[logicalId];
    const merged = deepMerge(extra, r?.Properties ?? {});
    const out = resolver.resolve(merged, `Resources.${logicalId}.Properties`);
    return out === NO_VALUE || !isObject(out) ? {} : out;
  }
  function stageNameOf(apiLogicalId: string): string {
    if (apiLogicalId === IMPLICIT_API_ID && !resources[apiLogicalId]) return 'Prod';
    const v = resources[apiLogicalId]?.Properties?.StageName;
    if (v === undefined) return fail(`Resources.${apiLogicalId}.Properties.StageName`, 'is required for AWS::Serverless::Api');
    return resolver.string(v, `Resources.${apiLogicalId}.Properties.StageName`);
  }
  const byType = (type: string): string[] => Object.keys(resources).filter((id) => resources[id]?.Type === type);

  // --- roles --------------------------------------------------------------------
  const roles: RoleModel[] = byType('AWS::IAM::Role').map((logicalId) => {
    const p = props(logicalId);
    const statements: PolicyStatement[] = [];
    asList(p.Policies).forEach((pol, i) => {
      const where = `Resources.${logicalId}.Properties.Policies[${i}]`;
      if (!isObject(pol)) return fail(where, 'must be a mapping with PolicyName and PolicyDocument');
      statements.push(...policyStatements(pol.PolicyDocument, `${where}.PolicyDocument`, fail, warnings));
    });
    if (p.ManagedPolicyArns !== undefined) warnings.push(`Resources.${logicalId}: ManagedPolicyArns are not evaluated by the emulator`);
    return {
      logicalId,
      name: physicalId(naming, 'AWS::IAM::Role', logicalId),
      arn: attribute(naming, 'AWS::IAM::Role', logicalId, 'Arn') as string,
      roleId: ids.roleId(stackName, logicalId),
      statements,
    };
  });
  // Stand-alone AWS::IAM::Policy resources attach to roles by name.
  for (const logicalId of byType('AWS::IAM::Policy')) {
    const p = props(logicalId);
    const statements = policyStatements(p.PolicyDocument, `Resources.${logicalId}.Properties.PolicyDocument`, fail, warnings);
    for (const name of asList(p.Roles)) {
      const role = roles.find((r) => r.name === name);
      if (role) role.statements.push(...statements);
      else warnings.push(`Resources.${logicalId}: role ${String(name)} is not part of this template`);
    }
  }

  // --- user pools and clients -----------------------------------------------------
  const userPools: UserPoolModel[] = byType('AWS::Cognito::UserPool').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    const id = physicalId(naming, 'AWS::Cognito::UserPool', logicalId);
    const policies = isObject(p.Policies) ? p.Policies : {};
    const pp = isObject(policies.PasswordPolicy) ? policies.PasswordPolicy : {};
    const ppWhere = `${where}.Policies.PasswordPolicy`;
    const passwordPolicy: PasswordPolicy = {
      minimumLength: c.int(pp.MinimumLength ?? 8, `${ppWhere}.MinimumLength`, 6, 99),
      requireUppercase: c.bool(pp.RequireUppercase ?? true, `${ppWhere}.RequireUppercase`),
      requireLowercase: c.bool(pp.RequireLowercase ?? true, `${ppWhere}.RequireLowercase`),
      requireNumbers: c.bool(pp.RequireNumbers ?? true, `${ppWhere}.RequireNumbers`),
      requireSymbols: c.bool(pp.RequireSymbols ?? true, `${ppWhere}.RequireSymbols`),
      temporaryPasswordValidityDays: c.int(pp.TemporaryPasswordValidityDays ?? 7, `${ppWhere}.TemporaryPasswordValidityDays`, 0, 365),
    };
    const mfa = String(p.MfaConfiguration ?? 'OFF');
    if (mfa !== 'OFF' && mfa !== 'ON' && mfa !== 'OPTIONAL') return fail(`${where}.MfaConfiguration`, `must be OFF, ON or OPTIONAL, not ${mfa}`);
    const enabledMfas = p.EnabledMfas !== undefined ? asList(p.EnabledMfas).map(String) : mfa === 'OFF' ? [] : ['SMS_MFA'];
    for (const m of enabledMfas) {
      if (m !== 'SMS_MFA' && m !== 'SOFTWARE_TOKEN_MFA' && m !== 'EMAIL_OTP') return fail(`${where}.EnabledMfas`, `unknown MFA type ${m}`);
    }
    const uc = isObject(p.UsernameConfiguration) ? p.UsernameConfiguration : {};
    const acu = isObject(p.AdminCreateUserConfig) ? p.AdminCreateUserConfig : {};
    return {
      logicalId,
      id,
      name: typeof p.UserPoolName === 'string' ? p.UserPoolName : ids.generatedName(stackName, logicalId, 128),
      region,
      providerName: `cognito-idp.${region}.amazonaws.com/${id}`,
      issuer: `https://cognito-idp.${region}.amazonaws.com/${id}`,
      // CloudFormation leaves user names case-sensitive unless UsernameConfiguration says otherwise.
      usernameCaseSensitive: c.bool(uc.CaseSensitive ?? true, `${where}.UsernameConfiguration.CaseSensitive`),
      passwordPolicy,
      mfaConfiguration: mfa,
      enabledMfas,
      // CloudFormation's default, as AWS's: users may sign themselves up.
      allowAdminCreateUserOnly: c.bool(acu.AllowAdminCreateUserOnly ?? false, `${where}.AdminCreateUserConfig.AllowAdminCreateUserOnly`),
      clients: [],
    };
  });
  for (const logicalId of byType('AWS::Cognito::UserPoolClient')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool) return fail(`${where}.UserPoolId`, `must be a user pool of this template (e.g. !Ref ${userPools[0]?.logicalId ?? 'UserPool'})`);
    pool.clients.push({ ...clientModel(logicalId, p, where, clientSecret(logicalId), fail, c), clientId: physicalId(naming, 'AWS::Cognito::UserPoolClient', logicalId) });
  }

  // --- identity pools -------------------------------------------------------------
  const identityPools: IdentityPoolModel[] = byType('AWS::Cognito::IdentityPool').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    if (p.AllowUnauthenticatedIdentities === undefined) return fail(`${where}.AllowUnauthenticatedIdentities`, 'is required');
    const providers = asList(p.CognitoIdentityProviders).map((prov, i) => {
      const w = `${where}.CognitoIdentityProviders[${i}]`;
      if (!isObject(prov) || typeof prov.ProviderName !== 'string' || typeof prov.ClientId !== 'string') {
        return fail(w, 'needs ProviderName and ClientId');
      }
      const pool = userPools.find((u) => u.providerName === prov.ProviderName);
      if (!pool) return fail(`${w}.ProviderName`, `${prov.ProviderName} is not a user pool of this template (use !GetAtt <UserPool>.ProviderName)`);
      if (!pool.clients.some((c) => c.clientId === prov.ClientId)) {
        return fail(`${w}.ClientId`, `${prov.ClientId} is not a client of user pool ${pool.logicalId} (use !Ref <UserPoolClient>)`);
      }
      return { providerName: prov.ProviderName, clientId: prov.ClientId };
    });
    for (const key of ['SupportedLoginProviders', 'OpenIdConnectProviderARNs', 'SamlProviderARNs', 'DeveloperProviderName']) {
      if (p[key] !== undefined) warnings.push(`${where}.${key}: only Cognito user pool providers are emulated`);
    }
    return {
      logicalId,
      id: physicalId(naming, 'AWS::Cognito::IdentityPool', logicalId),
      region,
      allowUnauthenticated: c.bool(p.AllowUnauthenticatedIdentities, `${where}.AllowUnauthenticatedIdentities`),
      providers,
    };
  });
  for (const logicalId of byType('AWS::Cognito::IdentityPoolRoleAttachment')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    const pool = identityPools.find((ip) => ip.id === p.IdentityPoolId);
    if (!pool) return fail(`${where}.IdentityPoolId`, 'must be an identity pool of this template (!Ref <IdentityPool>)');
    const r = isObject(p.Roles) ? p.Roles : {};
    for (const kind of ['authenticated', 'unauthenticated'] as const) {
      if (r[kind] === undefined) continue;
      const role = roles.find((x) => x.arn === r[kind]);
      if (!role) return fail(`${where}.Roles.${kind}`, `${String(r[kind])} is not a role of this template (use !GetAtt <Role>.Arn)`);
      if (kind === 'authenticated') pool.authenticatedRole = role.logicalId;
      else pool.unauthenticatedRole = role.logicalId;
    }
    if (p.RoleMappings !== undefined) warnings.push(`${where}.RoleMappings: role mappings are not emulated; the default roles apply`);
  }

  // --- REST APIs and routes -------------------------------------------------------
  const templateDir = dirname(resolvePath(file));
  const globalApi = isObject(globals.Api) ? globals.Api : {};
  const apiLogicalIds = byType(SERVERLESS_API);
  if (implicitApiUsed && !resources[IMPLICIT_API_ID]) apiLogicalIds.push(IMPLICIT_API_ID);
  for (const logicalId of byType(REST_API)) {
    return fail(`Resources.${logicalId}`, 'AWS::ApiGateway::RestApi is not supported; declare the API as AWS::Serverless::Api with function Events');
  }
  const apis: RestApiModel[] = apiLogicalIds.map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = resources[logicalId] ? props(logicalId, globalApi) : (resolver.resolve(globalApi, 'Globals.Api') as Props);
    if (p.DefinitionBody !== undefined || p.DefinitionUri !== undefined) {
      return fail(`${where}.DefinitionBody`, 'OpenAPI definitions are not supported; declare routes as function Events of Type Api');
    }
    const auth = isObject(p.Auth) ? p.Auth : {};
    if (isObject(auth.UsagePlan) && auth.UsagePlan.CreateUsagePlan !== 'NONE') {
      warnings.push(`${where}.Auth.UsagePlan: SAM-generated usage plans are not emulated; declare AWS::ApiGateway::UsagePlan, ApiKey and UsagePlanKey`);
    }
    return { logicalId, id: physicalId(naming, SERVERLESS_API, logicalId), stageName: stageNameOf(logicalId), routes: [] };
  });
  const apiAuth = (logicalId: string): Props => {
    const p = resources[logicalId] ? props(logicalId, globalApi) : (resolver.resolve(globalApi, 'Globals.Api') as Props);
    return isObject(p.Auth) ? p.Auth : {};
  };
  const globalFunction = isObject(globals.Function) ? globals.Function : {};
  for (const logicalId of Object.keys(resources)) {
    const r = resources[logicalId] as RawResource;
    if (!isServerlessFunction(r)) continue;
    const events = apiEvents(r);
    const allEvents = isObject(r.Properties?.Events) ? Object.entries(r.Properties.Events) : [];
    for (const [name, e] of allEvents) {
      if (isObject(e) && e.Type === 'HttpApi') warnings.push(`Resources.${logicalId}.Properties.Events.${name}: HttpApi events are not emulated (only Type Api)`);
    }
    if (events.length === 0) continue;
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId, globalFunction);
    const handler = resolveHandler(p, where, templateDir, fail);
    for (const [eventName] of events) {
      const ew = `${where}.Events.${eventName}.Properties`;
      const ep = (isObject(p.Events) && isObject(p.Events[eventName]) ? (p.Events[eventName] as Props).Properties : undefined) ?? {};
      if (!isObject(ep)) return fail(ew, 'must be a mapping');
      const api = ep.RestApiId === undefined ? apis.find((a) => a.logicalId === IMPLICIT_API_ID) : apis.find((a) => a.id === ep.RestApiId);
      if (!api) return fail(`${ew}.RestApiId`, 'must be an AWS::Serverless::Api of this template (!Ref <Api>)');
      if (typeof ep.Path !== 'string' || !ep.Path.startsWith('/')) return fail(`${ew}.Path`, 'must be a path starting with /');
      if (typeof ep.Method !== 'string') return fail(`${ew}.Method`, 'is required');
      const method = ep.Method.toUpperCase();
      const auth = isObject(ep.Auth) ? ep.Auth : {};
      const defaults = apiAuth(api.logicalId);
      const authorizer = String(auth.Authorizer ?? defaults.DefaultAuthorizer ?? 'NONE');
      if (authorizer !== 'NONE' && authorizer !== 'AWS_IAM') {
        return fail(`${ew}.Auth.Authorizer`, `authorizer ${authorizer} is not supported (the emulator supports AWS_IAM and NONE)`);
      }
      const apiKeyRequired = c.bool(auth.ApiKeyRequired ?? defaults.ApiKeyRequired ?? false, `${ew}.Auth.ApiKeyRequired`);
      if (api.routes.some((x) => x.method === method && x.path === ep.Path)) return fail(ew, `${method} ${ep.Path} is defined twice`);
      const route: RouteModel = {
        method,
        path: ep.Path,
        auth: authorizer as RouteAuth,
        apiKeyRequired,
        functionLogicalId: logicalId,
        handlerFile: handler.file,
        handlerExport: handler.exportName,
      };
      api.routes.push(route);
    }
  }

  // --- API keys and usage plans -----------------------------------------------------
  const apiKeys: ApiKeyModel[] = byType('AWS::ApiGateway::ApiKey').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    let value: string;
    if (p.Value !== undefined) {
      value = String(p.Value);
      if (value.length < 20) return fail(`${where}.Value`, 'an API key value must have at least 20 characters');
    } else {
      value = secrets.apiKeyValues[logicalId] ??= ids.randomApiKeyValue();
    }
    return {
      logicalId,
      id: physicalId(naming, 'AWS::ApiGateway::ApiKey', logicalId),
      value,
      // CloudFormation creates keys disabled unless Enabled: true.
      enabled: c.bool(p.Enabled ?? false, `${where}.Enabled`),
    };
  });
  const usagePlans: UsagePlanModel[] = byType('AWS::ApiGateway::UsagePlan').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    const stages = asList(p.ApiStages).map((s, i) => {
      const w = `${where}.ApiStages[${i}]`;
      if (!isObject(s)) return fail(w, 'must be a mapping with ApiId and Stage');
      const api = apis.find((a) => a.id === s.ApiId);
      if (!api) return fail(`${w}.ApiId`, 'must be an API of this template (!Ref <Api>)');
      if (s.Stage !== api.stageName) return fail(`${w}.Stage`, `API ${api.logicalId} has no stage ${String(s.Stage)} (it has ${api.stageName}; use !Ref ${api.logicalId}.Stage)`);
      if (s.Throttle !== undefined) warnings.push(`${w}.Throttle: per-method throttling is not emulated`);
      return { apiLogicalId: api.logicalId, stage: api.stageName };
    });
    let throttle: UsagePlanModel['throttle'];
    if (isObject(p.Throttle)) {
      // Unset limits fall back to API Gateway's account-level defaults.
      throttle = {
        rateLimit: c.num(p.Throttle.RateLimit ?? 10000, `${where}.Throttle.RateLimit`, 0),
        burstLimit: c.int(p.Throttle.BurstLimit ?? 5000, `${where}.Throttle.BurstLimit`, 0, Number.MAX_SAFE_INTEGER),
      };
    }
    let quota: UsagePlanModel['quota'];
    if (isObject(p.Quota)) {
      const period = String(p.Quota.Period ?? '');
      if (period !== 'DAY' && period !== 'WEEK' && period !== 'MONTH') return fail(`${where}.Quota.Period`, `must be DAY, WEEK or MONTH, not ${period || 'missing'}`);
      quota = {
        limit: c.int(p.Quota.Limit, `${where}.Quota.Limit`, 0, Number.MAX_SAFE_INTEGER),
        period,
        offset: c.int(p.Quota.Offset ?? 0, `${where}.Quota.Offset`, 0, 30),
      };
    }
    const plan: UsagePlanModel = { logicalId, id: physicalId(naming, 'AWS::ApiGateway::UsagePlan', logicalId), stages, apiKeyLogicalIds: [] };
    if (throttle) plan.throttle = throttle;
    if (quota) plan.quota = quota;
    return plan;
  });
  for (const logicalId of byType('AWS::ApiGateway::UsagePlanKey')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = props(logicalId);
    if (p.KeyType !== 'API_KEY') return fail(`${where}.KeyType`, 'must be API_KEY');
    const plan = usagePlans.find((u) => u.id === p.UsagePlanId);
    if (!plan) return fail(`${where}.UsagePlanId`, 'must be a usage plan of this template (!Ref <UsagePlan>)');
    const key = apiKeys.find((k) => k.id === p.KeyId);
    if (!key) return fail(`${where}.KeyId`, 'must be an API key of this template (!Ref <ApiKey>)');
    plan.apiKeyLogicalIds.push(key.logicalId);
  }

  for (const [logicalId, r] of Object.entries(resources)) {
    const known = ['AWS::IAM::Role', 'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::IdentityPool',
      SERVERLESS_API, 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan'];
    if (!known.includes(r.Type) && !IGNORED_TYPES.has(r.Type)) warnings.push(`Resources.${logicalId}: ${r.Type} is not emulated`);
  }

  return {
    model: { region, accountId, stackName, userPools, identityPools, roles, apis, apiKeys, usagePlans },
    warnings,
  };
}

// --- SAM events ---------------------------------------------------------------------

function isServerlessFunction(r: RawResource): boolean {
  return r.Type === 'AWS::Serverless::Function';
}

/** The function's events of Type Api, unresolved ([name, Properties]). */
function apiEvents(r: RawResource): [string, Props][] {
  const events = r.Properties?.Events;
  if (!isObject(events)) return [];
  return Object.entries(events)
    .filter(([, e]) => isObject(e) && e.Type === 'Api')
    .map(([name, e]) => [name, isObject((e as Props).Properties) ? ((e as Props).Properties as Props) : {}]);
}

