import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildStackModel, loadStack, TemplateError } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const text = readFileSync(TEMPLATE, 'utf8');

/** The real template with one edit; fails loudly if the edit no longer applies. */
function edited(from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}
const build = (t: string, extra: Partial<Parameters<typeof buildStackModel>[1]> = {}) =>
  buildStackModel(t, { templatePath: TEMPLATE, ...extra }).model;

describe('the real infra/template.yaml', () => {
  test('becomes the expected model', async () => {
    const { model, warnings } = await loadStack({ templatePath: TEMPLATE });
    // Every route of the template is emulated: no warning at all.
    expect(warnings).toEqual([]);
    expect(model).toMatchObject({ region: 'us-east-1', accountId: '123456789012', stackName: 'authapi-local' });

    const [pool] = model.userPools;
    expect(model.userPools).toHaveLength(1);
    expect(pool!.id).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(pool).toMatchObject({
      logicalId: 'UserPool',
      name: 'authapi-local-users',
      providerName: `cognito-idp.us-east-1.amazonaws.com/${pool!.id}`,
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool!.id}`,
      usernameCaseSensitive: false,
      passwordPolicy: { minimumLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: false, temporaryPasswordValidityDays: 7 },
      mfaConfiguration: 'OPTIONAL',
      enabledMfas: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'],
      allowAdminCreateUserOnly: true,
    });
    const [client] = pool!.clients;
    expect(client!.clientId).toMatch(/^[a-z0-9]{26}$/);
    expect(client).toEqual({
      logicalId: 'UserPoolClient',
      clientId: client!.clientId,
      clientName: 'authapi-cli',
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      authSessionValiditySeconds: 180,
      accessTokenValiditySeconds: 3600,
      idTokenValiditySeconds: 3600,
      refreshTokenValiditySeconds: 30 * 86400,
      refreshTokenRotation: { enabled: false, retryGracePeriodSeconds: 0 },
      oauth: {
        flows: ['code'],
        scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin', 'authapi/admin'],
        callbackUrls: [47801, 47802, 47803].map((p) => `http://127.0.0.1:${p}/callback`),
        logoutUrls: [47801, 47802, 47803].map((p) => `http://127.0.0.1:${p}/logged-out`),
        identityProviders: ['COGNITO'],
      },
    });
    // The domain prefix comes from the stack id's UUID (unique in the region).
    expect(pool!.domains).toEqual([expect.stringMatching(/^authapi-[0-9a-f-]{36}$/)]);

    const [ip] = model.identityPools;
    expect(ip!.id).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ip).toMatchObject({
      allowUnauthenticated: true,
      providers: [{ providerName: pool!.providerName, clientId: client!.clientId }],
      authenticatedRole: 'AuthenticatedRole',
      unauthenticatedRole: 'UnauthenticatedRole',
    });

    const [api] = model.apis;
    expect(api!.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api!.stageName).toBe('prod');
    expect(api!.routes).toEqual([
      { method: 'GET', path: '/no-auth', auth: 'NONE', apiKeyRequired: true, functionLogicalId: 'NoAuthFunction', handlerFile: resolve('infra/functions/no-auth.mjs'), handlerExport: 'handler' },
      { method: 'GET', path: '/require-auth', auth: 'AWS_IAM', apiKeyRequired: true, functionLogicalId: 'RequireAuthFunction', handlerFile: resolve('infra/functions/require-auth.mjs'), handlerExport: 'handler' },
      {
        method: 'GET', path: '/require-token', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true, functionLogicalId: 'RequireTokenFunction',
        handlerFile: resolve('infra/functions/require-token.mjs'), handlerExport: 'handler',
        cognitoAuthorizer: { name: 'UserPoolAuthorizer', userPoolIds: [pool!.id], header: 'authorization' },
      },
      {
        method: 'GET', path: '/require-scope', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true, functionLogicalId: 'RequireScopeFunction',
        handlerFile: resolve('infra/functions/require-scope.mjs'), handlerExport: 'handler',
        cognitoAuthorizer: { name: 'UserPoolAuthorizer', userPoolIds: [pool!.id], header: 'authorization' },
        authorizationScopes: ['aws.cognito.signin.user.admin'],
      },
    ]);

    const auth = model.roles.find((r) => r.logicalId === 'AuthenticatedRole')!;
    expect(auth.roleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(auth.arn).toBe(`arn:aws:iam::123456789012:role/${auth.name}`);
    expect(auth.statements[0]).toMatchObject({
      effect: 'Allow',
      actions: ['execute-api:Invoke'],
      resources: expect.arrayContaining([
        `arn:aws:execute-api:us-east-1:123456789012:${api!.id}/*/GET/no-auth`,
        `arn:aws:execute-api:us-east-1:123456789012:${api!.id}/*/GET/require-auth`,
      ]),
    });
    expect(auth.statements[1]).toMatchObject({ effect: 'Allow', actions: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'] });
    const guest = model.roles.find((r) => r.logicalId === 'UnauthenticatedRole')!;
    expect(guest.statements[0]!.resources).toEqual([`arn:aws:execute-api:us-east-1:123456789012:${api!.id}/*/GET/no-auth`]);

    // The HTTP API: $default stage, the JWT authorizer on the pool and its client, IAM.
    const [http] = model.httpApis!;
    expect(model.httpApis).toHaveLength(1);
    expect(http!.id).toMatch(/^[a-z0-9]{10}$/);
    expect(http!.id).not.toBe(api!.id);
    const fn = (name: string) => resolve(`infra/functions/${name}.mjs`);
    expect(http).toEqual({
      logicalId: 'HttpApi',
      id: http!.id,
      stageName: '$default',
      authorizers: [{ name: 'UserPoolJwt', issuer: pool!.issuer, audience: [client!.clientId], header: 'authorization' }],
      routes: [
        { method: 'GET', path: '/me', auth: 'JWT', authorizer: 'UserPoolJwt', apiKeyRequired: false, functionLogicalId: 'MeFunction', handlerFile: fn('me'), handlerExport: 'handler' },
        { method: 'GET', path: '/admin', auth: 'JWT', authorizer: 'UserPoolJwt', authorizationScopes: ['authapi/admin'], apiKeyRequired: false, functionLogicalId: 'AdminFunction', handlerFile: fn('admin'), handlerExport: 'handler' },
        { method: 'GET', path: '/iam', auth: 'AWS_IAM', apiKeyRequired: false, functionLogicalId: 'HttpIamFunction', handlerFile: fn('http-iam'), handlerExport: 'handler' },
      ],
    });
    // The role's `${HttpApi}` is the HTTP API's id.
    expect(auth.statements[0]!.resources).toContain(`arn:aws:execute-api:us-east-1:123456789012:${http!.id}/*/GET/iam`);
    // The function URL, and `!GetAtt FunctionUrlFunction.Arn` in the role is its function.
    const [url] = model.functionUrls!;
    expect(model.functionUrls).toHaveLength(1);
    expect(url).toEqual({
      functionLogicalId: 'FunctionUrlFunction',
      urlId: expect.stringMatching(/^[a-z0-9]{32}$/),
      authType: 'AWS_IAM',
      functionArn: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:authapi-local-FunctionUrlFunction-[A-Z0-9]{12}$/),
      handlerFile: fn('function-url'),
      handlerExport: 'handler',
    });
    expect(auth.statements[1]!.resources).toEqual([url!.functionArn]);

    const [key] = model.apiKeys;
    expect(key).toMatchObject({ logicalId: 'ApiKey', enabled: true });
    expect(key!.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(model.usagePlans).toEqual([{
      logicalId: 'UsagePlan', id: model.usagePlans[0]!.id,
      stages: [{ apiLogicalId: 'Api', stage: 'prod' }],
      throttle: { rateLimit: 10, burstLimit: 20 },
      quota: { limit: 10000, period: 'DAY', offset: 0 },
      apiKeyLogicalIds: ['ApiKey'],
    }]);
  });

  test('ids are stable across loads; secrets come from the state when given', () => {
    const a = build(text);
    const b = build(text);
    const ids = (m: typeof a) => [m.userPools[0]!.id, m.userPools[0]!.clients[0]!.clientId, m.identityPools[0]!.id, m.apis[0]!.id, m.roles.map((r) => r.roleId)];
    expect(ids(b)).toEqual(ids(a));
    expect(b.apiKeys[0]!.value).not.toBe(a.apiKeys[0]!.value); // random without state
    const c = build(text, { secrets: { apiKeyValues: { ApiKey: a.apiKeys[0]!.value } } });
    expect(c.apiKeys[0]!.value).toBe(a.apiKeys[0]!.value);
  });

  test('another stack name or region gives other ids', () => {
    const a = build(text);
    const b = build(text, { stackName: 'other', region: 'eu-west-1' });
    expect(b.userPools[0]!.id).toMatch(/^eu-west-1_/);
    expect(b.userPools[0]!.clients[0]!.clientId).not.toBe(a.userPools[0]!.clients[0]!.clientId);
    expect(b.identityPools[0]!.id.startsWith('eu-west-1:')).toBe(true);
    expect(b.roles[1]!.statements[0]!.resources[0]).toContain('arn:aws:execute-api:eu-west-1:123456789012:');
    expect(b.userPools[0]!.name).toBe('other-users');
  });
});

