// IAM policy documents of roles into PolicyStatement[] (Action/NotAction,
// Resource/NotResource, Condition). A condition the emulator cannot evaluate refuses
// the template: ignoring it would turn a conditional Allow into an unconditional one.
import { ConditionError, parseCondition } from '../iam/conditions.js';
import type { PolicyStatement } from '../model.js';
import { asList, isObject, type Fail } from './values.js';

export function policyStatements(doc: unknown, where: string, fail: Fail, _warnings: string[]): PolicyStatement[] {
  if (!isObject(doc)) return fail(where, 'must be a policy document');
  return asList(doc.Statement).map((s, i) => {
    const w = `${where}.Statement[${i}]`;
    if (!isObject(s)) return fail(w, 'must be a mapping');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return fail(`${w}.Effect`, 'must be Allow or Deny');
    if (s.Action === undefined && s.NotAction === undefined) return fail(w, 'needs Action or NotAction');
    if (s.Resource === undefined && s.NotResource === undefined) return fail(w, 'needs Resource or NotResource');
    const st: PolicyStatement = { effect: s.Effect, actions: asList(s.Action).map(String), resources: asList(s.Resource).map(String) };
    if (s.Condition !== undefined) {
      try {
        const conditions = parseCondition(s.Condition);
        if (conditions.length > 0) st.conditions = conditions;
      } catch (err) {
        if (err instanceof ConditionError) return fail(`${w}.Condition`, err.message);
        throw err;
      }
    }
    if (s.NotAction !== undefined) st.notActions = asList(s.NotAction).map(String);
    if (s.NotResource !== undefined) st.notResources = asList(s.NotResource).map(String);
    return st;
  });
}

