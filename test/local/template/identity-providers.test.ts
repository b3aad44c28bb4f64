// The template's OIDC identity provider: absent by default (the product template
// deploys without one), present with its issuer parameter, and refused where Cognito
// would refuse the stack.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildStackModel, TemplateError } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const text = readFileSync(TEMPLATE, 'utf8');
const ON = { FederatedOidcIssuer: 'https://idp.example.test', FederatedOidcClientId: 'pool-at-idp', FederatedOidcClientSecret: 's3cret' };

const build = (t: string, parameterOverrides?: Record<string, string>) =>
  buildStackModel(t, { templatePath: TEMPLATE, ...(parameterOverrides ? { parameterOverrides } : {}) });
function edited(from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}
function fails(t: string, re: RegExp, overrides?: Record<string, string>): void {
  expect(() => build(t, overrides)).toThrow(TemplateError);
  expect(() => build(t, overrides)).toThrow(re);
}

describe('the Corporate OIDC provider of the template', () => {
  test('off by default: no provider, the client supports COGNITO only', () => {
    const pool = build(text).model.userPools[0]!;
    expect(pool.identityProviders).toBeUndefined();
    expect(pool.clients[0]!.oauth!.identityProviders).toEqual(['COGNITO']);
  });

  test('on with its issuer: the provider as the template declares it, and the client supports it', () => {
    const { model, warnings } = build(text, ON);
    const pool = model.userPools[0]!;
    expect(pool.identityProviders).toEqual([{
      logicalId: 'CorporateIdentityProvider', name: 'Corporate', type: 'OIDC', clientId: 'pool-at-idp', clientSecret: 's3cret',
      authorizeScopes: ['openid', 'email', 'profile'], issuer: 'https://idp.example.test', attributesRequestMethod: 'GET',
      attributeMapping: { username: 'sub', email: 'email', email_verified: 'email_verified', name: 'name' },
    }]);
    expect(pool.clients[0]!.oauth!.identityProviders).toEqual(['COGNITO', 'Corporate']);
    expect(warnings.join('\n')).not.toMatch(/UserPoolIdentityProvider/);
  });

  test('what Cognito refuses is refused with the place', () => {
    fails(edited('        authorize_scopes: openid email profile', '        authorize_scopes: email profile'), /authorize_scopes: must include openid/, ON);
    fails(edited('        attributes_request_method: GET', '        attributes_request_method: PUT'), /attributes_request_method: must be GET or POST/, ON);
    fails(edited('      ProviderName: Corporate', '      ProviderName: _Corporate'), /ProviderName: "_Corporate" must be/, ON);
    fails(edited('        - [COGNITO]\n', '        - [COGNITO, Google]\n'), /SupportedIdentityProviders: Google is not an identity provider of user pool UserPool/);
  });

  test('a SAML provider is declared but not emulated: a warning, and the client may still name it', () => {
    const t = edited('      ProviderType: OIDC\n', '      ProviderType: SAML\n');
    const { model, warnings } = build(t, ON);
    expect(model.userPools[0]!.identityProviders).toBeUndefined();
    expect(model.userPools[0]!.clients[0]!.oauth!.identityProviders).toEqual(['COGNITO', 'Corporate']);
    expect(warnings).toContain('Resources.CorporateIdentityProvider: SAML identity providers are not emulated (OIDC ones are)');
  });
});
