// An API's CORS settings and gateway responses, as SAM and API Gateway take them:
// `Cors` on the AWS::Serverless::Api (a quoted origin, or AllowOrigin, AllowMethods,
// AllowHeaders, MaxAge, AllowCredentials), which makes SAM add an OPTIONS method
// answering preflights on every path; `GatewayResponses` on the Api and
// AWS::ApiGateway::GatewayResponse resources, which change API Gateway's own answers
// (the usual way to give its 403s and 429s CORS headers).
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
import type { CorsModel, GatewayResponseModel, RouteAuth } from '../model.js';
import type { Builder } from './build-model.js';
import { isObject, type Props } from './values.js';

export const GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED', 'API_CONFIGURATION_ERROR', 'AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE', 'BAD_REQUEST_PARAMETERS',
  'BAD_REQUEST_BODY', 'DEFAULT_4XX', 'DEFAULT_5XX', 'EXPIRED_TOKEN', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'INVALID_API_KEY',
  'INVALID_SIGNATURE', 'MISSING_AUTHENTICATION_TOKEN', 'QUOTA_EXCEEDED', 'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND', 'THROTTLED',
  'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'WAF_FILTERED',
] as const;

/**
 * A header value as API Gateway mapping expressions write a literal: in single
 * quotes (`"'*'"`). Anything else would be a mapping from the request, which the
 * emulator does not evaluate.
 */
function literal(b: Builder, v: unknown, where: string): string {
  const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  if (typeof s !== 'string' || !/^'.*'$/s.test(s)) return b.fail(where, `must be a quoted literal such as "'*'" (API Gateway reads an unquoted value as a mapping expression)`);
  return s.slice(1, -1);
}

export function buildCors(b: Builder, p: Props, where: string, auth: Props): CorsModel | undefined {
  const raw = p.Cors;
  if (raw === undefined) return undefined;
  const w = `${where}.Cors`;
  const cfg: Props = typeof raw === 'string' ? { AllowOrigin: raw } : isObject(raw) ? raw : b.fail(w, 'must be a quoted origin or a mapping');
  if (cfg.AllowOrigin === undefined) return b.fail(`${w}.AllowOrigin`, 'is required');
  const cors: CorsModel = {
    allowOrigin: literal(b, cfg.AllowOrigin, `${w}.AllowOrigin`),
    allowCredentials: cfg.AllowCredentials === undefined ? false : b.c.bool(cfg.AllowCredentials, `${w}.AllowCredentials`),
    // SAM adds the API's default authorizer and API key requirement to the generated
    // OPTIONS methods unless told not to; a browser's preflight carries neither.
    preflightAuth: (auth.AddDefaultAuthorizerToCorsPreflight === undefined || b.c.bool(auth.AddDefaultAuthorizerToCorsPreflight, `${where}.Auth.AddDefaultAuthorizerToCorsPreflight`)) && auth.DefaultAuthorizer === 'AWS_IAM' ? 'AWS_IAM' : ('NONE' as RouteAuth),
    preflightApiKeyRequired:
      auth.ApiKeyRequired !== undefined && b.c.bool(auth.ApiKeyRequired, `${where}.Auth.ApiKeyRequired`) &&
      (auth.AddApiKeyRequiredToCorsPreflight === undefined || b.c.bool(auth.AddApiKeyRequiredToCorsPreflight, `${where}.Auth.AddApiKeyRequiredToCorsPreflight`)),
  };
  if (cfg.AllowMethods !== undefined) cors.allowMethods = literal(b, cfg.AllowMethods, `${w}.AllowMethods`);
  if (cfg.AllowHeaders !== undefined) cors.allowHeaders = literal(b, cfg.AllowHeaders, `${w}.AllowHeaders`);
  if (cfg.MaxAge !== undefined) cors.maxAge = literal(b, cfg.MaxAge, `${w}.MaxAge`);
  if (cors.allowCredentials && cors.allowOrigin === '*') b.warnings.push(`${w}: browsers refuse credentials with Access-Control-Allow-Origin *`);
  return cors;
}

/** `GatewayResponses` of an AWS::Serverless::Api. */
export function buildSamGatewayResponses(b: Builder, p: Props, where: string): Record<string, GatewayResponseModel> {
  const raw = p.GatewayResponses;
  if (raw === undefined) return {};
  if (!isObject(raw)) return b.fail(`${where}.GatewayResponses`, 'must map response types to responses');
  const out: Record<string, GatewayResponseModel> = {};
  for (const [type, r] of Object.entries(raw)) {
    const w = `${where}.GatewayResponses.${type}`;
    checkType(b, type, w);
    if (!isObject(r)) return b.fail(w, 'must be a mapping');
    const headers: Record<string, string> = {};
    const params = isObject(r.ResponseParameters) ? r.ResponseParameters : {};
    if (isObject(params.Headers)) for (const [name, v] of Object.entries(params.Headers)) headers[name] = literal(b, v, `${w}.ResponseParameters.Headers.${name}`);
    out[type] = response(b, headers, r.StatusCode, r.ResponseTemplates, w);
  }
  return out;
}

/** AWS::ApiGateway::GatewayResponse resources, by the id of the API they belong to. */
export function buildGatewayResponseResources(b: Builder): Map<string, Record<string, GatewayResponseModel>> {
  const byApi = new Map<string, Record<string, GatewayResponseModel>>();
  for (const logicalId of b.byType('AWS::ApiGateway::GatewayResponse')) {
    const w = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const type = String(p.ResponseType ?? '');
    checkType(b, type, `${w}.ResponseType`);
    const headers: Record<string, string> = {};
    if (p.ResponseParameters !== undefined && !isObject(p.ResponseParameters)) return b.fail(`${w}.ResponseParameters`, 'must be a mapping');
    for (const [key, v] of Object.entries(isObject(p.ResponseParameters) ? p.ResponseParameters : {})) {
      const m = /^gatewayresponse\.header\.(.+)$/.exec(key);
      if (!m) return b.fail(`${w}.ResponseParameters.${key}`, 'only gatewayresponse.header.<name> parameters are emulated');
      headers[m[1]!] = literal(b, v, `${w}.ResponseParameters.${key}`);
    }
    const api = String(p.RestApiId ?? '');
    const forApi = byApi.get(api) ?? {};
    forApi[type] = response(b, headers, p.StatusCode, p.ResponseTemplates, w);
    byApi.set(api, forApi);
  }
  return byApi;
}

function checkType(b: Builder, type: string, where: string): void {
  if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) return b.fail(where, `${type || 'an empty type'} is not a gateway response type (${GATEWAY_RESPONSE_TYPES.join(', ')})`);
}

function response(b: Builder, headers: Record<string, string>, status: unknown, templates: unknown, where: string): GatewayResponseModel {
  const out: GatewayResponseModel = { headers };
  if (status !== undefined) out.statusCode = b.c.int(status, `${where}.StatusCode`, 100, 599);
  if (templates !== undefined) {
    if (!isObject(templates)) return b.fail(`${where}.ResponseTemplates`, 'must map content types to templates');
    const json = templates['application/json'];
    if (json !== undefined) out.template = String(json);
  }
  return out;
}
