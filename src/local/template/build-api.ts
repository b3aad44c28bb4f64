// API Gateway: SAM APIs with the routes their functions' Api events declare, API
// keys, usage plans and the keys attached to them.
import type { ApiKeyModel, RestApiModel, RouteAuth, RouteModel, UsagePlanModel } from '../model.js';
import type { Builder } from './build-model.js';
import { cognitoAuthorizer, scopeList, type BuiltAuthorizer } from './build-authorizers.js';
import { buildCors, buildGatewayResponseResources, buildSamGatewayResponses } from './build-cors.js';
import { functionEvents } from './function-events.js';
import * as ids from './ids.js';
import { IMPLICIT_API_ID, REST_API, SERVERLESS_API, physicalId } from './resources.js';
import { asList, isObject, type Props } from './values.js';

export function buildApis(b: Builder): RestApiModel[] {
  const globalApi = isObject(b.globals.Api) ? b.globals.Api : {};
  const apiLogicalIds = b.byType(SERVERLESS_API);
  if (b.implicitApiUsed && !b.resources[IMPLICIT_API_ID]) apiLogicalIds.push(IMPLICIT_API_ID);
  for (const logicalId of b.byType(REST_API)) {
    return b.fail(`Resources.${logicalId}`, 'AWS::ApiGateway::RestApi is not supported; declare the API as AWS::Serverless::Api with function Events');
  }
  // Each API's Auth section (its defaults for the routes), resolved once.
  const authOf = new Map<string, Props>();
  const apis: RestApiModel[] = apiLogicalIds.map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.resources[logicalId] ? b.props(logicalId, globalApi) : (b.resolver.resolve(globalApi, 'Globals.Api') as Props);
    if (p.DefinitionBody !== undefined || p.DefinitionUri !== undefined) {
      return b.fail(`${where}.DefinitionBody`, 'OpenAPI definitions are not supported; declare routes as function Events of Type Api');
    }
    const auth = isObject(p.Auth) ? p.Auth : {};
    authOf.set(logicalId, auth);
    if (isObject(auth.UsagePlan) && auth.UsagePlan.CreateUsagePlan !== 'NONE') {
      b.warnings.push(`${where}.Auth.UsagePlan: SAM-generated usage plans are not emulated; declare AWS::ApiGateway::UsagePlan, ApiKey and UsagePlanKey`);
    }
    const api: RestApiModel = { logicalId, id: physicalId(b.naming, SERVERLESS_API, logicalId), stageName: b.stageNameOf(logicalId), routes: [] };
    const cors = buildCors(b, p, where, auth);
    if (cors) api.cors = cors;
    const responses = buildSamGatewayResponses(b, p, where);
    if (Object.keys(responses).length > 0) api.gatewayResponses = responses;
    return api;
  });
  for (const [apiId, responses] of buildGatewayResponseResources(b)) {
    const api = apis.find((a) => a.id === apiId);
    if (!api) return b.fail('Resources', `an AWS::ApiGateway::GatewayResponse names RestApiId ${apiId}, which is not an API of this template (!Ref <Api>)`);
    api.gatewayResponses = { ...api.gatewayResponses, ...responses };
  }
  for (const { logicalId, where: ew, props: ep, handler } of functionEvents(b, 'Api')) {
    const api = ep.RestApiId === undefined ? apis.find((a) => a.logicalId === IMPLICIT_API_ID) : apis.find((a) => a.id === ep.RestApiId);
    if (!api) return b.fail(`${ew}.RestApiId`, 'must be an AWS::Serverless::Api of this template (!Ref <Api>)');
    if (typeof ep.Path !== 'string' || !ep.Path.startsWith('/')) return b.fail(`${ew}.Path`, 'must be a path starting with /');
    if (typeof ep.Method !== 'string') return b.fail(`${ew}.Method`, 'is required');
    const method = ep.Method.toUpperCase();
    const auth = isObject(ep.Auth) ? ep.Auth : {};
    const defaults = authOf.get(api.logicalId)!;
    const authorizer = String(auth.Authorizer ?? defaults.DefaultAuthorizer ?? 'NONE');
    if (authorizer !== 'NONE' && authorizer !== 'AWS_IAM' && !(isObject(defaults.Authorizers) && authorizer in defaults.Authorizers)) {
      return b.fail(`${ew}.Auth.Authorizer`, `authorizer ${authorizer} is not supported: not AWS_IAM, NONE or one of ${api.logicalId}'s Auth.Authorizers`);
    }
    let cognito: BuiltAuthorizer | undefined;
    if (authorizer !== 'NONE' && authorizer !== 'AWS_IAM') {
      cognito = cognitoAuthorizer(b, defaults.Authorizers as Props, authorizer, `Resources.${api.logicalId}.Properties`);
      if (!cognito) {
        b.warnings.push(`${ew}.Auth.Authorizer: Lambda authorizer ${authorizer} is not emulated; ${method} ${String(ep.Path)} is left out`);
        continue;
      }
    }
    const apiKeyRequired = b.c.bool(auth.ApiKeyRequired ?? defaults.ApiKeyRequired ?? false, `${ew}.Auth.ApiKeyRequired`);
    if (api.routes.some((x) => x.method === method && x.path === ep.Path)) return b.fail(ew, `${method} ${ep.Path} is defined twice`);
    const route: RouteModel = {
      method,
      path: ep.Path,
      auth: cognito ? 'COGNITO_USER_POOLS' : (authorizer as RouteAuth),
      apiKeyRequired,
      functionLogicalId: logicalId,
      handlerFile: handler.file,
      handlerExport: handler.exportName,
    };
    if (cognito) {
      route.cognitoAuthorizer = cognito.authorizer;
      // The method's own scopes replace the authorizer's; an empty list means none.
      const scopes = auth.AuthorizationScopes !== undefined ? scopeList(b, auth.AuthorizationScopes, `${ew}.Auth.AuthorizationScopes`) : cognito.scopes;
      if (scopes && scopes.length > 0) route.authorizationScopes = scopes;
    }
    api.routes.push(route);
  }
  return apis;
}

