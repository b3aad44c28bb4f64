import { describe, expect, test } from 'vitest';
import { ConditionError, conditionsHold, parseCondition, type ConditionContext } from '../../../src/local/iam/conditions.js';

const holds = (condition: unknown, context: ConditionContext) => conditionsHold(parseCondition(condition), context);

describe('condition operators', () => {
  test('String*: exact, negated (NOR over values), case-insensitive, wildcards', () => {
    expect(holds({ StringEquals: { k: ['a', 'b'] } }, { k: 'b' })).toBe(true);
    expect(holds({ StringEquals: { k: 'a' } }, { k: 'A' })).toBe(false);
    expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'b' })).toBe(false);
    expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'c' })).toBe(true);
    expect(holds({ StringEqualsIgnoreCase: { k: 'abc' } }, { k: 'ABC' })).toBe(true);
    expect(holds({ StringNotEqualsIgnoreCase: { k: 'abc' } }, { k: 'ABC' })).toBe(false);
    expect(holds({ StringLike: { k: 'pre*-?' } }, { k: 'prefix-1' })).toBe(true);
    expect(holds({ StringLike: { k: 'pre*-?' } }, { k: 'prefix-12' })).toBe(false);
    expect(holds({ StringNotLike: { k: 'a.*' } }, { k: 'a.b' })).toBe(false);
    expect(holds({ StringLike: { k: 'a.b' } }, { k: 'axb' })).toBe(false); // a dot is a dot
  });

  test('condition keys are case-insensitive, values are not', () => {
    expect(holds({ StringEquals: { 'AWS:SourceIp': '1.2.3.4' } }, { 'aws:SourceIp': '1.2.3.4' })).toBe(true);
  });

  test('Arn*: each ARN part matched on its own', () => {
    const arn = 'arn:aws:iam::123456789012:role/app/Reader';
    expect(holds({ ArnLike: { k: 'arn:aws:iam::*:role/app/*' } }, { k: arn })).toBe(true);
    expect(holds({ ArnEquals: { k: 'arn:aws:iam::123456789012:role/app/Reader' } }, { k: arn })).toBe(true);
    expect(holds({ ArnLike: { k: 'arn:aws:iam::*' } }, { k: arn })).toBe(false); // five parts, not six
    expect(holds({ ArnNotLike: { k: 'arn:aws:iam::*:role/other/*' } }, { k: arn })).toBe(true);
    expect(holds({ ArnNotEquals: { k: arn } }, { k: arn })).toBe(false);
  });

  test('Numeric* and Date*', () => {
    expect(holds({ NumericLessThan: { n: 10 } }, { n: '9' })).toBe(true);
    expect(holds({ NumericLessThan: { n: 10 } }, { n: '10' })).toBe(false);
    expect(holds({ NumericLessThanEquals: { n: 10 } }, { n: '10' })).toBe(true);
    expect(holds({ NumericGreaterThan: { n: '1.5' } }, { n: '2' })).toBe(true);
    expect(holds({ NumericGreaterThanEquals: { n: 2 } }, { n: '1' })).toBe(false);
    expect(holds({ NumericEquals: { n: 3 } }, { n: '3.0' })).toBe(true);
    expect(holds({ NumericNotEquals: { n: [3, 4] } }, { n: '4' })).toBe(false);
    expect(holds({ NumericEquals: { n: 3 } }, { n: 'three' })).toBe(false);
    const now = { 'aws:CurrentTime': '2026-01-15T12:00:00Z', 'aws:EpochTime': String(Date.UTC(2026, 0, 15, 12) / 1000) };
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2026-02-01T00:00:00Z' } }, now)).toBe(true);
    expect(holds({ DateGreaterThan: { 'aws:CurrentTime': '2026-02-01T00:00:00Z' } }, now)).toBe(false);
    expect(holds({ DateGreaterThanEquals: { 'aws:EpochTime': String(Date.UTC(2026, 0, 15, 12) / 1000) } }, now)).toBe(true);
    expect(holds({ DateLessThanEquals: { 'aws:CurrentTime': '2026-01-15T11:59:59Z' } }, now)).toBe(false);
    expect(holds({ DateEquals: { 'aws:CurrentTime': '2026-01-15T12:00:00.000Z' } }, now)).toBe(true);
    expect(holds({ DateNotEquals: { 'aws:CurrentTime': '2026-01-15T12:00:00Z' } }, now)).toBe(false);
  });

  test('Bool, IpAddress/NotIpAddress (IPv4, IPv6, v4-mapped peers)', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' })).toBe(false);
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.1.7'] } }, { 'aws:SourceIp': '10.2.3.4' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.1.7'] } }, { 'aws:SourceIp': '192.168.1.8' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8::1' })).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(false);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, { 'aws:SourceIp': '::1' })).toBe(true);
  });

  test('an absent key: false, true for negated operators and …IfExists; Null tests presence', () => {
    expect(holds({ StringEquals: { missing: 'x' } }, {})).toBe(false);
    expect(holds({ StringNotEquals: { missing: 'x' } }, {})).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {})).toBe(true);
    expect(holds({ StringEqualsIfExists: { missing: 'x' } }, {})).toBe(true);
    expect(holds({ StringEqualsIfExists: { k: 'x' } }, { k: 'y' })).toBe(false);
    expect(holds({ DateLessThanIfExists: { k: '2020-01-01T00:00:00Z' } }, {})).toBe(true);
    expect(holds({ Null: { missing: 'true' } }, {})).toBe(true);
    expect(holds({ Null: { k: 'true' } }, { k: 'v' })).toBe(false);
    expect(holds({ Null: { k: 'false' } }, { k: 'v' })).toBe(true);
  });

  test('ForAnyValue / ForAllValues over a multivalued key', () => {
    const amr = { amr: ['authenticated', 'cognito-idp.us-east-1.amazonaws.com/us-east-1_X'] };
    expect(holds({ 'ForAnyValue:StringLike': { amr: 'authenticated' } }, amr)).toBe(true);
    expect(holds({ 'ForAnyValue:StringLike': { amr: 'unauthenticated' } }, amr)).toBe(false);
    expect(holds({ 'ForAllValues:StringLike': { amr: ['authenticated', 'cognito-idp.*'] } }, amr)).toBe(true);
    expect(holds({ 'ForAllValues:StringLike': { amr: 'authenticated' } }, amr)).toBe(false);
    expect(holds({ 'ForAllValues:StringEquals': { amr: 'x' } }, {})).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { amr: 'x' } }, {})).toBe(false);
    expect(holds({ 'ForAnyValue:StringNotEquals': { amr: 'authenticated' } }, amr)).toBe(true);
  });

  test('operators AND, keys AND, values OR', () => {
    const c = { StringEquals: { a: '1', b: ['2', '3'] }, Bool: { c: 'true' } };
    expect(holds(c, { a: '1', b: '3', c: 'true' })).toBe(true);
    expect(holds(c, { a: '1', b: '4', c: 'true' })).toBe(false);
    expect(holds(c, { a: '1', b: '2', c: 'false' })).toBe(false);
  });
});

describe('what it cannot evaluate is refused when read', () => {
  test.each([
    [{ BinaryEquals: { k: 'QmluYXJ5' } }, /operator BinaryEquals is not supported by the emulator \(it evaluates StringEquals, .*Null, each with …IfExists/],
    [{ StringEqualz: { k: 'x' } }, /operator StringEqualz is not supported/],
    [{ NullIfExists: { k: 'true' } }, /operator NullIfExists is not supported/],
    [{ 'ForSomeValues:StringEquals': { k: 'x' } }, /ForSomeValues is not a set operator/],
    [{ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, /IpAddress\.aws:SourceIp: "10\.0\.0\.0\/33" is not an IP address or CIDR range/],
    [{ NumericLessThan: { n: 'ten' } }, /"ten" is not a number/],
    [{ DateLessThan: { d: 'tomorrow' } }, /"tomorrow" is not a date/],
    [{ StringEquals: 'x' }, /StringEquals must map condition keys to values/],
    [['StringEquals'], /must be a mapping of condition operators/],
  ])('%j', (condition, message) => {
    expect(() => parseCondition(condition)).toThrow(ConditionError);
    expect(() => parseCondition(condition)).toThrow(message);
  });
});
