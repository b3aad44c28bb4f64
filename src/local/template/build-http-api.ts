// HTTP APIs (AWS::Serverless::HttpApi) with the routes their functions' HttpApi
// events declare, their JWT authorizers and IAM authorization; and the function URLs
// SAM makes of a function's FunctionUrlConfig.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html
import { dirname, resolve as resolvePath } from 'node:path';
import type { FunctionUrlModel, HttpApiModel, JwtAuthorizerModel, RouteAuth, RouteModel } from '../model.js';
import type { Builder } from './build-model.js';
import { eventsOfType, functionEvents } from './function-events.js';
import { resolveHandler } from './handler-file.js';
import * as ids from './ids.js';
import { FUNCTION_URL, HTTP_API, functionArn, physicalId, type RawResource } from './resources.js';
import { asList, isObject, type Props } from './values.js';

/** The HTTP API SAM creates for HttpApi events that name no ApiId. */
export const IMPLICIT_HTTP_API_ID = 'ServerlessHttpApi';
/** The `$default` stage: its URL has no stage segment. */
export const DEFAULT_STAGE = '$default';
/** The `$default` route: what no other route of the API matches. */
export const DEFAULT_ROUTE = '$default';


/**
 * Resources SAM generates that `Ref`/`Fn::GetAtt` may name: `<function>Url` for a
 * function with FunctionUrlConfig, and ServerlessHttpApi when an HttpApi event names
 * no ApiId.
 */
export function samGeneratedResources(resources: Record<string, RawResource>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Serverless::Function') continue;
    if (r.Properties?.FunctionUrlConfig !== undefined) out.set(`${logicalId}Url`, FUNCTION_URL);
    if (eventsOfType(r, 'HttpApi').some(([, e]) => e.ApiId === undefined)) out.set(IMPLICIT_HTTP_API_ID, HTTP_API);
  }
  for (const id of out.keys()) if (resources[id]) out.delete(id);
  return out;
}

/** The JWT authorizers; the names of the others (left out, with a warning) go to `skipped`. */
function buildAuthorizers(b: Builder, auth: Props, where: string, skipped: Set<string>): JwtAuthorizerModel[] {
  if (auth.Authorizers === undefined) return [];
  if (!isObject(auth.Authorizers)) return b.fail(`${where}.Authorizers`, 'must be a mapping of authorizer names');
  const out: JwtAuthorizerModel[] = [];
  for (const [name, a] of Object.entries(auth.Authorizers)) {
    const w = `${where}.Authorizers.${name}`;
    if (!isObject(a)) return b.fail(w, 'must be a mapping');
    if (a.FunctionArn !== undefined) {
      b.warnings.push(`${w}: Lambda authorizers are not emulated; the routes that use ${name} are left out`);
      skipped.add(name);
      continue;
    }
    if (a.OpenIdConnectUrl !== undefined) b.warnings.push(`${w}.OpenIdConnectUrl: ignored; the issuer's keys are the emulator's user pool keys`);
    const jwt = a.JwtConfiguration;
    if (!isObject(jwt)) return b.fail(`${w}.JwtConfiguration`, 'is required for a JWT authorizer (issuer and audience)');
    if (typeof jwt.issuer !== 'string' || jwt.issuer === '') return b.fail(`${w}.JwtConfiguration.issuer`, 'must be the issuer URL, e.g. https://cognito-idp.<region>.amazonaws.com/<poolId>');
    const audience = asList(jwt.audience).map(String);
    if (audience.length === 0) return b.fail(`${w}.JwtConfiguration.audience`, 'must list at least one audience (the app client id)');
    const source = String(a.IdentitySource ?? '$request.header.Authorization');
    const header = /^\$request\.header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(source);
    if (!header) return b.fail(`${w}.IdentitySource`, `must be $request.header.<Name> (the emulator reads tokens from a header), not ${source}`);
    out.push({ name, issuer: jwt.issuer, audience, header: header[1]!.toLowerCase() });
  }
  return out;
}

