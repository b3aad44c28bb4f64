// Conditions in a role's permission policy, evaluated on real requests: the emulator
// started from template variants, credentials obtained with amazon-cognito-identity-js
// and the AWS SDK, requests signed by aws4.
import aws4 from 'aws4';
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { userCreds, type Creds } from '../helpers/credentials.js';
import { authenticatedRoleStatements, templateWith } from '../helpers/template.js';

const open: LocalStack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function stackWith(statements: string): Promise<LocalStack> {
  const s = await startLocal({ templatePath: templateWith((y) => authenticatedRoleStatements(y, statements)) });
  open.push(s);
  return s;
}

async function call(s: LocalStack, route: string, creds: Creds, headers: Record<string, string> = {}) {
  const url = new URL(`${s.info.apiUrl}/${route}`);
  const signed = aws4.sign({ host: url.host, path: url.pathname, method: 'GET', service: 'execute-api', region: s.info.region, headers: { 'x-api-key': s.info.apiKey, ...headers } }, creds);
  const res = await fetch(url, { headers: signed.headers as Record<string, string> });
  return { status: res.status, body: await res.text() };
}

const allow = (condition: string) => `              - Effect: Allow
                Action: execute-api:Invoke
                Resource: !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/*"
                Condition:
${condition}
`;

describe('conditional Allow', () => {
  test('IpAddress on aws:SourceIp: a range that holds the caller allows, another does not', async () => {
    const local = await stackWith(allow('                  IpAddress:\n                    "aws:SourceIp": ["127.0.0.0/8", "::1/128"]\n'));
    expect((await call(local, 'require-auth', await userCreds(local))).status).toBe(200);
    const remote = await stackWith(allow('                  IpAddress:\n                    "aws:SourceIp": 10.0.0.0/8\n'));
    const denied = await call(remote, 'require-auth', await userCreds(remote));
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body).Message).toMatch(/is not authorized to perform: execute-api:Invoke on resource: .*GET\/require-auth because no identity-based policy allows the execute-api:Invoke action$/);
  });

  test('Cognito keys: amr, aud; StringLike on the user agent; the decision follows each request', async () => {
    const s = await stackWith(allow(`                  "ForAnyValue:StringLike":
                    "cognito-identity.amazonaws.com:amr": authenticated
                  StringEquals:
                    "cognito-identity.amazonaws.com:aud": !Ref IdentityPool
                  StringLike:
                    "aws:UserAgent": "allowed-agent/*"
`));
    const creds = await userCreds(s);
    expect((await call(s, 'require-auth', creds, { 'User-Agent': 'allowed-agent/1.0' })).status).toBe(200);
    expect((await call(s, 'require-auth', creds, { 'User-Agent': 'other-agent/1.0' })).status).toBe(403);
    expect((await call(s, 'require-auth', creds, { 'User-Agent': 'allowed-agent/2.0' })).status).toBe(200);
  });

  test('Date, Numeric, Bool and Null on the request context', async () => {
    const s = await stackWith(allow(`                  DateGreaterThan:
                    "aws:CurrentTime": "2020-01-01T00:00:00Z"
                  NumericGreaterThan:
                    "aws:EpochTime": 1577836800
                  Bool:
                    "aws:SecureTransport": "false"
                  "Null":
                    "aws:TokenIssueTime": "false"
`));
    expect((await call(s, 'require-auth', await userCreds(s))).status).toBe(200);
    const https = await stackWith(allow('                  Bool:\n                    "aws:SecureTransport": "true"\n'));
    expect((await call(https, 'require-auth', await userCreds(https))).status).toBe(403);
  });
});

describe('explicit Deny, NotAction, NotResource', () => {
  test('a conditional Deny wins only when its condition holds', async () => {
    const statements = (denyWhen: string) => `              - Effect: Allow
                Action: execute-api:Invoke
                Resource: "*"
              - Effect: Deny
                Action: execute-api:Invoke
                Resource: !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/require-auth"
                Condition:
${denyWhen}
`;
    const s = await stackWith(statements('                  NotIpAddress:\n                    "aws:SourceIp": 10.0.0.0/8\n'));
    const denied = await call(s, 'require-auth', await userCreds(s));
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body).Message).toMatch(/GET\/require-auth with an explicit deny$/);
    const t = await stackWith(statements('                  DateLessThan:\n                    "aws:CurrentTime": "2000-01-01T00:00:00Z"\n'));
    expect((await call(t, 'require-auth', await userCreds(t))).status).toBe(200);
  });

  test('NotResource and NotAction', async () => {
    const s = await stackWith(`              - Effect: Allow
                NotAction: execute-api:ManageConnections
                NotResource: !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/no-auth"
`);
    const creds = await userCreds(s);
    expect((await call(s, 'require-auth', creds)).status).toBe(200);
    const d = await stackWith(`              - Effect: Allow
                Action: execute-api:*
                Resource: "*"
              - Effect: Deny
                NotAction: execute-api:Invoke
                Resource: "*"
              - Effect: Deny
                Action: execute-api:Invoke
                NotResource: !Sub "arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/no-auth"
`);
    const r = await call(d, 'require-auth', await userCreds(d));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).Message).toMatch(/with an explicit deny$/);
  });
});

test('an operator the emulator cannot evaluate refuses the template at start, naming the place', async () => {
  const path = templateWith((y) => authenticatedRoleStatements(y, allow('                  BinaryEquals:\n                    "aws:SourceIp": "QmluYXJ5"\n')));
  await expect(startLocal({ templatePath: path })).rejects.toThrow(
    `${path}: Resources.AuthenticatedRole.Properties.Policies[0].PolicyDocument.Statement[0].Condition: operator BinaryEquals is not supported by the emulator`,
  );
});
