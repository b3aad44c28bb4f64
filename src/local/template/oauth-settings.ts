// An app client's managed-login (OAuth 2.0) settings, and the pool resources that go
// with them (UserPoolDomain, UserPoolResourceServer), checked as CloudFormation and
// Cognito check them when the stack is created.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolclient.html
import type { ClientOAuthModel, UserPoolModel } from '../model.js';
import type { Builder } from './build-model.js';
import { asList, isObject, type Fail, type Props } from './values.js';

const RESERVED_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];
const FLOWS = ['code', 'implicit', 'client_credentials'] as const;

/** undefined when the client does not use OAuth (AllowedOAuthFlowsUserPoolClient not true). */
export function clientOAuth(p: Props, where: string, pool: UserPoolModel, hasSecret: boolean, fail: Fail): ClientOAuthModel | undefined {
  if (p.AllowedOAuthFlowsUserPoolClient !== true && p.AllowedOAuthFlowsUserPoolClient !== 'true') return undefined;
  const flows = asList(p.AllowedOAuthFlows).map(String);
  if (flows.length === 0) return fail(`${where}.AllowedOAuthFlows`, 'is required when AllowedOAuthFlowsUserPoolClient is true');
  for (const f of flows) {
    if (!(FLOWS as readonly string[]).includes(f)) return fail(`${where}.AllowedOAuthFlows`, `must be code, implicit or client_credentials, not ${f}`);
  }
  if (flows.includes('client_credentials') && flows.length > 1) {
    return fail(`${where}.AllowedOAuthFlows`, 'client_credentials cannot be combined with code or implicit');
  }
  if (flows.includes('client_credentials') && !hasSecret) return fail(`${where}.AllowedOAuthFlows`, 'client_credentials needs GenerateSecret: true');
  const scopes = asList(p.AllowedOAuthScopes).map(String);
  for (const s of scopes) {
    if (!RESERVED_SCOPES.includes(s) && !(pool.resourceScopes ?? []).includes(s)) {
      return fail(`${where}.AllowedOAuthScopes`, `${s} is neither a reserved scope nor a scope of a resource server of this pool`);
    }
  }
  if (scopes.some((s) => ['email', 'phone', 'profile'].includes(s)) && !scopes.includes('openid')) {
    return fail(`${where}.AllowedOAuthScopes`, 'email, phone and profile need openid too');
  }
  const callbackUrls = asList(p.CallbackURLs).map(String);
  const logoutUrls = asList(p.LogoutURLs).map(String);
  if (!flows.includes('client_credentials') && callbackUrls.length === 0) {
    // Cognito's words when a code/implicit client has none.
    return fail(`${where}.CallbackURLs`, 'CallbackUrls can not be empty when the client uses the code or implicit flow');
  }
  for (const [key, urls] of [['CallbackURLs', callbackUrls], ['LogoutURLs', logoutUrls]] as const) {
    for (const u of urls) {
      const why = redirectUrlProblem(u);
      if (why) return fail(`${where}.${key}`, `${u}: ${why}`);
    }
  }
  const identityProviders = p.SupportedIdentityProviders === undefined ? ['COGNITO'] : asList(p.SupportedIdentityProviders).map(String);
  return { flows: flows as ClientOAuthModel['flows'], scopes, callbackUrls, logoutUrls, identityProviders };
}

/** Cognito accepts https anywhere, and http only on a loopback host. */
function redirectUrlProblem(u: string): string | undefined {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.hash || u.includes('#')) return 'must not have a fragment';
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return 'http is allowed only for localhost and loopback addresses';
  return undefined;
}

/** Pool domains and resource-server scopes, attached to their pools (before clients are read). */
export function attachPoolOAuthResources(b: Builder, userPools: UserPoolModel[]): void {
  for (const logicalId of b.byType('AWS::Cognito::UserPoolResourceServer')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool) return b.fail(`${where}.UserPoolId`, 'must be a user pool of this template');
    if (typeof p.Identifier !== 'string' || p.Identifier === '') return b.fail(`${where}.Identifier`, 'is required');
    const scopes = asList(p.Scopes).map((s, i) => {
      if (!isObject(s) || typeof s.ScopeName !== 'string') return b.fail(`${where}.Scopes[${i}]`, 'needs ScopeName');
      return `${String(p.Identifier)}/${s.ScopeName}`;
    });
    (pool.resourceScopes ??= []).push(...scopes);
  }
  for (const logicalId of b.byType('AWS::Cognito::UserPoolDomain')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool) return b.fail(`${where}.UserPoolId`, 'must be a user pool of this template');
    if (typeof p.Domain !== 'string' || p.Domain === '') return b.fail(`${where}.Domain`, 'is required');
    (pool.domains ??= []).push(p.Domain);
  }
}
