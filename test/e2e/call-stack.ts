// The local stack for the calling side's end-to-end tests: infra/template.yaml plus
// one `ANY /{proxy+}` AWS_IAM route whose handler echoes what API Gateway handed it,
// open to guests too, so odd paths and queries reach the emulator's own SigV4
// verifier (@smithy/signature-v4, independent of aws4) and come back for inspection.
import type { Profile } from '../../src/config/profile.js';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { CognitoIdentityClient, GetIdCommand, GetCredentialsForIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import type { AwsCredentials, GetCredentials } from '../../src/http/credential-source.js';
import { ROOT, tempDir, writeProfiles } from '../helpers/cli.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';

const ECHO = `export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    path: event.path,
    requestPath: event.requestContext.path,
    method: event.httpMethod,
    query: event.multiValueQueryStringParameters,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
    authType: event.requestContext.identity.cognitoAuthenticationType,
  }),
});
`;

/** With `headers`, the echo also shows the request's headers (secrets included: for tests of headers only). */
export function echoTemplate(opts: { headers?: boolean } = {}): string {
  const dir = tempDir('authapi-echo-');
  const fnDir = join(dir, 'fn');
  mkdirSync(fnDir);
  writeFileSync(join(fnDir, 'echo.mjs'), opts.headers ? ECHO.replace('  }),\n});', '    headers: event.multiValueHeaders,\n  }),\n});') : ECHO);
  const doc = parseDocument(readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8'));
  doc.setIn(['Globals', 'Function', 'CodeUri'], relative(dir, join(ROOT, 'infra', 'functions')) + '/');
  doc.setIn(['Resources', 'EchoFunction'], doc.createNode({
    Type: 'AWS::Serverless::Function',
    Properties: {
      Handler: 'echo.handler',
      CodeUri: 'fn/',
      Events: { Echo: { Type: 'Api', Properties: { RestApiId: { Ref: 'Api' }, Path: '/{proxy+}', Method: 'ANY', Auth: { Authorizer: 'AWS_IAM', ApiKeyRequired: true } } } },
    },
  }));
  // Users and guests may call the echo route (guests still not /require-auth).
  const echoArn = { 'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*/echo/*' };
  const unauth = ['Resources', 'UnauthenticatedRole', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 0, 'Resource'];
  doc.setIn(unauth, doc.createNode([{ 'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/no-auth' }, echoArn]));
  const auth = ['Resources', 'AuthenticatedRole', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 0, 'Resource'];
  doc.setIn(auth, doc.createNode([
    { 'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/no-auth' },
    { 'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/require-auth' },
    echoArn,
  ]));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, doc.toString());
  return path;
}

/** Guest credentials straight from the emulator's Identity Pool (no login layer needed). */
export async function guestCredentials(stack: LocalStack): Promise<AwsCredentials> {
  const client = new CognitoIdentityClient({
    region: stack.info.region,
    endpoint: stack.info.endpoints.cognitoIdentity,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: stack.info.identityPoolId }));
  const { Credentials } = await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  return {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretKey!,
    sessionToken: Credentials!.SessionToken!,
    expiration: Credentials!.Expiration!.getTime(),
  };
}

/** A provider that always answers with the stack's guest credentials (fetched once). */
export function guestProvider(stack: LocalStack): GetCredentials & { calls: number } {
  let cached: Promise<AwsCredentials> | undefined;
  const fn = (async () => {
    fn.calls += 1;
    return (cached ??= guestCredentials(stack));
  }) as unknown as GetCredentials & { calls: number };
  fn.calls = 0;
  return fn;
}

export function profileFor(stack: LocalStack): Profile {
  return { ...profileFromLocalInfo(stack.info) };
}

export function writeProfile(dir: string, stack: LocalStack, name = 'local'): void {
  writeProfiles(dir, { [name]: profileFor(stack) });
}

export { startLocal };
