// Template variants for emulator tests: the packaged template with its code path made
// absolute and the given edits applied, written to a temp file.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../helpers/cli.js';

export function templateWith(edit: (yaml: string) => string = (y) => y): string {
  let text = readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8');
  text = text.replace(/CodeUri: functions\//g, `CodeUri: ${join(ROOT, 'infra', 'functions')}/`);
  const edited = edit(text);
  const path = join(tempDir('authapi-template-'), 'template.yaml');
  writeFileSync(path, edited);
  return path;
}

/** Replaces one exact piece of the template, failing loudly when it is not there. */
export function replaceOnce(yaml: string, from: string, to: string): string {
  if (!yaml.includes(from)) throw new Error(`template variant: ${JSON.stringify(from)} is not in the template`);
  return yaml.replace(from, to);
}

/** The AuthenticatedRole's execute-api statement (REST and HTTP API routes) replaced by `statements` (YAML at 14 spaces). */
export function authenticatedRoleStatements(yaml: string, statements: string): string {
  const from = `              - Effect: Allow
                Action: execute-api:Invoke
                Resource:
                  - !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/no-auth"
                  - !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/require-auth"
                  - !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${HttpApi}/*/GET/iam"
`;
  return replaceOnce(yaml, from, statements);
}

/** The packaged template plus a second user pool (two clients), identity pool and API (same stage name). */
const EXTRA_RESOURCES = `
  PartnerPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: partners
  PartnerClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref PartnerPool
      ClientName: partner-web
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  PartnerAdminClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref PartnerPool
      ClientName: partner-admin
      GenerateSecret: true
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH]
  PartnerIdentities:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: false
      CognitoIdentityProviders:
        - ClientId: !Ref PartnerClient
          ProviderName: !GetAtt PartnerPool.ProviderName
  PartnerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: cognito-identity.amazonaws.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                "cognito-identity.amazonaws.com:aud": !Ref PartnerIdentities
              "ForAnyValue:StringLike":
                "cognito-identity.amazonaws.com:amr": authenticated
  PartnerIdentityRoles:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref PartnerIdentities
      Roles:
        authenticated: !GetAtt PartnerRole.Arn
  PartnerApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref StageName
  PartnerFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: no-auth.handler
      Events:
        Hello:
          Type: Api
          Properties:
            RestApiId: !Ref PartnerApi
            Path: /partners/{id}
            Method: GET
`;

export function multiTemplate(): string {
  return templateWith((y) => replaceOnce(y, '\n  # --- Usage plan and API key', `${EXTRA_RESOURCES}\n  # --- Usage plan and API key`));
}

/**
 * The packaged template with SAM `Cors` on the API, a DEFAULT_4XX gateway response
 * that adds Access-Control-Allow-Origin, and handlers that add it to their answers
 * (with a proxy integration that is the function's job). `preflightFlags: false`
 * leaves SAM's defaults: the preflight then needs the API's IAM auth and key.
 */
export function corsTemplate(opts: { preflightFlags?: boolean } = {}): string {
  const functions = join(tempDir('authapi-cors-fns-'), 'functions');
  mkdirSync(functions);
  // Every function of the template needs its handler; the two CORS ones are replaced below.
  for (const f of readdirSync(join(ROOT, 'infra', 'functions'))) copyFileSync(join(ROOT, 'infra', 'functions', f), join(functions, f));
  const handler = (message: string) =>
    `export const handler = async () => ({ statusCode: 200, headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify({ message: ${JSON.stringify(message)} }) });\n`;
  writeFileSync(join(functions, 'no-auth.mjs'), handler('Open for All!'));
  writeFileSync(join(functions, 'require-auth.mjs'), handler("You're past the velvet rope!"));
  return templateWith((y) => {
    let t = y.replace(new RegExp(`CodeUri: ${join(ROOT, 'infra', 'functions')}/`, 'g'), `CodeUri: ${functions}/`);
    const flags = opts.preflightFlags === false ? '' : '        AddDefaultAuthorizerToCorsPreflight: false\n        AddApiKeyRequiredToCorsPreflight: false\n';
    // The flags go into Auth; Cors and GatewayResponses after the whole Auth block
    // (it ends with the authorizers), as properties of the API.
    t = replaceOnce(t, '        InvokeRole: NONE\n', `        InvokeRole: NONE\n${flags}`);
    t = replaceOnce(t, '              Header: Authorization\n', `              Header: Authorization
      Cors:
        AllowOrigin: "'*'"
        AllowHeaders: "'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Amz-Content-Sha256,X-Api-Key'"
        MaxAge: "'600'"
      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'*'"
`);
    return t;
  });
}
