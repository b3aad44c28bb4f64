import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildStackModel, TemplateError } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const text = readFileSync(TEMPLATE, 'utf8');

function edited(from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}
const build = (t: string, parameterOverrides?: Record<string, string>) =>
  buildStackModel(t, { templatePath: TEMPLATE, ...(parameterOverrides ? { parameterOverrides } : {}) }).model;
function fails(t: string, re: RegExp, overrides?: Record<string, string>): void {
  let err: unknown;
  try {
    build(t, overrides);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TemplateError);
  expect((err as Error).message).toMatch(re);
}

describe('managed-login settings of the template', () => {
  test('callback URLs come from the parameters, exactly as given', () => {
    const model = build(text, { LoginCallbackUrls: 'http://localhost:9/cb/', LoginLogoutUrls: 'https://app.example.com/bye' });
    expect(model.userPools[0]!.clients[0]!.oauth).toMatchObject({ callbackUrls: ['http://localhost:9/cb/'], logoutUrls: ['https://app.example.com/bye'] });
  });

  test('a client without AllowedOAuthFlowsUserPoolClient has no OAuth settings', () => {
    expect(build(edited('AllowedOAuthFlowsUserPoolClient: true', 'AllowedOAuthFlowsUserPoolClient: false')).userPools[0]!.clients[0]!.oauth).toBeUndefined();
  });

  test('what Cognito refuses when the stack is created is refused with the place', () => {
    fails(text, /CallbackURLs: http:\/\/example\.com\/cb: http is allowed only for localhost/, { LoginCallbackUrls: 'http://example.com/cb' });
    fails(text, /CallbackURLs: https:\/\/a\.example\/#x: must not have a fragment/, { LoginCallbackUrls: 'https://a.example/#x' });
    fails(edited('        - code\n', '        - code\n        - client_credentials\n'), /client_credentials cannot be combined/);
    fails(edited('        - openid\n        - email\n', '        - email\n'), /email, phone and profile need openid/);
    fails(edited('        - profile\n', '        - profile\n        - orders/read\n'), /orders\/read is neither a reserved scope nor a scope of a resource server/);
    fails(edited('      CallbackURLs: !Ref LoginCallbackUrls\n', ''), /CallbackUrls can not be empty/);
  });

  test('a resource server makes its scopes allowed; client_credentials needs a secret', () => {
    const server = `  Orders:\n    Type: AWS::Cognito::UserPoolResourceServer\n    Properties:\n      UserPoolId: !Ref UserPool\n      Identifier: orders\n      Name: orders\n      Scopes:\n        - ScopeName: read\n          ScopeDescription: read orders\n\n  UserPoolSmsRole:`;
    const t = edited('  UserPoolSmsRole:', server).replace('        - profile\n', '        - profile\n        - orders/read\n');
    const model = build(t);
    expect(model.userPools[0]!.resourceScopes).toEqual(['orders/read', 'authapi/admin']);
    expect(model.userPools[0]!.clients[0]!.oauth!.scopes).toContain('orders/read');
    const m2m = t.replace('        - code\n', '        - client_credentials\n');
    fails(m2m, /client_credentials needs GenerateSecret: true/);
    expect(build(m2m.replace('GenerateSecret: false', 'GenerateSecret: true')).userPools[0]!.clients[0]!.oauth!.flows).toEqual(['client_credentials']);
  });
});
