// IAM policy `Condition` blocks: parsed once when the template is read (an operator
// the emulator cannot evaluate refuses the template, so a conditional Allow is never
// turned into an unconditional one) and evaluated against each request's context.
//
// Rules, from the IAM User Guide ("Condition operators", "Conditions with multiple
// context keys or values", "Set operators for multivalued context keys"):
// - operators in a block AND; keys under one operator AND; a key's values OR, and
//   NOR for the negated operators (StringNotEquals, NotIpAddress, …);
// - a key absent from the request: false, but true for a negated operator; true for
//   `…IfExists`; `Null` tests presence itself;
// - `ForAnyValue:` holds when some request value matches (false when the key is
//   absent); `ForAllValues:` when every request value matches (true when absent).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
import { BlockList, isIP } from 'node:net';

type Family = 'String' | 'StringIgnoreCase' | 'StringLike' | 'Arn' | 'Numeric' | 'Date' | 'Bool' | 'Ip' | 'Null';
type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

export interface OperatorSpec {
  family: Family;
  negated: boolean;
  comparison: Comparison;
}

const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: { family: 'String', negated: false, comparison: 'eq' },
  StringNotEquals: { family: 'String', negated: true, comparison: 'eq' },
  StringEqualsIgnoreCase: { family: 'StringIgnoreCase', negated: false, comparison: 'eq' },
  StringNotEqualsIgnoreCase: { family: 'StringIgnoreCase', negated: true, comparison: 'eq' },
  StringLike: { family: 'StringLike', negated: false, comparison: 'eq' },
  StringNotLike: { family: 'StringLike', negated: true, comparison: 'eq' },
  ArnEquals: { family: 'Arn', negated: false, comparison: 'eq' },
  ArnLike: { family: 'Arn', negated: false, comparison: 'eq' },
  ArnNotEquals: { family: 'Arn', negated: true, comparison: 'eq' },
  ArnNotLike: { family: 'Arn', negated: true, comparison: 'eq' },
  NumericEquals: { family: 'Numeric', negated: false, comparison: 'eq' },
  NumericNotEquals: { family: 'Numeric', negated: true, comparison: 'eq' },
  NumericLessThan: { family: 'Numeric', negated: false, comparison: 'lt' },
  NumericLessThanEquals: { family: 'Numeric', negated: false, comparison: 'le' },
  NumericGreaterThan: { family: 'Numeric', negated: false, comparison: 'gt' },
  NumericGreaterThanEquals: { family: 'Numeric', negated: false, comparison: 'ge' },
  DateEquals: { family: 'Date', negated: false, comparison: 'eq' },
  DateNotEquals: { family: 'Date', negated: true, comparison: 'eq' },
  DateLessThan: { family: 'Date', negated: false, comparison: 'lt' },
  DateLessThanEquals: { family: 'Date', negated: false, comparison: 'le' },
  DateGreaterThan: { family: 'Date', negated: false, comparison: 'gt' },
  DateGreaterThanEquals: { family: 'Date', negated: false, comparison: 'ge' },
  Bool: { family: 'Bool', negated: false, comparison: 'eq' },
  IpAddress: { family: 'Ip', negated: false, comparison: 'eq' },
  NotIpAddress: { family: 'Ip', negated: true, comparison: 'eq' },
  Null: { family: 'Null', negated: false, comparison: 'eq' },
};

export const SUPPORTED_OPERATORS = Object.keys(OPERATORS);

