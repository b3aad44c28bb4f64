// The trust-policy matcher's IAM semantics, case by case (the end-to-end refusals
// through the Identity Pool are in merge-and-trust.test.ts).
import { describe, expect, test } from 'vitest';
import { parseTrustPolicy, trustAdmits, type TrustRequest } from '../../../src/local/identity-pool/trust-policy.js';

const fail = (where: string, problem: string): never => {
  throw new Error(`${where}: ${problem}`);
};
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const PROVIDER = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc';
const guest: TrustRequest = { identityPoolId: POOL, identityId: 'us-east-1:guest' };
const user: TrustRequest = { identityPoolId: POOL, identityId: 'us-east-1:user', login: { providerName: PROVIDER, sub: 'sub-1' } };

function policy(condition: unknown, extra: Record<string, unknown> = {}) {
  return parseTrustPolicy({
    Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition, ...extra }],
  }, 'Doc', fail);
}

describe('trust policy conditions', () => {
  test('StringEquals on aud, ForAnyValue:StringLike on amr', () => {
    const p = policy({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } });
    expect(trustAdmits(p, user)).toBe(true);
    expect(trustAdmits(p, guest)).toBe(false);
    expect(trustAdmits(p, { ...user, identityPoolId: 'us-east-1:other' })).toBe(false);
  });

  test('wildcards and the provider-specific amr entry', () => {
    expect(trustAdmits(policy({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': `${PROVIDER}:CognitoSignIn:*` } }), user)).toBe(true);
    expect(trustAdmits(policy({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'cognito-idp.*.amazonaws.com/us-east-1_Ab?' } }), user)).toBe(true);
    expect(trustAdmits(policy({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'cognito-idp.*/other' } }), user)).toBe(false);
  });

  test('negated operators, ForAllValues, IfExists, missing keys, case-insensitive keys', () => {
    expect(trustAdmits(policy({ StringNotEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:other' } }), user)).toBe(true);
    expect(trustAdmits(policy({ StringNotEquals: { 'cognito-identity.amazonaws.com:aud': POOL } }), user)).toBe(false);
    expect(trustAdmits(policy({ 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': ['authenticated', 'cognito-idp.*'] } }), user)).toBe(true);
    expect(trustAdmits(policy({ 'ForAllValues:StringEquals': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }), user)).toBe(false);
    // A key the request does not have: false for plain operators, true with IfExists.
    expect(trustAdmits(policy({ StringEquals: { 'aws:PrincipalTag/team': 'x' } }), user)).toBe(false);
    expect(trustAdmits(policy({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'x' } }), user)).toBe(true);
    expect(trustAdmits(policy({ StringEquals: { 'Cognito-Identity.amazonaws.com:AUD': POOL } }), user)).toBe(true);
  });

  test('principals and actions', () => {
    expect(trustAdmits(policy(undefined, { Principal: '*' }), guest)).toBe(true);
    expect(trustAdmits(policy(undefined, { Principal: { Service: 'lambda.amazonaws.com' } }), guest)).toBe(false);
    expect(trustAdmits(policy(undefined, { Action: 'STS:assumerolewith*' }), guest)).toBe(true);
    expect(trustAdmits(policy(undefined, { Action: undefined, NotAction: 'sts:AssumeRole' }), guest)).toBe(true);
    expect(trustAdmits(undefined, guest)).toBe(false);
    expect(trustAdmits(parseTrustPolicy({}, 'Doc', fail), guest)).toBe(false);
  });

  test('anything it cannot evaluate is refused, never ignored', () => {
    expect(() => policy({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })).toThrow(/Doc\.Statement\[0\]\.Condition\.NumericLessThan: the emulator evaluates only/);
    expect(() => policy(undefined, { NotPrincipal: { Federated: 'x' } })).toThrow(/NotPrincipal/);
    expect(() => parseTrustPolicy(undefined, 'Doc', fail)).toThrow(/AssumeRolePolicyDocument is required/);
  });
});