describe('change the template and the model changes with it', () => {
  test('GenerateSecret: true gives the client a secret (kept from state when present)', () => {
    const t = edited('GenerateSecret: false', 'GenerateSecret: true');
    const client = build(t).userPools[0]!.clients[0]!;
    expect(client.clientSecret).toMatch(/^[a-z0-9]{52}$/);
    const again = build(t, { secrets: { clientSecrets: { UserPoolClient: 'kept-secret' } } });
    expect(again.userPools[0]!.clients[0]!.clientSecret).toBe('kept-secret');
    expect(build(text).userPools[0]!.clients[0]!.clientSecret).toBeUndefined();
  });

  test('password policy, case sensitivity and MFA', () => {
    let t = edited('MinimumLength: 8', 'MinimumLength: 12');
    t = t.replace('RequireSymbols: false', 'RequireSymbols: true').replace('CaseSensitive: false', 'CaseSensitive: true');
    t = t.replace('MfaConfiguration: OPTIONAL', 'MfaConfiguration: "OFF"').replace(/ *EnabledMfas:\n\s+- SOFTWARE_TOKEN_MFA\n\s+- SMS_MFA\n/, '');
    const pool = build(t).userPools[0]!;
    expect(pool.passwordPolicy.minimumLength).toBe(12);
    expect(pool.passwordPolicy.requireSymbols).toBe(true);
    expect(pool.usernameCaseSensitive).toBe(true);
    expect(pool.mfaConfiguration).toBe('OFF');
    expect(pool.enabledMfas).toEqual([]);
  });

  test('token validities follow TokenValidityUnits', () => {
    let t = edited('AccessTokenValidity: 60', 'AccessTokenValidity: 2');
    t = t.replace('AccessToken: minutes', 'AccessToken: hours').replace('RefreshTokenValidity: 30', 'RefreshTokenValidity: 90').replace('RefreshToken: days', 'RefreshToken: minutes');
    t = t.replace('AuthSessionValidity: 3', 'AuthSessionValidity: 10');
    const client = build(t).userPools[0]!.clients[0]!;
    expect(client.accessTokenValiditySeconds).toBe(7200);
    expect(client.refreshTokenValiditySeconds).toBe(5400);
    expect(client.authSessionValiditySeconds).toBe(600);
    expect(() => build(text.replace('AccessTokenValidity: 60', 'AccessTokenValidity: 2'))).toThrow(/AccessTokenValidity: 2 minutes is outside the allowed range \(5 minutes to 1 days\)/);
  });

  test('RefreshTokenRotation: off unless the client says ENABLED; grace 0–60 s', () => {
    expect(build(text).userPools[0]!.clients[0]!.refreshTokenRotation).toEqual({ enabled: false, retryGracePeriodSeconds: 0 });
    const on = edited('      EnableTokenRevocation: true\n', '      EnableTokenRevocation: true\n      RefreshTokenRotation:\n        Feature: ENABLED\n        RetryGracePeriodSeconds: 30\n');
    expect(build(on).userPools[0]!.clients[0]!.refreshTokenRotation).toEqual({ enabled: true, retryGracePeriodSeconds: 30 });
    expect(() => build(on.replace('RetryGracePeriodSeconds: 30', 'RetryGracePeriodSeconds: 61'))).toThrow(/RefreshTokenRotation\.RetryGracePeriodSeconds/);
    expect(() => build(on.replace('Feature: ENABLED', 'Feature: ON'))).toThrow(/RefreshTokenRotation\.Feature: must be ENABLED or DISABLED, not ON/);
  });

  test('route auth: per event, or the Api default when the event says nothing', () => {
    const t = edited('              Authorizer: AWS_IAM\n              ApiKeyRequired: true', '              Authorizer: NONE\n              ApiKeyRequired: false');
    expect(build(t).apis[0]!.routes[1]).toMatchObject({ path: '/require-auth', auth: 'NONE', apiKeyRequired: false });
    const t2 = edited('            Auth:\n              Authorizer: AWS_IAM\n              ApiKeyRequired: true\n', '');
    expect(build(t2).apis[0]!.routes[1]).toMatchObject({ path: '/require-auth', auth: 'AWS_IAM', apiKeyRequired: true });
    const t3 = edited('GetRequireAuth:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /require-auth\n            Method: GET',
      'GetRequireAuth:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /items/{id}\n            Method: any');
    expect(build(t3).apis[0]!.routes[1]).toMatchObject({ path: '/items/{id}', method: 'ANY', auth: 'AWS_IAM' });
  });

  test('Cognito authorizer: list of pool ARNs, its own header, ReauthorizeEvery ignored silently, its scopes under a method\'s own', () => {
    const authorizer = `          UserPoolAuthorizer:
            UserPoolArn: !GetAtt UserPool.Arn
            Identity:
              Header: Authorization
`;
    const t = edited(authorizer, `          UserPoolAuthorizer:
            UserPoolArn: [!GetAtt UserPool.Arn]
            AuthorizationScopes: [openid, email]
            Identity:
              Header: X-Id-Token
              ReauthorizeEvery: 300
              ValidationExpression: "[a-z0-9]+"
`);
    const { model, warnings } = buildStackModel(t, { templatePath: TEMPLATE });
    expect(warnings.filter((w) => !/HttpApi|FunctionUrl/.test(w))).toEqual([]);
    const [, , token, scope] = model.apis[0]!.routes;
    const authorizerModel = { name: 'UserPoolAuthorizer', userPoolIds: [model.userPools[0]!.id], header: 'x-id-token', validationExpression: '[a-z0-9]+' };
    // The method without scopes of its own takes the authorizer's; one with its own keeps them.
    expect(token).toMatchObject({ auth: 'COGNITO_USER_POOLS', cognitoAuthorizer: authorizerModel, authorizationScopes: ['openid', 'email'] });
    expect(scope).toMatchObject({ auth: 'COGNITO_USER_POOLS', cognitoAuthorizer: authorizerModel, authorizationScopes: ['aws.cognito.signin.user.admin'] });
    // An empty list on the method means no scopes: an ID token then.
    const t2 = edited('              AuthorizationScopes:\n                - aws.cognito.signin.user.admin\n', '              AuthorizationScopes: []\n');
    expect(build(t2).apis[0]!.routes[3]!.authorizationScopes).toBeUndefined();
  });

  test('a Lambda authorizer is not emulated: its routes are left out, with a warning', () => {
    const t = edited('            UserPoolArn: !GetAtt UserPool.Arn\n            Identity:\n              Header: Authorization\n', '            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth\n');
    const { model, warnings } = buildStackModel(t, { templatePath: TEMPLATE });
    expect(model.apis[0]!.routes.map((r) => r.path)).toEqual(['/no-auth', '/require-auth']);
    expect(warnings.filter((w) => /Lambda authorizer/.test(w))).toEqual([
      'Resources.RequireTokenFunction.Properties.Events.GetRequireToken.Properties.Auth.Authorizer: Lambda authorizer UserPoolAuthorizer is not emulated; GET /require-token is left out',
      'Resources.RequireScopeFunction.Properties.Events.GetRequireScope.Properties.Auth.Authorizer: Lambda authorizer UserPoolAuthorizer is not emulated; GET /require-scope is left out',
    ]);
  });

  test('parameter overrides change stage, throttle and quota', () => {
    const m = build(text, { parameterOverrides: { StageName: 'dev', ThrottleRateLimit: '2.5', ThrottleBurstLimit: '5', DailyQuota: '3' } });
    expect(m.apis[0]!.stageName).toBe('dev');
    expect(m.usagePlans[0]).toMatchObject({ stages: [{ apiLogicalId: 'Api', stage: 'dev' }], throttle: { rateLimit: 2.5, burstLimit: 5 }, quota: { limit: 3 } });
  });

  test('roles and identity pool settings', () => {
    let t = edited('AllowUnauthenticatedIdentities: true', 'AllowUnauthenticatedIdentities: false');
    const guestPolicy = '- PolicyName: invoke-guest-route\n          PolicyDocument:\n            Version: "2012-10-17"\n            Statement:\n              - Effect: ';
    expect(t).toContain(`${guestPolicy}Allow`);
    t = t.replace(`${guestPolicy}Allow`, `${guestPolicy}Deny`);
    const m = build(t);
    expect(m.identityPools[0]!.allowUnauthenticated).toBe(false);
    expect(m.roles.find((r) => r.logicalId === 'UnauthenticatedRole')!.statements[0]!.effect).toBe('Deny');
  });
});