export function buildApiKeysAndPlans(b: Builder, apis: RestApiModel[]): { apiKeys: ApiKeyModel[]; usagePlans: UsagePlanModel[] } {
  const apiKeys: ApiKeyModel[] = b.byType('AWS::ApiGateway::ApiKey').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    let value: string;
    if (p.Value !== undefined) {
      value = String(p.Value);
      if (value.length < 20) return b.fail(`${where}.Value`, 'an API key value must have at least 20 characters');
    } else {
      value = b.secrets.apiKeyValues[logicalId] ??= ids.randomApiKeyValue();
    }
    return {
      logicalId,
      id: physicalId(b.naming, 'AWS::ApiGateway::ApiKey', logicalId),
      value,
      // CloudFormation creates keys disabled unless Enabled: true.
      enabled: b.c.bool(p.Enabled ?? false, `${where}.Enabled`),
    };
  });
  const usagePlans: UsagePlanModel[] = b.byType('AWS::ApiGateway::UsagePlan').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const stages = asList(p.ApiStages).map((s, i) => {
      const w = `${where}.ApiStages[${i}]`;
      if (!isObject(s)) return b.fail(w, 'must be a mapping with ApiId and Stage');
      const api = apis.find((a) => a.id === s.ApiId);
      if (!api) return b.fail(`${w}.ApiId`, 'must be an API of this template (!Ref <Api>)');
      if (s.Stage !== api.stageName) return b.fail(`${w}.Stage`, `API ${api.logicalId} has no stage ${String(s.Stage)} (it has ${api.stageName}; use !Ref ${api.logicalId}.Stage)`);
      if (s.Throttle !== undefined) b.warnings.push(`${w}.Throttle: per-method throttling is not emulated`);
      return { apiLogicalId: api.logicalId, stage: api.stageName };
    });
    let throttle: UsagePlanModel['throttle'];
    if (isObject(p.Throttle)) {
      // Unset limits fall back to API Gateway's account-level defaults.
      throttle = {
        rateLimit: b.c.num(p.Throttle.RateLimit ?? 10000, `${where}.Throttle.RateLimit`, 0),
        burstLimit: b.c.int(p.Throttle.BurstLimit ?? 5000, `${where}.Throttle.BurstLimit`, 0, Number.MAX_SAFE_INTEGER),
      };
    }
    let quota: UsagePlanModel['quota'];
    if (isObject(p.Quota)) {
      const period = String(p.Quota.Period ?? '');
      if (period !== 'DAY' && period !== 'WEEK' && period !== 'MONTH') return b.fail(`${where}.Quota.Period`, `must be DAY, WEEK or MONTH, not ${period || 'missing'}`);
      quota = {
        limit: b.c.int(p.Quota.Limit, `${where}.Quota.Limit`, 0, Number.MAX_SAFE_INTEGER),
        period,
        offset: b.c.int(p.Quota.Offset ?? 0, `${where}.Quota.Offset`, 0, 30),
      };
    }
    const plan: UsagePlanModel = { logicalId, id: physicalId(b.naming, 'AWS::ApiGateway::UsagePlan', logicalId), stages, apiKeyLogicalIds: [] };
    if (throttle) plan.throttle = throttle;
    if (quota) plan.quota = quota;
    return plan;
  });
  for (const logicalId of b.byType('AWS::ApiGateway::UsagePlanKey')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    if (p.KeyType !== 'API_KEY') return b.fail(`${where}.KeyType`, 'must be API_KEY');
    const plan = usagePlans.find((u) => u.id === p.UsagePlanId);
    if (!plan) return b.fail(`${where}.UsagePlanId`, 'must be a usage plan of this template (!Ref <UsagePlan>)');
    const key = apiKeys.find((k) => k.id === p.KeyId);
    if (!key) return b.fail(`${where}.KeyId`, 'must be an API key of this template (!Ref <ApiKey>)');
    plan.apiKeyLogicalIds.push(key.logicalId);
  }
  return { apiKeys, usagePlans };
}
