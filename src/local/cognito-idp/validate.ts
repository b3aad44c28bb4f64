// Request validation the way AWS's front end does it before an operation runs: every
// broken member is listed in one message, "2 validation errors detected: A; B", each
// entry naming the member in lowerCamelCase ("Value null at 'clientId' …").
import { CognitoError } from './errors.js';

type Body = Record<string, unknown>;

export interface MemberRule {
  /** The wire name, e.g. ClientId. */
  name: string;
  required?: boolean;
  /** String length bounds, as the service model gives them. */
  min?: number;
  max?: number;
  /** Allowed values of an enum member. */
  oneOf?: readonly string[];
}

function field(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Every violation of `rules` in `body`, in the order of the rules. */
export function violations(body: Body, rules: readonly MemberRule[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const value = body[rule.name];
    if (value === undefined || value === null) {
      if (rule.required) out.push(`Value null at '${field(rule.name)}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    if (typeof value !== 'string') continue; // a type mismatch is a SerializationException upstream on AWS
    if (rule.oneOf && !rule.oneOf.includes(value)) {
      out.push(`Value '${value}' at '${field(rule.name)}' failed to satisfy constraint: Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
    }
    if ((rule.min !== undefined && value.length < rule.min) || (rule.max !== undefined && value.length > rule.max)) {
      // AWS does not echo sensitive members (tokens, secrets); it says "Value at".
      out.push(`Value at '${field(rule.name)}' failed to satisfy constraint: Member must have length ${lengthRule(rule)}`);
    }
  }
  return out;
}

function lengthRule(rule: MemberRule): string {
  if (rule.min !== undefined && rule.max !== undefined) return `greater than or equal to ${rule.min} and less than or equal to ${rule.max}`;
  return rule.min !== undefined ? `greater than or equal to ${rule.min}` : `less than or equal to ${rule.max}`;
}

/** Throws InvalidParameterException listing every violation, or returns. */
export function validate(body: Body, rules: readonly MemberRule[]): void {
  const found = violations(body, rules);
  if (found.length === 0) return;
  const n = found.length;
  throw new CognitoError('InvalidParameterException', `${n} validation error${n === 1 ? '' : 's'} detected: ${found.join('; ')}`);
}
