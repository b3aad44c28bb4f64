// Cognito: user pools with their clients, identity pools with their role attachments.
import type { IdentityPoolModel, PasswordPolicy, RoleModel, UserPoolModel } from '../model.js';
import type { Builder } from './build-model.js';
import { clientModel } from './client-settings.js';
import { attachIdentityProviders, checkSupportedProviders } from './identity-providers.js';
import { attachPoolOAuthResources, clientOAuth } from './oauth-settings.js';
import * as ids from './ids.js';
import { physicalId } from './resources.js';
import { asList, isObject } from './values.js';

export function buildUserPools(b: Builder): UserPoolModel[] {
  const userPools: UserPoolModel[] = b.byType('AWS::Cognito::UserPool').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const id = physicalId(b.naming, 'AWS::Cognito::UserPool', logicalId);
    const policies = isObject(p.Policies) ? p.Policies : {};
    const pp = isObject(policies.PasswordPolicy) ? policies.PasswordPolicy : {};
    const ppWhere = `${where}.Policies.PasswordPolicy`;
    const passwordPolicy: PasswordPolicy = {
      minimumLength: b.c.int(pp.MinimumLength ?? 8, `${ppWhere}.MinimumLength`, 6, 99),
      requireUppercase: b.c.bool(pp.RequireUppercase ?? true, `${ppWhere}.RequireUppercase`),
      requireLowercase: b.c.bool(pp.RequireLowercase ?? true, `${ppWhere}.RequireLowercase`),
      requireNumbers: b.c.bool(pp.RequireNumbers ?? true, `${ppWhere}.RequireNumbers`),
      requireSymbols: b.c.bool(pp.RequireSymbols ?? true, `${ppWhere}.RequireSymbols`),
      temporaryPasswordValidityDays: b.c.int(pp.TemporaryPasswordValidityDays ?? 7, `${ppWhere}.TemporaryPasswordValidityDays`, 0, 365),
    };
    const mfa = String(p.MfaConfiguration ?? 'OFF');
    if (mfa !== 'OFF' && mfa !== 'ON' && mfa !== 'OPTIONAL') return b.fail(`${where}.MfaConfiguration`, `must be OFF, ON or OPTIONAL, not ${mfa}`);
    const enabledMfas = p.EnabledMfas !== undefined ? asList(p.EnabledMfas).map(String) : mfa === 'OFF' ? [] : ['SMS_MFA'];
    for (const m of enabledMfas) {
      if (m !== 'SMS_MFA' && m !== 'SOFTWARE_TOKEN_MFA' && m !== 'EMAIL_OTP') return b.fail(`${where}.EnabledMfas`, `unknown MFA type ${m}`);
    }
    const uc = isObject(p.UsernameConfiguration) ? p.UsernameConfiguration : {};
    const acu = isObject(p.AdminCreateUserConfig) ? p.AdminCreateUserConfig : {};
    return {
      logicalId,
      id,
      name: typeof p.UserPoolName === 'string' ? p.UserPoolName : ids.generatedName(b.stackName, logicalId, 128),
      region: b.region,
      providerName: `cognito-idp.${b.region}.amazonaws.com/${id}`,
      issuer: `https://cognito-idp.${b.region}.amazonaws.com/${id}`,
      // CloudFormation leaves user names case-sensitive unless UsernameConfiguration says otherwise.
      usernameCaseSensitive: b.c.bool(uc.CaseSensitive ?? true, `${where}.UsernameConfiguration.CaseSensitive`),
      passwordPolicy,
      mfaConfiguration: mfa,
      enabledMfas,
      // CloudFormation's default, as AWS's: users may sign themselves up.
      allowAdminCreateUserOnly: b.c.bool(acu.AllowAdminCreateUserOnly ?? false, `${where}.AdminCreateUserConfig.AllowAdminCreateUserOnly`),
      clients: [],
    };
  });
  attachPoolOAuthResources(b, userPools);
  attachIdentityProviders(b, userPools);
  checkSupportedProviders(b, userPools);
  for (const logicalId of b.byType('AWS::Cognito::UserPoolClient')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const pool = userPools.find((u) => u.id === p.UserPoolId);
    if (!pool) return b.fail(`${where}.UserPoolId`, `must be a user pool of this template (e.g. !Ref ${userPools[0]?.logicalId ?? 'UserPool'})`);
    const client = { ...clientModel(logicalId, p, where, b.clientSecret(logicalId), b.fail, b.c), clientId: physicalId(b.naming, 'AWS::Cognito::UserPoolClient', logicalId) };
    const oauth = clientOAuth(p, where, pool, client.clientSecret !== undefined, b.fail);
    pool.clients.push(oauth ? { ...client, oauth } : client);
  }
  return userPools;
}