describe('intrinsics', () => {
  const mini = (resources: string, extra = '') => `${extra}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
${resources}
`;
  test('long forms, both !Sub forms, !Join, escapes and pseudo parameters', () => {
    const t = `{
      "Parameters": { "Suffix": { "Type": "String", "Default": "x" } },
      "Resources": { "Pool": { "Type": "AWS::Cognito::UserPool", "Properties": {
        "UserPoolName": { "Fn::Join": ["-", [{ "Ref": "AWS::StackName" }, { "Fn::Sub": ["\${A}\${!Lit}", { "A": { "Ref": "Suffix" } }] }, { "Ref": "AWS::Partition" }, { "Ref": "AWS::URLSuffix" }]] } } } } }`;
    expect(build(t).userPools[0]!.name).toBe('authapi-local-x${Lit}-aws-amazonaws.com');
    const y = mini('      UserPoolName: !Join\n        - ":"\n        - - !Sub "${AWS::Region}"\n          - !Sub ["${X}", {X: !GetAtt Pool.Arn}]\n          - !Ref AWS::AccountId');
    expect(build(y).userPools[0]!.name).toMatch(/^us-east-1:arn:aws:cognito-idp:us-east-1:123456789012:userpool\/us-east-1_\w{9}:123456789012$/);
  });

  test('conditions and !If', () => {
    const y = mini('      UserPoolName: !If [IsProd, prod-pool, other-pool]', 'Parameters:\n  Env: {Type: String, Default: dev}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n');
    expect(build(y).userPools[0]!.name).toBe('other-pool');
    expect(build(y, { parameterOverrides: { Env: 'prod' } }).userPools[0]!.name).toBe('prod-pool');
  });
});

