// What `Ref` and `Fn::GetAtt` return for each resource type the emulator knows,
// built from the deterministic ids of ids.ts.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
import * as ids from './ids.js';

export interface RawResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  [key: string]: unknown;
}

export interface NamingContext {
  region: string;
  accountId: string;
  stackName: string;
  /** Resolved string property of a resource (e.g. RoleName), undefined when absent. */
  prop(logicalId: string, name: string): string | undefined;
  clientSecret(logicalId: string): string | undefined;
}

export const SERVERLESS_API = 'AWS::Serverless::Api';
export const REST_API = 'AWS::ApiGateway::RestApi';
export const HTTP_API = 'AWS::Serverless::HttpApi';
/** What SAM makes of a function's FunctionUrlConfig: `<function>Url`. */
export const FUNCTION_URL = 'AWS::Lambda::Url';
/** The API SAM creates for Api events that name no RestApiId. */
export const IMPLICIT_API_ID = 'ServerlessRestApi';

export function roleName(ctx: NamingContext, logicalId: string): string {
  return ctx.prop(logicalId, 'RoleName') ?? ids.generatedName(ctx.stackName, logicalId);
}

export function roleArn(ctx: NamingContext, logicalId: string): string {
  const path = ctx.prop(logicalId, 'Path') ?? '/';
  return `arn:aws:iam::${ctx.accountId}:role${path}${roleName(ctx, logicalId)}`;
}

export function functionName(ctx: NamingContext, logicalId: string): string {
  return ctx.prop(logicalId, 'FunctionName') ?? ids.generatedName(ctx.stackName, logicalId);
}

export function functionArn(ctx: NamingContext, functionLogicalId: string): string {
  return `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${functionName(ctx, functionLogicalId)}`;
}

/** `Ref` of a resource: its physical id. */
export function physicalId(ctx: NamingContext, type: string, logicalId: string): string {
  switch (type) {
    case 'AWS::Cognito::UserPool':
      return ids.userPoolId(ctx.region, ctx.stackName, logicalId);
    case 'AWS::Cognito::UserPoolClient':
      return ids.userPoolClientId(ctx.stackName, logicalId);
    case 'AWS::Cognito::IdentityPool':
      return ids.identityPoolId(ctx.region, ctx.stackName, logicalId);
    case 'AWS::Cognito::UserPoolIdentityProvider':
      // Ref: the provider's name.
      return ctx.prop(logicalId, 'ProviderName') ?? logicalId;
    case 'AWS::IAM::Role':
      return roleName(ctx, logicalId);
    case SERVERLESS_API:
    case REST_API:
    case HTTP_API:
      return ids.apiGatewayId(ctx.stackName, logicalId);
    case FUNCTION_URL:
      // Ref of an AWS::Lambda::Url is its function's ARN.
      return functionArn(ctx, logicalId.replace(/Url$/, ''));
    case 'AWS::ApiGateway::ApiKey':
      return ids.apiGatewayId(ctx.stackName, logicalId, 'apikey');
    case 'AWS::ApiGateway::UsagePlan':
      return ids.usagePlanId(ctx.stackName, logicalId);
    case 'AWS::Serverless::Function':
    case 'AWS::Lambda::Function':
      return functionName(ctx, logicalId);
    default:
      return ids.generatedName(ctx.stackName, logicalId);
  }
}

/** `Fn::GetAtt`; undefined when the emulator does not know the attribute. */
export function attribute(ctx: NamingContext, type: string, logicalId: string, attr: string): string | undefined {
  const id = physicalId(ctx, type, logicalId);
  switch (`${type}.${attr}`) {
    case 'AWS::Cognito::UserPool.Arn':
      return `arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${id}`;
    case 'AWS::Cognito::UserPool.ProviderName':
      return `cognito-idp.${ctx.region}.amazonaws.com/${id}`;
    case 'AWS::Cognito::UserPool.ProviderURL':
      return `https://cognito-idp.${ctx.region}.amazonaws.com/${id}`;
    case 'AWS::Cognito::UserPool.UserPoolId':
    case 'AWS::Cognito::UserPoolClient.ClientId':
    case 'AWS::Cognito::IdentityPool.Id':
    case 'AWS::ApiGateway::ApiKey.APIKeyId':
    case 'AWS::ApiGateway::UsagePlan.Id':
    case `${SERVERLESS_API}.RestApiId`:
    case `${REST_API}.RestApiId`:
      return id;
    case 'AWS::Cognito::UserPoolClient.ClientSecret':
      return ctx.clientSecret(logicalId);
    case 'AWS::Cognito::UserPoolClient.Name':
      return ctx.prop(logicalId, 'ClientName') ?? id;
    case 'AWS::Cognito::IdentityPool.Name':
      return ctx.prop(logicalId, 'IdentityPoolName') ?? id.replace(/[^\w]/g, '_');
    case 'AWS::IAM::Role.Arn':
      return roleArn(ctx, logicalId);
    case 'AWS::IAM::Role.RoleId':
      return ids.roleId(ctx.stackName, logicalId);
    case `${SERVERLESS_API}.RootResourceId`:
    case `${REST_API}.RootResourceId`:
      return ids.apiGatewayId(ctx.stackName, logicalId, 'rootresource');
    case 'AWS::Serverless::Function.Arn':
    case 'AWS::Lambda::Function.Arn':
      return `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${id}`;
    case `${FUNCTION_URL}.FunctionArn`:
      return id;
    case `${FUNCTION_URL}.FunctionUrl`:
      return `https://${ids.functionUrlId(ctx.stackName, logicalId.replace(/Url$/, ''))}.lambda-url.${ctx.region}.on.aws/`;
    case `${HTTP_API}.ApiEndpoint`:
      return `https://${id}.execute-api.${ctx.region}.amazonaws.com`;
    default:
      return undefined;
  }
}
