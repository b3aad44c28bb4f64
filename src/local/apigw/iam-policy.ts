// Identity-based policy evaluation for `execute-api:Invoke`, as IAM does it for one
// role: a statement applies when its action and resource match (Action/NotAction,
// Resource/NotResource, `*` and `?` wildcards) and its Condition holds for the
// request; an applicable Deny always wins, an applicable Allow allows, nothing
// applicable is the implicit deny.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
import { conditionsHold, type ConditionContext } from '../iam/conditions.js';
import type { PolicyStatement, RoleModel } from '../model.js';

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

const sensitivePatterns = new Map<string, RegExp>();
const insensitivePatterns = new Map<string, RegExp>();

/** IAM wildcard match; action names are case-insensitive, resources are not. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const cache = caseInsensitive ? insensitivePatterns : sensitivePatterns;
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    cache.set(pattern, re);
  }
  return re.test(value);
}

function actionApplies(st: PolicyStatement, action: string): boolean {
  if (st.notActions && st.notActions.length > 0) return !st.notActions.some((p) => wildcardMatch(p, action, true));
  return st.actions.some((p) => wildcardMatch(p, action, true));
}

function resourceApplies(st: PolicyStatement, resource: string): boolean {
  if (st.notResources && st.notResources.length > 0) return !st.notResources.some((p) => wildcardMatch(p, resource));
  return st.resources.some((p) => wildcardMatch(p, resource));
}

/** `context` is needed only when some statement has a Condition (hasConditions). */
export function evaluatePolicy(statements: readonly PolicyStatement[], action: string, resource: string, context: ConditionContext = {}): PolicyDecision {
  let allowed = false;
  for (const st of statements) {
    if (!actionApplies(st, action) || !resourceApplies(st, resource)) continue;
    if (st.conditions && !conditionsHold(st.conditions, context)) continue;
    if (st.effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** Whether a decision depends on the request (and so cannot be cached by resource). */
export function hasConditions(statements: readonly PolicyStatement[]): boolean {
  return statements.some((st) => st.conditions !== undefined && st.conditions.length > 0);
}

/** `arn:aws:execute-api:<region>:<acct>:<apiId>/<stage>/<METHOD>/<path without leading slash>` */
export function executeApiArn(region: string, accountId: string, apiId: string, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}/${path.startsWith('/') ? path.slice(1) : path}`;
}

export function assumedRoleArn(accountId: string, role: Pick<RoleModel, 'name'>): string {
  return `arn:aws:sts::${accountId}:assumed-role/${role.name}/CognitoIdentityCredentials`;
}

/** The stack's roles by logical id (the first of a name wins), for the services that check IAM. */
export function rolesByLogicalId(roles: readonly RoleModel[]): Map<string, RoleModel> {
  const out = new Map<string, RoleModel>();
  for (const r of roles) if (!out.has(r.logicalId)) out.set(r.logicalId, r);
  return out;
}

/**
 * Who signed: the role the credentials were issued for (undefined when the template no
 * longer has it) and the assumed-role ARN IAM names in its decisions.
 */
export function signerOf(roles: Map<string, RoleModel>, accountId: string, roleLogicalId: string): { role: RoleModel | undefined; userArn: string } {
  const role = roles.get(roleLogicalId);
  return { role, userArn: assumedRoleArn(accountId, role ?? { name: roleLogicalId }) };
}

/**
 * API Gateway masks the account id in the resource ARN of its AccessDenied message,
 * all but the last four digits (`arn:aws:execute-api:eu-central-1:********8269:…`);
 * the caller's assumed-role ARN keeps it. From captured answers (a Cognito identity's
 * role, and anonymous callers refused by resource policies); one capture shows the
 * user ARN masked as well, apparently by its author (the role and API names are
 * starred there too), so that part stays unverified.
 */
export function maskAccount(arn: string): string {
  const parts = arn.split(':');
  const account = parts[4];
  if (account === undefined || !/^\d{12}$/.test(account)) return arn;
  parts[4] = `********${account.slice(8)}`;
  return parts.join(':');
}

export function accessDeniedMessage(userArn: string, resourceArn: string, decision: Exclude<PolicyDecision, 'allow'>): string {
  const why =
    decision === 'explicit-deny'
      ? 'with an explicit deny'
      : 'because no identity-based policy allows the execute-api:Invoke action';
  return `User: ${userArn} is not authorized to perform: execute-api:Invoke on resource: ${maskAccount(resourceArn)} ${why}`;
}