describe('templates it cannot use fail with the file and the place', () => {
  const fails = (t: string, re: RegExp, extra: Partial<Parameters<typeof buildStackModel>[1]> = {}) => {
    let err: unknown;
    try {
      build(t, extra);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message.startsWith(`${TEMPLATE}: `)).toBe(true);
    expect((err as Error).message).toMatch(re);
  };
  test('unknown Ref, with its line', () => {
    fails(edited('UserPoolId: !Ref UserPool', 'UserPoolId: !Ref NoSuchPool'), /Resources\.UserPoolDomain\.Properties\.UserPoolId \(Ref\) \(line \d+\): !Ref NoSuchPool: no parameter/);
  });
  test('unknown attribute', () => {
    fails(edited('!GetAtt UserPool.ProviderName', '!GetAtt UserPool.Nope'), /attribute Nope of AWS::Cognito::UserPool is not supported/);
  });
  test('bad parameter override, unknown override, bad YAML, unsupported authorizer, missing handler', () => {
    fails(text, /Parameters\.StageName: "bad-name!" does not match AllowedPattern/, { parameterOverrides: { StageName: 'bad-name!' } });
    fails(text, /override for Nope, but the template has no such parameter/, { parameterOverrides: { Nope: '1' } });
    fails(text, /DailyQuota: "lots" is not a number/, { parameterOverrides: { DailyQuota: 'lots' } });
    fails('Resources:\n  A: [\n', /line \d+: not valid YAML/);
    fails(edited('              Authorizer: AWS_IAM\n', '              Authorizer: MyCognitoAuth\n'), /Auth\.Authorizer: authorizer MyCognitoAuth is not supported/);
    fails(edited('            UserPoolArn: !GetAtt UserPool.Arn\n', '            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Elsewhere\n'),
      /Resources\.Api\.Properties\.Auth\.Authorizers\.UserPoolAuthorizer\.UserPoolArn: must be the ARN of a user pool of this template/);
    fails(edited('              AuthorizationScopes:\n                - aws.cognito.signin.user.admin\n', '              AuthorizationScopes: aws.cognito.signin.user.admin\n'),
      /Events\.GetRequireScope\.Properties\.Auth\.AuthorizationScopes: must be a list of scope names/);
    fails(edited('Handler: no-auth.handler', 'Handler: missing.handler'), new RegExp(`missing\\.handler: no handler file \\(looked for ${join(resolve('infra/functions'), 'missing')}\\.mjs`));
  });
  test('unknown short tag, unsupported function, empty template', () => {
    fails(edited('ClientName: authapi-cli', 'ClientName: !Frobnicate x'), /line \d+: Unresolved tag: !Frobnicate/);
    fails(edited('ClientName: authapi-cli', 'ClientName: !ImportValue other-stack-client'), /Fn::ImportValue is not supported by the emulator/);
    fails('Description: nothing\n', /Resources: missing or empty/);
  });
  test('a missing template file', async () => {
    await expect(loadStack({ templatePath: '/nonexistent/template.yaml' })).rejects.toThrow('/nonexistent/template.yaml: no such file');
  });
});