/** One `operator: { key: values }` entry of a Condition block, ready to evaluate. */
export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLike` or `DateLessThanIfExists`. */
  operator: string;
  spec: OperatorSpec;
  ifExists: boolean;
  set?: 'ForAnyValue' | 'ForAllValues';
  key: string;
  values: string[];
}

/** Request context keys by name; a multivalued key (e.g. the Cognito `amr`) is an array. */
export type ConditionContext = Record<string, string | readonly string[] | undefined>;

export class ConditionError extends Error {}

/** Matchers built once per clause: IP ranges, wildcard patterns, parsed numbers and dates. */
const compiled = new WeakMap<ConditionClause, (requestValue: string) => boolean>();
function testOf(c: ConditionClause): (requestValue: string) => boolean {
  let t = compiled.get(c);
  if (!t) compiled.set(c, (t = matcher(c.spec, c.values, `${c.operator}.${c.key}`)));
  return t;
}

/**
 * Reads a statement's Condition into clauses; throws ConditionError naming the
 * operator or value it cannot evaluate.
 */
export function parseCondition(raw: unknown): ConditionClause[] {
  if (!isMapping(raw)) throw new ConditionError('must be a mapping of condition operators');
  const clauses: ConditionClause[] = [];
  for (const [operator, body] of Object.entries(raw)) {
    let name = operator;
    let set: ConditionClause['set'];
    const colon = name.indexOf(':');
    if (colon >= 0) {
      const qualifier = name.slice(0, colon);
      if (qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues') {
        throw new ConditionError(`${operator}: ${qualifier} is not a set operator (ForAnyValue or ForAllValues)`);
      }
      set = qualifier;
      name = name.slice(colon + 1);
    }
    const ifExists = name.endsWith('IfExists') && name !== 'IfExists';
    if (ifExists) name = name.slice(0, -'IfExists'.length);
    const spec = OPERATORS[name];
    if (!spec || (ifExists && spec.family === 'Null')) {
      throw new ConditionError(`operator ${operator} is not supported by the emulator (it evaluates ${SUPPORTED_OPERATORS.join(', ')}, each with …IfExists and ForAnyValue:/ForAllValues:)`);
    }
    if (!isMapping(body)) throw new ConditionError(`${operator} must map condition keys to values`);
    for (const [key, v] of Object.entries(body)) {
      const values = (Array.isArray(v) ? v : [v]).map((x) => {
        if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ConditionError(`${operator}.${key}: values must be strings, numbers or booleans`);
        return String(x);
      });
      if (values.length === 0) throw new ConditionError(`${operator}.${key}: needs at least one value`);
      const clause: ConditionClause = { operator, spec, ifExists, key, values };
      if (set) clause.set = set;
      compiled.set(clause, matcher(spec, values, `${operator}.${key}`)); // throws on a value it cannot read
      clauses.push(clause);
    }
  }
  return clauses;
}

/** Whether every clause holds for this request. */
export function conditionsHold(clauses: readonly ConditionClause[], context: ConditionContext): boolean {
  for (const c of clauses) if (!clauseHolds(c, context)) return false;
  return true;
}

function clauseHolds(c: ConditionClause, context: ConditionContext): boolean {
  const raw = lookup(context, c.key);
  const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
  if (c.spec.family === 'Null') {
    // "true": the key must be absent; "false": present.
    const wantAbsent = c.values.some((v) => v.toLowerCase() === 'true');
    return wantAbsent ? !present : present;
  }
  if (!present) {
    if (c.set === 'ForAllValues') return true;
    if (c.set === 'ForAnyValue') return false;
    return c.ifExists || c.spec.negated;
  }
  const values: readonly string[] = typeof raw === 'string' ? [raw] : (raw as readonly string[]);
  // `test` says whether a request value matches some policy value; negation is NOR.
  const test = testOf(c);
  const holds = (v: string) => (c.spec.negated ? !test(v) : test(v));
  if (c.set === 'ForAllValues') return values.every(holds);
  return values.some(holds);
}

/** Condition keys are case-insensitive. */
function lookup(context: ConditionContext, key: string): string | readonly string[] | undefined {
  const exact = context[key];
  if (exact !== undefined) return exact;
  const lower = key.toLowerCase();
  for (const k in context) if (k.toLowerCase() === lower) return context[k];
  return undefined;
}

function matcher(spec: OperatorSpec, values: string[], where: string): (v: string) => boolean {
  switch (spec.family) {
    case 'String':
      return (v) => values.includes(v);
    case 'StringIgnoreCase': {
      const lower = values.map((x) => x.toLowerCase());
      return (v) => lower.includes(v.toLowerCase());
    }
    case 'StringLike': {
      const res = values.map((x) => wildcard(x));
      return (v) => res.some((re) => re.test(v));
    }
    case 'Arn': {
      // Each of the six colon-separated parts is matched on its own, wildcards allowed.
      const patterns = values.map((x) => splitArn(x).map((part) => wildcard(part)));
      return (v) => {
        const parts = splitArn(v);
        return patterns.some((p) => p.length === parts.length && p.every((re, i) => re.test(parts[i]!)));
      };
    }
    case 'Numeric': {
      const nums = values.map((x) => {
        const n = Number(x);
        if (x.trim() === '' || !Number.isFinite(n)) throw new ConditionError(`${where}: ${JSON.stringify(x)} is not a number`);
        return n;
      });
      return (v) => {
        const n = Number(v);
        return v.trim() !== '' && Number.isFinite(n) && nums.some((p) => compare(n, p, spec.comparison));
      };
    }
    case 'Date': {
      const dates = values.map((x) => {
        const t = parseDate(x);
        if (t === undefined) throw new ConditionError(`${where}: ${JSON.stringify(x)} is not a date (ISO 8601 or epoch seconds)`);
        return t;
      });
      return (v) => {
        const t = parseDate(v);
        return t !== undefined && dates.some((p) => compare(t, p, spec.comparison));
      };
    }
    case 'Bool': {
      const want = values.map((x) => x.toLowerCase());
      return (v) => want.includes(v.toLowerCase());
    }
    case 'Ip': {
      const list = new BlockList();
      for (const x of values) addCidr(list, x, where);
      return (v) => {
        const ip = normalizeIp(v);
        const family = isIP(ip);
        return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
      };
    }
    case 'Null':
      return () => true;
  }
}

function compare(a: number, b: number, c: Comparison): boolean {
  switch (c) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
  }
}

/** Epoch milliseconds from ISO 8601 or epoch seconds. */
function parseDate(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\/-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** `arn:partition:service:region:account:resource` (the resource may hold colons). */
function splitArn(arn: string): string[] {
  const parts = arn.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function addCidr(list: BlockList, cidr: string, where: string): void {
  const [addr = '', bits] = cidr.split('/');
  const family = isIP(addr);
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
    throw new ConditionError(`${where}: ${JSON.stringify(cidr)} is not an IP address or CIDR range`);
  }
  list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

function isMapping(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
