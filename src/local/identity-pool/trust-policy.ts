// A role's trust policy (AssumeRolePolicyDocument) as the Identity Pool's enhanced
// flow has STS evaluate it before handing out the role's credentials: the caller is
// the web-identity principal `cognito-identity.amazonaws.com` asking for
// `sts:AssumeRoleWithWebIdentity`, with the context keys
//   cognito-identity.amazonaws.com:aud  the identity pool id
//   cognito-identity.amazonaws.com:amr  ["unauthenticated"] or
//                                       ["authenticated", <provider>, <provider>:CognitoSignIn:<sub>]
//   cognito-identity.amazonaws.com:sub  the identity id
// https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
//
// Only the condition operators trust policies for Cognito use are understood (the
// String* family, with ForAnyValue:/ForAllValues: and …IfExists); the template is
// refused at start for any other, so no condition is ever silently dropped. This is a
// small matcher of its own; the API's permission-policy engine could serve both later.
import type { Fail } from '../template/values.js';
import { asList, isObject } from '../template/values.js';

export const COGNITO_PRINCIPAL = 'cognito-identity.amazonaws.com';
export const ASSUME_ACTION = 'sts:AssumeRoleWithWebIdentity';

const OPERATORS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'] as const;
type Operator = (typeof OPERATORS)[number];

export interface TrustCondition {
  operator: Operator;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  /** Lower-cased: IAM condition keys are case-insensitive. */
  key: string;
  values: string[];
}

export interface TrustStatement {
  effect: 'Allow' | 'Deny';
  /** '*' (anyone), or the federated principals named. */
  principals: '*' | string[];
  actions?: string[];
  notActions?: string[];
  conditions: TrustCondition[];
}

/** The request STS sees when the Identity Pool assumes a role for an identity. */
export interface TrustRequest {
  identityPoolId: string;
  identityId: string;
  /** Present for authenticated identities. */
  login?: { providerName: string; sub: string };
}

/** Parses AssumeRolePolicyDocument; anything it cannot evaluate faithfully refuses the template. */
export function parseTrustPolicy(doc: unknown, where: string, fail: Fail): TrustStatement[] {
  if (!isObject(doc)) return fail(where, 'must be a policy document (AssumeRolePolicyDocument is required)');
  return asList(doc.Statement).map((s, i) => {
    const w = `${where}.Statement[${i}]`;
    if (!isObject(s)) return fail(w, 'must be a mapping');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return fail(`${w}.Effect`, 'must be Allow or Deny');
    if (s.NotPrincipal !== undefined) return fail(`${w}.NotPrincipal`, 'is not supported in trust policies by the emulator; name the principal with Principal');
    if (s.Action === undefined && s.NotAction === undefined) return fail(w, 'needs Action or NotAction');
    const st: TrustStatement = { effect: s.Effect, principals: principals(s.Principal, `${w}.Principal`, fail), conditions: conditions(s.Condition, `${w}.Condition`, fail) };
    if (s.Action !== undefined) st.actions = asList(s.Action).map(String);
    if (s.NotAction !== undefined) st.notActions = asList(s.NotAction).map(String);
    return st;
  });
}

function principals(p: unknown, where: string, fail: Fail): '*' | string[] {
  if (p === '*') return '*';
  if (!isObject(p)) return fail(where, 'must be "*" or a mapping such as Federated: cognito-identity.amazonaws.com');
  if (asList(p.AWS).includes('*')) return '*';
  // Service and AWS principals are kept out: they never match the web-identity caller.
  return asList(p.Federated).map(String);
}

function conditions(c: unknown, where: string, fail: Fail): TrustCondition[] {
  if (c === undefined) return [];
  if (!isObject(c)) return fail(where, 'must be a mapping of condition operators');
  const out: TrustCondition[] = [];
  for (const [name, block] of Object.entries(c)) {
    const m = /^(?:(ForAnyValue|ForAllValues):)?(\w+?)(IfExists)?$/.exec(name);
    const operator = m?.[2] as Operator | undefined;
    if (!m || !operator || !(OPERATORS as readonly string[]).includes(operator)) {
      return fail(`${where}.${name}`, `the emulator evaluates only ${OPERATORS.join(', ')} (with ForAnyValue:/ForAllValues: and IfExists) in trust policies; it will not ignore this condition`);
    }
    if (!isObject(block)) return fail(`${where}.${name}`, 'must map condition keys to values');
    for (const [key, values] of Object.entries(block)) {
      const cond: TrustCondition = { operator, ifExists: m[3] !== undefined, key: key.toLowerCase(), values: asList(values).map(String) };
      if (m[1]) cond.set = m[1] as 'ForAnyValue' | 'ForAllValues';
      out.push(cond);
    }
  }
  return out;
}

/** The request's context keys, as STS builds them for a Cognito identity. */
export function trustContext(req: TrustRequest): Map<string, string[]> {
  const amr = req.login
    ? ['authenticated', req.login.providerName, `${req.login.providerName}:CognitoSignIn:${req.login.sub}`]
    : ['unauthenticated'];
  return new Map([
    [`${COGNITO_PRINCIPAL}:aud`, [req.identityPoolId]],
    [`${COGNITO_PRINCIPAL}:amr`, amr],
    [`${COGNITO_PRINCIPAL}:sub`, [req.identityId]],
  ]);
}

/** True when the policy lets the Identity Pool assume the role for this request (an explicit Deny wins). */
export function trustAdmits(statements: readonly TrustStatement[] | undefined, req: TrustRequest): boolean {
  if (!statements) return false;
  const context = trustContext(req);
  const applies = (s: TrustStatement) => principalMatches(s) && actionMatches(s) && s.conditions.every((c) => conditionHolds(c, context));
  if (statements.some((s) => s.effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.effect === 'Allow' && applies(s));
}

function principalMatches(s: TrustStatement): boolean {
  return s.principals === '*' || s.principals.includes(COGNITO_PRINCIPAL);
}

function actionMatches(s: TrustStatement): boolean {
  // Action names are case-insensitive in IAM.
  const hit = (patterns: string[]) => patterns.some((p) => wildcard(p.toLowerCase(), ASSUME_ACTION.toLowerCase()));
  if (s.actions) return hit(s.actions);
  return !hit(s.notActions ?? []);
}

function conditionHolds(c: TrustCondition, context: Map<string, string[]>): boolean {
  const present = context.get(c.key);
  const negated = c.operator.includes('Not');
  if (!present || present.length === 0) {
    // IAM: a missing key satisfies …IfExists, ForAllValues and the negated operators only.
    return c.ifExists || c.set === 'ForAllValues' || negated;
  }
  const matchOne = (v: string) => c.values.some((want) => valueMatches(c.operator, want, v));
  if (c.set === 'ForAllValues') return present.every((v) => (negated ? !matchOne(v) : matchOne(v)));
  // ForAnyValue, or a plain operator on a (here: single- or multi-valued) key: any value may satisfy it.
  if (negated) return c.set === 'ForAnyValue' ? present.some((v) => !matchOne(v)) : !present.some(matchOne);
  return present.some(matchOne);
}

function valueMatches(op: Operator, want: string, got: string): boolean {
  switch (op) {
    case 'StringEquals':
    case 'StringNotEquals':
      return want === got;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return want.toLowerCase() === got.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return wildcard(want, got);
  }
}

/** IAM's `*` (any run) and `?` (one character) match, case-sensitive. */
function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(text);
}