describe('SAM features beyond the reference template', () => {
  const fnDir = resolve('infra/functions');
  const sam = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: ${fnDir}
    Runtime: nodejs20.x
  Api:
    Auth:
      DefaultAuthorizer: AWS_IAM
Resources:
  Open:
    Type: AWS::Serverless::Function
    Properties:
      Handler: no-auth.handler
      Events:
        Root: { Type: Api, Properties: { Path: /, Method: get, Auth: { Authorizer: NONE } } }
        Items: { Type: Api, Properties: { Path: "/items/{id}", Method: post } }
        Queue: { Type: SQS, Properties: { Queue: arn:aws:sqs:us-east-1:123456789012:q } }
        Http: { Type: HttpApi, Properties: { Path: /h, Method: get } }
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: fixed-role-name
      Path: /app/
      AssumeRolePolicyDocument: {}
  ExtraPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          Effect: Deny
          NotAction: execute-api:Invoke
          NotResource: !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${ServerlessRestApi}/Prod/*"
  Topic:
    Type: AWS::SNS::Topic
`;

  test("the implicit ServerlessRestApi (stage Prod), Globals, IAM::Policy, RoleName/Path, ignored resources", () => {
    const { model, warnings } = buildStackModel(sam, { templatePath: TEMPLATE });
    expect(model.apis).toHaveLength(1);
    const api = model.apis[0]!;
    expect(api).toMatchObject({ logicalId: 'ServerlessRestApi', stageName: 'Prod' });
    expect(api.routes).toEqual([
      { method: 'GET', path: '/', auth: 'NONE', apiKeyRequired: false, functionLogicalId: 'Open', handlerFile: join(fnDir, 'no-auth.mjs'), handlerExport: 'handler' },
      { method: 'POST', path: '/items/{id}', auth: 'AWS_IAM', apiKeyRequired: false, functionLogicalId: 'Open', handlerFile: join(fnDir, 'no-auth.mjs'), handlerExport: 'handler' },
    ]);
    const role = model.roles[0]!;
    expect(role).toMatchObject({ name: 'fixed-role-name', arn: 'arn:aws:iam::123456789012:role/app/fixed-role-name' });
    expect(role.statements).toEqual([{ effect: 'Deny', actions: [], notActions: ['execute-api:Invoke'], resources: [], notResources: [`arn:aws:execute-api:us-east-1:123456789012:${api.id}/Prod/*`] }]);
    // An HttpApi event without ApiId goes to SAM's implicit ServerlessHttpApi ($default, no auth).
    expect(model.httpApis).toEqual([{
      logicalId: 'ServerlessHttpApi', id: expect.stringMatching(/^[a-z0-9]{10}$/), stageName: '$default', authorizers: [],
      routes: [{ method: 'GET', path: '/h', auth: 'NONE', apiKeyRequired: false, functionLogicalId: 'Open', handlerFile: join(fnDir, 'no-auth.mjs'), handlerExport: 'handler' }],
    }]);
    expect(warnings).toEqual(['Resources.Topic: AWS::SNS::Topic is not emulated']);
  });

  test('a non-Node runtime is refused', () => {
    expect(() => buildStackModel(sam.replace('nodejs20.x', 'python3.12'), { templatePath: TEMPLATE })).toThrow(/Runtime: python3\.12 is not supported: the emulator runs Node\.js handlers in-process/);
  });
});

describe('HTTP APIs and function URLs', () => {
  const fnDir = resolve('infra/functions');
  const sam = (apiProps: string, eventProps: string, extra = '') => `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: ${fnDir}
    Runtime: nodejs20.x
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: { UserPoolId: !Ref Pool }
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
${apiProps}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: me.handler
      Events:
        E:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
${eventProps}
${extra}`;
  const jwtAuth = `      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            AuthorizationScopes: [a/read]
            JwtConfiguration:
              issuer: !GetAtt Pool.ProviderURL
              audience: [!Ref Client]`;
  const fails = (t: string, re: RegExp) => expect(() => buildStackModel(t, { templatePath: TEMPLATE })).toThrow(re);

  test('an explicit StageName, the authorizer\'s scopes as the route default, greedy paths, ANY and the $default route', () => {
    const t = sam(`      StageName: v1\n${jwtAuth}`, '            Path: "/items/{proxy+}"\n            Method: any', `
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Handler: admin.handler
      Events:
        Fallback: { Type: HttpApi, Properties: { ApiId: !Ref Http, Auth: { Authorizer: NONE } } }`);
    const [api] = build(t).httpApis!;
    expect(api!.stageName).toBe('v1');
    expect(api!.authorizers[0]!.issuer).toMatch(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_/);
    expect(api!.routes.map((r) => [r.method, r.path, r.auth, r.authorizationScopes])).toEqual([
      ['ANY', '/items/{proxy+}', 'JWT', ['a/read']],
      ['ANY', '$default', 'NONE', undefined],
    ]);
  });

  test('what the emulator cannot honour is refused or left out, saying where', () => {
    fails(sam('      Auth: {}', '            Path: /x\n            Method: get\n            Auth: { Authorizer: AWS_IAM }'), /Events\.E\.Properties\.Auth\.Authorizer: AWS_IAM needs Auth\.EnableIamAuthorizer: true on Http/);
    fails(sam(jwtAuth, '            Path: /x\n            Method: get\n            Auth: { Authorizer: Nope }'), /authorizer Nope is not AWS_IAM, NONE or one of Http's Auth\.Authorizers/);
    fails(sam(jwtAuth.replace('audience: [!Ref Client]', 'audience: []'), '            Path: /x\n            Method: get'), /JwtConfiguration\.audience: must list at least one audience/);
    fails(sam(`${jwtAuth}\n            IdentitySource: $request.querystring.token`, '            Path: /x\n            Method: get'), /IdentitySource: must be \$request\.header\.<Name>/);
    fails(sam('      Auth: {}', '            Path: x\n            Method: get'), /Events\.E\.Properties\.Path: must be a path starting with \//);
    const lambdaAuth = `      Auth:\n        DefaultAuthorizer: L\n        Authorizers:\n          L: { FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth }`;
    const { model, warnings } = buildStackModel(sam(lambdaAuth, '            Path: /x\n            Method: get'), { templatePath: TEMPLATE });
    expect(model.httpApis![0]!.routes).toEqual([]);
    expect(warnings).toContain('Resources.Http.Properties.Auth.Authorizers.L: Lambda authorizers are not emulated; the routes that use L are left out');
  });

  test('a function URL: Ref and GetAtt of <function>Url resolve, AuthType is checked', () => {
    const url = (authType: string) => `
  FnWithUrl:
    Type: AWS::Serverless::Function
    Properties:
      Handler: function-url.handler
      FunctionUrlConfig: { AuthType: ${authType} }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunctionUrl
                Resource: [!Ref FnWithUrlUrl, !GetAtt FnWithUrlUrl.FunctionArn, !GetAtt FnWithUrlUrl.FunctionUrl, !GetAtt FnWithUrl.Arn]`;
    const m = build(sam('      Auth: {}', '            Path: /x\n            Method: get', url('NONE')));
    const [fu] = m.functionUrls!;
    expect(fu).toMatchObject({ functionLogicalId: 'FnWithUrl', authType: 'NONE', handlerFile: join(fnDir, 'function-url.mjs') });
    expect(m.roles[0]!.statements[0]!.resources).toEqual([fu!.functionArn, fu!.functionArn, `https://${fu!.urlId}.lambda-url.us-east-1.on.aws/`, fu!.functionArn]);
    fails(sam('      Auth: {}', '            Path: /x\n            Method: get', url('COGNITO')), /FunctionUrlConfig\.AuthType: must be AWS_IAM or NONE, not COGNITO/);
  });
});
