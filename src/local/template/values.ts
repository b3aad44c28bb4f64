// Small helpers for template values: shapes, lists, SAM Globals merging, and the
// coercions CloudFormation applies ("true"/"8" strings work wherever booleans and
// numbers go, e.g. from parameters), each failing with the template location.
import { TemplateError } from './errors.js';

export type Props = Record<string, unknown>;
export type Fail = (where: string, problem: string) => never;

export function isObject(v: unknown): v is Props {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function deepMerge(base: Props, over: Props): Props {
  const out: Props = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) && !isIntrinsic(v) && !isIntrinsic(b) ? deepMerge(b, v) : v;
  }
  return out;
}

function isIntrinsic(v: Props): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
}

export interface Coerce {
  bool(v: unknown, where: string): boolean;
  num(v: unknown, where: string, min: number): number;
  int(v: unknown, where: string, min: number, max: number): number;
}

export function coercions(file: string): Coerce {
  return {
    bool(v, where) {
      if (v === true || v === 'true' || v === 'True') return true;
      if (v === false || v === 'false' || v === 'False') return false;
      throw new TemplateError(file, where, `must be true or false, not ${JSON.stringify(v)}`);
    },
    num(v, where, min) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || n < min) throw new TemplateError(file, where, `must be a number of at least ${min}, not ${JSON.stringify(v)}`);
      return n;
    },
    int(v, where, min, max) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new TemplateError(file, where, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`);
      }
      return n;
    },
  };
}