export function buildIdentityPools(b: Builder, userPools: UserPoolModel[], roles: RoleModel[]): IdentityPoolModel[] {
  const identityPools: IdentityPoolModel[] = b.byType('AWS::Cognito::IdentityPool').map((logicalId) => {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    if (p.AllowUnauthenticatedIdentities === undefined) return b.fail(`${where}.AllowUnauthenticatedIdentities`, 'is required');
    const providers = asList(p.CognitoIdentityProviders).map((prov, i) => {
      const w = `${where}.CognitoIdentityProviders[${i}]`;
      if (!isObject(prov) || typeof prov.ProviderName !== 'string' || typeof prov.ClientId !== 'string') {
        return b.fail(w, 'needs ProviderName and ClientId');
      }
      const pool = userPools.find((u) => u.providerName === prov.ProviderName);
      if (!pool) return b.fail(`${w}.ProviderName`, `${prov.ProviderName} is not a user pool of this template (use !GetAtt <UserPool>.ProviderName)`);
      if (!pool.clients.some((cl) => cl.clientId === prov.ClientId)) {
        return b.fail(`${w}.ClientId`, `${prov.ClientId} is not a client of user pool ${pool.logicalId} (use !Ref <UserPoolClient>)`);
      }
      return { providerName: prov.ProviderName, clientId: prov.ClientId, serverSideTokenCheck: b.c.bool(prov.ServerSideTokenCheck ?? false, `${w}.ServerSideTokenCheck`) };
    });
    for (const key of ['SupportedLoginProviders', 'OpenIdConnectProviderARNs', 'SamlProviderARNs', 'DeveloperProviderName']) {
      if (p[key] !== undefined) b.warnings.push(`${where}.${key}: only Cognito user pool providers are emulated`);
    }
    return {
      logicalId,
      id: physicalId(b.naming, 'AWS::Cognito::IdentityPool', logicalId),
      // CloudFormation names an unnamed pool after the stack and logical id (no hyphens allowed).
      name: typeof p.IdentityPoolName === 'string' ? p.IdentityPoolName : ids.generatedName(b.stackName, logicalId, 128).replace(/-/g, '_'),
      region: b.region,
      allowUnauthenticated: b.c.bool(p.AllowUnauthenticatedIdentities, `${where}.AllowUnauthenticatedIdentities`),
      providers,
    };
  });
  for (const logicalId of b.byType('AWS::Cognito::IdentityPoolRoleAttachment')) {
    const where = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId);
    const pool = identityPools.find((ip) => ip.id === p.IdentityPoolId);
    if (!pool) return b.fail(`${where}.IdentityPoolId`, 'must be an identity pool of this template (!Ref <IdentityPool>)');
    const r = isObject(p.Roles) ? p.Roles : {};
    for (const kind of ['authenticated', 'unauthenticated'] as const) {
      if (r[kind] === undefined) continue;
      const role = roles.find((x) => x.arn === r[kind]);
      if (!role) return b.fail(`${where}.Roles.${kind}`, `${String(r[kind])} is not a role of this template (use !GetAtt <Role>.Arn)`);
      if (kind === 'authenticated') pool.authenticatedRole = role.logicalId;
      else pool.unauthenticatedRole = role.logicalId;
    }
    if (p.RoleMappings !== undefined) b.warnings.push(`${where}.RoleMappings: role mappings are not emulated; the default roles apply`);
  }
  return identityPools;
}
