// Turns a parsed SAM/CloudFormation template into the StackModel the emulator runs.
// Only what the emulator can honour faithfully is accepted; anything it would have
// to guess at is a TemplateError naming the place.
import type { StackModel } from '../model.js';
import { buildApiKeysAndPlans, buildApis } from './build-api.js';
import { eventsOfType } from './function-events.js';
import { buildIdentityPools, buildUserPools } from './build-cognito.js';
import { buildFunctionUrls, buildHttpApis, samGeneratedResources } from './build-http-api.js';
import { buildRoles } from './build-iam.js';
import { TemplateError } from './errors.js';
import * as ids from './ids.js';
import { Resolver, NO_VALUE } from './intrinsics.js';
import { checkParameter } from './parameters.js';
import { parseTemplateText } from './parse-yaml.js';
import { coercions, deepMerge, isObject, type Coerce, type Props } from './values.js';
import { HTTP_API, IMPLICIT_API_ID, SERVERLESS_API, attribute, physicalId, type NamingContext, type RawResource } from './resources.js';

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

/**
 * What every resource builder gets from buildStackModel: the template's resources
 * (conditions applied), resolved properties, naming, and how to fail or warn.
 */
export interface Builder {
  file: string;
  region: string;
  stackName: string;
  resources: Record<string, RawResource>;
  globals: Props;
  resolver: Resolver;
  naming: NamingContext;
  c: Coerce;
  warnings: string[];
  secrets: { clientSecrets: Record<string, string>; apiKeyValues: Record<string, string> };
  implicitApiUsed: boolean;
  /** Throws a TemplateError naming the place. */
  fail(where: string, problem: string): never;
  /** A resource's properties, resolved (merged over `extra`, e.g. Globals). */
  props(logicalId: string, extra?: Props): Props;
  byType(type: string): string[];
  stageNameOf(apiLogicalId: string): string;
  clientSecret(logicalId: string): string | undefined;
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
  const implicitApiUsed = Object.values(resources).some((r) => eventsOfType(r, 'Api').some(([, e]) => e.RestApiId === undefined));
  const samGenerated = samGeneratedResources(resources);
  const resourceType = (logicalId: string): string | undefined =>
    resources[logicalId]?.Type ?? (logicalId === IMPLICIT_API_ID && implicitApiUsed ? SERVERLESS_API : undefined) ?? samGenerated.get(logicalId);

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

  const b: Builder = {
    file, region, stackName, resources, globals, resolver, naming, c, warnings, secrets, implicitApiUsed,
    fail, props, byType, stageNameOf, clientSecret,
  };
  const roles = buildRoles(b);
  const userPools = buildUserPools(b);
  const identityPools = buildIdentityPools(b, userPools, roles);
  const apis = buildApis(b);
  const { apiKeys, usagePlans } = buildApiKeysAndPlans(b, apis);
  const httpApis = buildHttpApis(b);
  const functionUrls = buildFunctionUrls(b);

  for (const [logicalId, r] of Object.entries(resources)) {
    const known = ['AWS::IAM::Role', 'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::IdentityPool',
      'AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolResourceServer', 'AWS::Cognito::UserPoolIdentityProvider',
      SERVERLESS_API, HTTP_API, 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::GatewayResponse'];
    if (!known.includes(r.Type) && !IGNORED_TYPES.has(r.Type)) warnings.push(`Resources.${logicalId}: ${r.Type} is not emulated`);
  }

  return {
    model: { region, accountId, stackName, userPools, identityPools, roles, apis, apiKeys, usagePlans, httpApis, functionUrls },
    warnings,
  };
}