export function buildHttpApis(b: Builder): HttpApiModel[] {
  const globalApi = isObject(b.globals.HttpApi) ? b.globals.HttpApi : {};
  const logicalIds = b.byType(HTTP_API);
  const implicitUsed = Object.values(b.resources).some((r) => eventsOfType(r, 'HttpApi').some(([, e]) => e.ApiId === undefined));
  if (implicitUsed && !b.resources[IMPLICIT_HTTP_API_ID]) logicalIds.push(IMPLICIT_HTTP_API_ID);

  interface Defaults { defaultAuthorizer: string | undefined; iam: boolean; scopes: Map<string, string[]>; skipped: Set<string> }
  const defaults = new Map<string, Defaults>();
  const apis: HttpApiModel[] = logicalIds.map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.resources[logicalId] ? b.props(logicalId, globalApi) : (b.resolver.resolve(globalApi, 'Globals.HttpApi') as Props);
    if (p.DefinitionBody !== undefined || p.DefinitionUri !== undefined) {
      return b.fail(`${where}.DefinitionBody`, 'OpenAPI definitions are not supported; declare routes as function Events of Type HttpApi');
    }
    const auth = isObject(p.Auth) ? p.Auth : {};
    const skipped = new Set<string>();
    const authorizers = buildAuthorizers(b, auth, `${where}.Auth`, skipped);
    const scopes = new Map<string, string[]>();
    if (isObject(auth.Authorizers)) {
      for (const [name, a] of Object.entries(auth.Authorizers)) {
        if (isObject(a) && a.AuthorizationScopes !== undefined) scopes.set(name, asList(a.AuthorizationScopes).map(String));
      }
    }
    defaults.set(logicalId, {
      defaultAuthorizer: auth.DefaultAuthorizer === undefined ? undefined : String(auth.DefaultAuthorizer),
      iam: b.c.bool(auth.EnableIamAuthorizer ?? false, `${where}.Auth.EnableIamAuthorizer`),
      scopes,
      skipped,
    });
    if (p.CorsConfiguration !== undefined) b.warnings.push(`${where}.CorsConfiguration: HTTP API CORS is not emulated`);
    const stageName = p.StageName === undefined ? DEFAULT_STAGE : String(p.StageName);
    return { logicalId, id: physicalId(b.naming, HTTP_API, logicalId), stageName, routes: [], authorizers };
  });

  for (const { logicalId, where: ew, props: ep, handler } of functionEvents(b, 'HttpApi')) {
    const api = ep.ApiId === undefined ? apis.find((a) => a.logicalId === IMPLICIT_HTTP_API_ID) : apis.find((a) => a.id === ep.ApiId);
    if (!api) return b.fail(`${ew}.ApiId`, 'must be an AWS::Serverless::HttpApi of this template (!Ref <HttpApi>)');
    if (ep.PayloadFormatVersion !== undefined && String(ep.PayloadFormatVersion) !== '2.0') {
      b.warnings.push(`${ew}.PayloadFormatVersion: only 2.0 is emulated; this route is left out`);
      continue;
    }
    // Neither Path nor Method: the $default route.
    let method: string;
    let path: string;
    if (ep.Path === undefined && ep.Method === undefined) {
      method = 'ANY';
      path = DEFAULT_ROUTE;
    } else {
      if (typeof ep.Path !== 'string' || !ep.Path.startsWith('/')) return b.fail(`${ew}.Path`, 'must be a path starting with /');
      path = ep.Path;
      method = String(ep.Method ?? 'ANY').toUpperCase();
      if (method === 'X-AMAZON-APIGATEWAY-ANY-METHOD') method = 'ANY';
    }
    const d = defaults.get(api.logicalId)!;
    const auth = isObject(ep.Auth) ? ep.Auth : {};
    const name = String(auth.Authorizer ?? d.defaultAuthorizer ?? 'NONE');
    let routeAuth: RouteAuth;
    if (name === 'NONE') routeAuth = 'NONE';
    else if (name === 'AWS_IAM') {
      if (!d.iam) return b.fail(`${ew}.Auth.Authorizer`, `AWS_IAM needs Auth.EnableIamAuthorizer: true on ${api.logicalId}`);
      routeAuth = 'AWS_IAM';
    } else if (api.authorizers.some((a) => a.name === name)) routeAuth = 'JWT';
    else if (d.skipped.has(name)) continue; // a Lambda authorizer: warned about above
    else {
      return b.fail(`${ew}.Auth.Authorizer`, `authorizer ${name} is not AWS_IAM, NONE or one of ${api.logicalId}'s Auth.Authorizers`);
    }
    if (api.routes.some((x) => x.method === method && x.path === path)) return b.fail(ew, `${method} ${path} is defined twice`);
    const route: RouteModel = {
      method,
      path,
      auth: routeAuth,
      apiKeyRequired: false,
      functionLogicalId: logicalId,
      handlerFile: handler.file,
      handlerExport: handler.exportName,
    };
    if (routeAuth === 'JWT') {
      route.authorizer = name;
      const scopes = auth.AuthorizationScopes !== undefined ? asList(auth.AuthorizationScopes).map(String) : d.scopes.get(name);
      if (scopes && scopes.length > 0) route.authorizationScopes = scopes;
    }
    api.routes.push(route);
  }
  return apis;
}

/** Every function with a FunctionUrlConfig: one URL each. */
export function buildFunctionUrls(b: Builder): FunctionUrlModel[] {
  const templateDir = dirname(resolvePath(b.file));
  const globalFunction = isObject(b.globals.Function) ? b.globals.Function : {};
  const out: FunctionUrlModel[] = [];
  for (const logicalId of b.byType('AWS::Serverless::Function')) {
    if (b.resources[logicalId]?.Properties?.FunctionUrlConfig === undefined) continue;
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId, globalFunction);
    const cfg = p.FunctionUrlConfig;
    if (!isObject(cfg)) return b.fail(`${where}.FunctionUrlConfig`, 'must be a mapping with AuthType');
    const authType = String(cfg.AuthType ?? '');
    if (authType !== 'AWS_IAM' && authType !== 'NONE') return b.fail(`${where}.FunctionUrlConfig.AuthType`, `must be AWS_IAM or NONE, not ${authType || 'missing'}`);
    if (cfg.Cors !== undefined) b.warnings.push(`${where}.FunctionUrlConfig.Cors: function URL CORS is not emulated`);
    if (cfg.InvokeMode !== undefined && cfg.InvokeMode !== 'BUFFERED') b.warnings.push(`${where}.FunctionUrlConfig.InvokeMode: only BUFFERED is emulated`);
    const handler = resolveHandler(p, where, templateDir, b.fail);
    out.push({
      functionLogicalId: logicalId,
      urlId: ids.functionUrlId(b.stackName, logicalId),
      authType,
      functionArn: functionArn(b.naming, logicalId),
      handlerFile: handler.file,
      handlerExport: handler.exportName,
    });
  }
  return out;
}
