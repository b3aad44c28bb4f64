// AWS::Cognito::UserPoolIdentityProvider: the federated providers of a pool, and the
// app clients' SupportedIdentityProviders checked against them, as CloudFormation and
// Cognito check them when the stack is created. Only OIDC providers are emulated (a
// stand-in runs for each, src/local/oidc-provider/); other types are left out with a
// warning, and a client naming one of them can still sign in with the others.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolidentityprovider.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
import type { IdentityProviderModel, UserPoolModel } from '../model.js';
import type { Builder } from './build-model.js';
import { isObject } from './values.js';

const TYPES = ['SAML', 'Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple', 'OIDC'];
/** CreateIdentityProvider's ProviderName pattern: no underscore or space at either end, 1–32 characters. */
const NAME = /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}]{0,30}[^_\p{Z}]$|^[^_\p{Z}]$/u;

export function attachIdentityProviders(b: Builder, userPools: UserPoolModel[]): void {
  for (const logicalId of b.byType('AWS::Cognito::UserPoolIdentityProvider')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool) return b.fail(`${where}.UserPoolId`, 'must be a user pool of this template (!Ref <UserPool>)');
    const name = typeof p.ProviderName === 'string' ? p.ProviderName : '';
    if (!NAME.test(name)) return b.fail(`${where}.ProviderName`, `${JSON.stringify(name)} must be 1 to 32 characters, not starting or ending with "_" or a space`);
    if (name === 'COGNITO' || pool.identityProviders?.some((i) => i.name === name)) return b.fail(`${where}.ProviderName`, `${name} is already a provider of this pool`);
    const type = String(p.ProviderType ?? '');
    if (!TYPES.includes(type)) return b.fail(`${where}.ProviderType`, `must be one of ${TYPES.join(', ')}, not ${JSON.stringify(type)}`);
    if (type !== 'OIDC') {
      b.warnings.push(`Resources.${logicalId}: ${type} identity providers are not emulated (OIDC ones are)`);
      continue;
    }
    (pool.identityProviders ??= []).push(oidcProvider(b, logicalId, name, p.ProviderDetails, p.AttributeMapping, where));
  }
}

function oidcProvider(b: Builder, logicalId: string, name: string, details: unknown, mapping: unknown, where: string): IdentityProviderModel {
  if (!isObject(details)) return b.fail(`${where}.ProviderDetails`, 'is required: client_id, client_secret, authorize_scopes, oidc_issuer, attributes_request_method');
  const str = (key: string): string | undefined => (details[key] === undefined || details[key] === '' ? undefined : String(details[key]));
  const clientId = str('client_id');
  if (!clientId) return b.fail(`${where}.ProviderDetails.client_id`, 'is required for an OIDC provider');
  const scopes = (str('authorize_scopes') ?? '').split(' ').filter(Boolean);
  // Cognito needs openid to receive an ID token (the OIDC provider setup guide: "The scope openid is required").
  if (!scopes.includes('openid')) return b.fail(`${where}.ProviderDetails.authorize_scopes`, 'must include openid');
  const issuer = str('oidc_issuer');
  if (!issuer) {
    // The four explicit endpoints instead of discovery are not emulated: the stand-in has its own.
    return b.fail(`${where}.ProviderDetails.oidc_issuer`, 'is required (the emulator does not take authorize_url/token_url/attributes_url/jwks_uri instead)');
  }
  const method = str('attributes_request_method') ?? 'GET';
  if (method !== 'GET' && method !== 'POST') return b.fail(`${where}.ProviderDetails.attributes_request_method`, `must be GET or POST, not ${method}`);
  const attributeMapping: Record<string, string> = { username: 'sub' };
  if (mapping !== undefined) {
    if (!isObject(mapping)) return b.fail(`${where}.AttributeMapping`, 'must be a mapping of user pool attribute to provider claim');
    for (const [attr, claim] of Object.entries(mapping)) attributeMapping[attr] = String(claim);
  }
  const secret = str('client_secret');
  return {
    logicalId, name, type: 'OIDC', clientId, ...(secret !== undefined ? { clientSecret: secret } : {}),
    authorizeScopes: scopes, issuer, attributesRequestMethod: method, attributeMapping,
  };
}

/**
 * Every name in a client's SupportedIdentityProviders must be COGNITO or a provider of
 * its pool (Cognito refuses the client otherwise, naming the provider).
 */
export function checkSupportedProviders(b: Builder, userPools: UserPoolModel[]): void {
  for (const logicalId of b.byType('AWS::Cognito::UserPoolClient')) {
    const p = b.props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool || !Array.isArray(p.SupportedIdentityProviders)) continue;
    const declared = new Set(b.byType('AWS::Cognito::UserPoolIdentityProvider').map((id) => b.props(id)).filter((x) => x.UserPoolId === pool.id).map((x) => String(x.ProviderName)));
    for (const name of p.SupportedIdentityProviders.map(String)) {
      if (name === 'COGNITO' || declared.has(name)) continue;
      b.fail(`Resources.${logicalId}.Properties.SupportedIdentityProviders`, `${name} is not an identity provider of user pool ${pool.logicalId} (declare an AWS::Cognito::UserPoolIdentityProvider, or remove it)`);
    }
  }
}
