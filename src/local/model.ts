// The stack the emulator runs, as read from infra/template.yaml by ./template/.
// Every service of the emulator is built from this model and nothing else, so
// changing the template changes the emulator.
import type { ConditionClause } from './iam/conditions.js';
import type { TrustStatement } from './identity-pool/trust-policy.js';

export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export interface UserPoolClientModel {
  logicalId: string;
  clientId: string;
  clientName: string;
  /** Present when the template says GenerateSecret: true. */
  clientSecret?: string;
  explicitAuthFlows: string[];          // e.g. ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH
  enableTokenRevocation: boolean;
  preventUserExistenceErrors: boolean;
  authSessionValiditySeconds: number;   // challenge Session lifetime
  accessTokenValiditySeconds: number;
  idTokenValiditySeconds: number;
  refreshTokenValiditySeconds: number;
  /** RefreshTokenRotation: Feature ENABLED → GetTokensFromRefreshToken hands out a new refresh token. */
  refreshTokenRotation: { enabled: boolean; retryGracePeriodSeconds: number };
  /** Managed login (OAuth 2.0) settings; absent when AllowedOAuthFlowsUserPoolClient is not true. */
  oauth?: ClientOAuthModel;
}

export interface ClientOAuthModel {
  flows: ('code' | 'implicit' | 'client_credentials')[];
  scopes: string[];
  /** Exact strings: Cognito compares redirect URIs character for character. */
  callbackUrls: string[];
  logoutUrls: string[];
  identityProviders: string[];
}

