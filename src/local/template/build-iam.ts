// IAM roles (and stand-alone AWS::IAM::Policy resources attached to them) for the
// emulator's policy evaluation.
import type { PolicyStatement, RoleModel } from '../model.js';
import type { Builder } from './build-model.js';
import * as ids from './ids.js';
import { policyStatements } from './policy-document.js';
import { parseTrustPolicy } from '../identity-pool/trust-policy.js';
import { attribute, physicalId } from './resources.js';
import { asList, isObject } from './values.js';

export function buildRoles(b: Builder): RoleModel[] {
  const roles: RoleModel[] = b.byType('AWS::IAM::Role').map((logicalId) => {
    const p = b.props(logicalId);
    const statements: PolicyStatement[] = [];
    asList(p.Policies).forEach((pol, i) => {
      const where = `Resources.${logicalId}.Properties.Policies[${i}]`;
      if (!isObject(pol)) return b.fail(where, 'must be a mapping with PolicyName and PolicyDocument');
      statements.push(...policyStatements(pol.PolicyDocument, `${where}.PolicyDocument`, b.fail, b.warnings));
    });
    if (p.ManagedPolicyArns !== undefined) b.warnings.push(`Resources.${logicalId}: ManagedPolicyArns are not evaluated by the emulator`);
    return {
      logicalId,
      name: physicalId(b.naming, 'AWS::IAM::Role', logicalId),
      arn: attribute(b.naming, 'AWS::IAM::Role', logicalId, 'Arn') as string,
      roleId: ids.roleId(b.stackName, logicalId),
      statements,
      trust: parseTrustPolicy(p.AssumeRolePolicyDocument, `Resources.${logicalId}.Properties.AssumeRolePolicyDocument`, b.fail),
    };
  });
  // Stand-alone AWS::IAM::Policy resources attach to roles by name.
  for (const logicalId of b.byType('AWS::IAM::Policy')) {
    const p = b.props(logicalId);
    const statements = policyStatements(p.PolicyDocument, `Resources.${logicalId}.Properties.PolicyDocument`, b.fail, b.warnings);
    for (const name of asList(p.Roles)) {
      const role = roles.find((r) => r.name === name);
      if (role) role.statements.push(...statements);
      else b.warnings.push(`Resources.${logicalId}: role ${String(name)} is not part of this template`);
    }
  }
  return roles;
}
