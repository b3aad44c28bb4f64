import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, evaluatePolicy, executeApiArn, wildcardMatch } from '../../../src/local/apigw/iam-policy.js';
import type { PolicyStatement } from '../../../src/local/model.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5';
const res = (tail: string) => `${ARN}/${tail}`;
const INVOKE = 'execute-api:Invoke';

describe('wildcardMatch', () => {
  it('* spans anything (slashes included), ? one character, the rest is literal', () => {
    expect(wildcardMatch(`${ARN}/*`, res('prod/GET/a/b/c'))).toBe(true);
    expect(wildcardMatch(`${ARN}/*/GET/item?`, res('prod/GET/item1'))).toBe(true);
    expect(wildcardMatch(`${ARN}/*/GET/item?`, res('prod/GET/item12'))).toBe(false);
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('a+b(c)[d]', 'a+b(c)[d]')).toBe(true);
  });
  it('resources are case-sensitive, actions are not', () => {
    expect(wildcardMatch(`${ARN}/*/GET/Item`, res('prod/GET/item'))).toBe(false);
    expect(wildcardMatch('Execute-API:invoke', INVOKE, true)).toBe(true);
  });
});

describe('evaluatePolicy', () => {
  const allowAll: PolicyStatement = { effect: 'Allow', actions: ['execute-api:*'], resources: ['*'] };
  it('defaults to an implicit deny', () => {
    expect(evaluatePolicy([], INVOKE, res('prod/GET/x'))).toBe('implicit-deny');
    expect(evaluatePolicy([{ effect: 'Allow', actions: ['execute-api:ManageConnections'], resources: ['*'] }], INVOKE, res('prod/GET/x'))).toBe('implicit-deny');
    expect(evaluatePolicy([{ effect: 'Allow', actions: [INVOKE], resources: [res('*/POST/x')] }], INVOKE, res('prod/GET/x'))).toBe('implicit-deny');
  });
  it('allows on a matching Allow', () => {
    expect(evaluatePolicy([allowAll], INVOKE, res('prod/GET/x'))).toBe('allow');
    expect(evaluatePolicy([{ effect: 'Allow', actions: ['*'], resources: [res('*/GET/x')] }], INVOKE, res('prod/GET/x'))).toBe('allow');
  });
  it('lets an explicit Deny win whatever the order', () => {
    const deny: PolicyStatement = { effect: 'Deny', actions: [INVOKE], resources: [res('prod/*')] };
    expect(evaluatePolicy([allowAll, deny], INVOKE, res('prod/GET/x'))).toBe('explicit-deny');
    expect(evaluatePolicy([deny, allowAll], INVOKE, res('prod/GET/x'))).toBe('explicit-deny');
    expect(evaluatePolicy([deny, allowAll], INVOKE, res('dev/GET/x'))).toBe('allow');
  });
  it('NotAction and NotResource invert the match', () => {
    const notAction: PolicyStatement = { effect: 'Allow', actions: [], notActions: ['execute-api:ManageConnections'], resources: ['*'] };
    expect(evaluatePolicy([notAction], INVOKE, res('prod/GET/x'))).toBe('allow');
    const notInvoke: PolicyStatement = { effect: 'Allow', actions: [], notActions: ['execute-api:Inv*'], resources: ['*'] };
    expect(evaluatePolicy([notInvoke], INVOKE, res('prod/GET/x'))).toBe('implicit-deny');
    const denyOutsideProd: PolicyStatement = { effect: 'Deny', actions: ['*'], resources: [], notResources: [res('prod/*')] };
    expect(evaluatePolicy([allowAll, denyOutsideProd], INVOKE, res('prod/GET/x'))).toBe('allow');
    expect(evaluatePolicy([allowAll, denyOutsideProd], INVOKE, res('dev/GET/x'))).toBe('explicit-deny');
  });
});

describe('messages and ARNs', () => {
  it('builds the execute-api ARN without the leading slash of the path', () => {
    expect(executeApiArn('us-east-1', '123456789012', 'a1b2c3d4e5', 'prod', 'GET', '/require-auth')).toBe(res('prod/GET/require-auth'));
    expect(executeApiArn('us-east-1', '123456789012', 'a1b2c3d4e5', 'prod', 'GET', '/')).toBe(res('prod/GET/'));
  });
  it('words both denials as API Gateway does: the resource ARN\'s account masked, the caller\'s not', () => {
    const user = 'arn:aws:sts::123456789012:assumed-role/R/CognitoIdentityCredentials';
    const masked = (tail: string) => `arn:aws:execute-api:us-east-1:********9012:a1b2c3d4e5/${tail}`;
    expect(accessDeniedMessage(user, res('prod/GET/x'), 'implicit-deny')).toBe(
      `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${masked('prod/GET/x')} because no identity-based policy allows the execute-api:Invoke action`,
    );
    expect(accessDeniedMessage(user, res('prod/GET/x'), 'explicit-deny')).toBe(
      `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${masked('prod/GET/x')} with an explicit deny`,
    );
  });
});