export interface UserPoolModel {
  logicalId: string;
  /** `<region>_<suffix>`, e.g. `us-east-1_AbC123xyz` */
  id: string;
  name: string;
  region: string;
  /** `cognito-idp.<region>.amazonaws.com/<id>` */
  providerName: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<id>` (the token issuer) */
  issuer: string;
  usernameCaseSensitive: boolean;
  passwordPolicy: PasswordPolicy;
  mfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  enabledMfas: string[];                // SOFTWARE_TOKEN_MFA, SMS_MFA
  /** AdminCreateUserConfig.AllowAdminCreateUserOnly: SignUp is refused. */
  allowAdminCreateUserOnly: boolean;
  clients: UserPoolClientModel[];
  /** AWS::Cognito::UserPoolDomain prefixes (or custom domains) of this pool. */
  domains?: string[];
  /** AWS::Cognito::UserPoolResourceServer custom scopes, as `<identifier>/<scope>`. */
  resourceScopes?: string[];
  /** AWS::Cognito::UserPoolIdentityProvider resources of type OIDC (the emulator runs a stand-in for each). */
  identityProviders?: IdentityProviderModel[];
}

/** An OIDC identity provider of a user pool (ProviderDetails and AttributeMapping as in the template). */
export interface IdentityProviderModel {
  logicalId: string;
  /** ProviderName: what `identity_provider=` and SupportedIdentityProviders name. */
  name: string;
  type: 'OIDC';
  /** ProviderDetails.client_id / client_secret: Cognito's registration at the provider. */
  clientId: string;
  clientSecret?: string;
  /** ProviderDetails.authorize_scopes, split on spaces. */
  authorizeScopes: string[];
  /** ProviderDetails.oidc_issuer: the `iss` the provider's ID tokens must carry. */
  issuer: string;
  attributesRequestMethod: 'GET' | 'POST';
  /** AttributeMapping: user pool attribute → provider claim (`username` → `sub` by default). */
  attributeMapping: Record<string, string>;
}

export interface IdentityPoolProviderModel {
  providerName: string;                 // cognito-idp.<region>.amazonaws.com/<poolId>
  clientId: string;
  /** Shown by DescribeIdentityPool; not enforced (tokens are checked the same either way). */
  serverSideTokenCheck?: boolean;
}

export interface IdentityPoolModel {
  logicalId: string;
  /** `<region>:<uuid>` */
  id: string;
  /** IdentityPoolName (DescribeIdentityPool); hand-built models may leave it out. */
  name?: string;
  region: string;
  allowUnauthenticated: boolean;
  providers: IdentityPoolProviderModel[];
  /** Role logical ids from the IdentityPoolRoleAttachment. */
  authenticatedRole?: string;
  unauthenticatedRole?: string;
}

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];                    // e.g. execute-api:Invoke, execute-api:*
  notActions?: string[];
  resources: string[];                  // ARNs with * and ? wildcards
  notResources?: string[];
  /** The statement applies only when every clause holds for the request. */
  conditions?: ConditionClause[];
}

export interface RoleModel {
  logicalId: string;
  name: string;                         // role name used in assumed-role ARNs
  arn: string;                          // arn:aws:iam::<acct>:role/<name>
  /** Stable fake role id, `AROA` + 17 upper-case alphanumerics. */
  roleId: string;
  statements: PolicyStatement[];
  /** AssumeRolePolicyDocument; undefined (hand-built models) trusts no one. */
  trust?: TrustStatement[];
}

export type RouteAuth = 'NONE' | 'AWS_IAM' | 'COGNITO_USER_POOLS' | 'JWT';

/** A REST API `COGNITO_USER_POOLS` authorizer (SAM `Auth.Authorizers.<name>` with `UserPoolArn`). */
export interface CognitoAuthorizerModel {
  name: string;
  /** Ids of the user pools whose tokens it accepts (`UserPoolArn`, one or a list). */
  userPoolIds: string[];
  /** The identity source header (`Identity.Header`, default Authorization), lower-cased. */
  header: string;
  /** `Identity.ValidationExpression`: a regular expression an ID token's `aud` must match. */
  validationExpression?: string;
}

export interface RouteModel {
  method: string;                       // GET, POST, … or ANY
  path: string;                         // resource path, e.g. /no-auth or /items/{id}
  auth: RouteAuth;
  apiKeyRequired: boolean;
  functionLogicalId: string;
  /** Absolute path of the handler module and the export to call. */
  handlerFile: string;
  handlerExport: string;
  /** The OPTIONS method SAM adds for `Cors` (a mock integration): answers preflights. */
  corsPreflight?: { allowMethods: string };
  /** The method's or route's `AuthorizationScopes`: an access token with one of them. */
  authorizationScopes?: string[];
  /** Set when auth is COGNITO_USER_POOLS (a REST API). */
  cognitoAuthorizer?: CognitoAuthorizerModel;
  /** The route's authorizer by name (auth 'JWT': one of the HTTP API's `authorizers`). */
  authorizer?: string;
}

/** SAM `Cors` on an API: SAM adds an OPTIONS method answering preflights on every path. */
export interface CorsModel {
  allowOrigin: string;
  /** Default: the methods of the path's routes, and OPTIONS. */
  allowMethods?: string;
  allowHeaders?: string;
  maxAge?: string;
  allowCredentials: boolean;
  /** What the generated OPTIONS methods require (SAM adds the API's defaults unless told not to). */
  preflightAuth: RouteAuth;
  preflightApiKeyRequired: boolean;
}

/** A customized API Gateway answer (GatewayResponses): headers added, status and body replaced. */
export interface GatewayResponseModel {
  headers: Record<string, string>;
  statusCode?: number;
  /** The `application/json` template; `$context.error.messageString` and a few others are filled in. */
  template?: string;
}

export interface RestApiModel {
  logicalId: string;
  id: string;                           // 10 lower-case alphanumerics
  stageName: string;
  routes: RouteModel[];
  cors?: CorsModel;
  /** By response type (DEFAULT_4XX, ACCESS_DENIED, …). */
  gatewayResponses?: Record<string, GatewayResponseModel>;
}

/** An HTTP API's JWT authorizer (`Auth.Authorizers.<name>.JwtConfiguration`). */
export interface JwtAuthorizerModel {
  name: string;
  /** The `iss` a token must carry; also where its keys come from (`<issuer>/.well-known/jwks.json`). */
  issuer: string;
  /** A token's `aud` (or, without `aud`, its `client_id`) must be one of these. */
  audience: string[];
  /** Lower-case name of the header the token comes in (`$request.header.Authorization`). */
  header: string;
}

/** An `AWS::Serverless::HttpApi`: routes from the functions' HttpApi events, payload format 2.0. */
export interface HttpApiModel {
  logicalId: string;
  id: string;                           // 10 lower-case alphanumerics
  /** `$default` (no stage segment in the URL) or an explicit StageName. */
  stageName: string;
  routes: RouteModel[];
  authorizers: JwtAuthorizerModel[];
}

/** A Lambda function URL (`FunctionUrlConfig` of an AWS::Serverless::Function). */
export interface FunctionUrlModel {
  /** The function's logical id (SAM names the URL resource `<function>Url`). */
  functionLogicalId: string;
  /** The host's first label: 32 lower-case alphanumerics. */
  urlId: string;
  authType: 'AWS_IAM' | 'NONE';
  functionArn: string;
  handlerFile: string;
  handlerExport: string;
}

export interface ApiKeyModel {
  logicalId: string;
  id: string;
  /** The key's value, sent by clients in x-api-key. */
  value: string;
  enabled: boolean;
}

export interface UsagePlanModel {
  logicalId: string;
  id: string;
  stages: { apiLogicalId: string; stage: string }[];
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH'; offset: number };
  apiKeyLogicalIds: string[];
}

export interface StackModel {
  region: string;
  accountId: string;
  stackName: string;
  userPools: UserPoolModel[];
  identityPools: IdentityPoolModel[];
  roles: RoleModel[];
  apis: RestApiModel[];
  apiKeys: ApiKeyModel[];
  usagePlans: UsagePlanModel[];
  /** AWS::Serverless::HttpApi resources (absent in hand-built models: none). */
  httpApis?: HttpApiModel[];
  /** Functions with a FunctionUrlConfig (absent in hand-built models: none). */
  functionUrls?: FunctionUrlModel[];
}

/** Time for every part of the emulator, injectable so tests never sleep. */
export interface Clock {
  now(): number;                        // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/** One request as the emulator's services see it (body fully read). */
export interface LocalRequest {
  method: string;
  /** Raw request target as received: path plus `?query`, still percent-encoded. */
  url: string;
  /** Header names lower-cased; repeated headers joined with "," as Node does. */
  headers: Record<string, string>;
  /** Raw header pairs as received (names in original case), for SigV4. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
}

export interface LocalResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}
