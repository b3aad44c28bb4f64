// Resolves CloudFormation intrinsic functions (long forms; parse-yaml.ts has already
// turned the short tags into them) against parameters, pseudo parameters and the
// emulator's deterministic physical ids.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
import { TemplateError } from './errors.js';

/** AWS::NoValue: the property or list item disappears. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface ResolveHooks {
  file: string;
  /** Value of a parameter or pseudo parameter, undefined when there is none. */
  parameter(name: string): string | string[] | undefined;
  /** True when a resource with this logical id exists. */
  hasResource(logicalId: string): boolean;
  /** What `Ref` returns for a resource (its physical id), e.g. `Api.Stage` too. */
  ref(logicalId: string, where: string): string | undefined;
  getAtt(logicalId: string, attribute: string, where: string): string;
  condition(name: string, where: string): boolean;
  mapping(map: string, top: string, second: string, where: string): unknown;
  lineOf(value: object): number | undefined;
}

export class Resolver {
  constructor(private readonly hooks: ResolveHooks) {}

  fail(where: string, problem: string, node?: unknown): never {
    const line = node && typeof node === 'object' ? this.hooks.lineOf(node) : undefined;
    throw new TemplateError(this.hooks.file, line ? `${where} (line ${line})` : where, problem);
  }

  /** Resolves every intrinsic inside `value`. `where` is a readable path for errors. */
  resolve(value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const r = this.resolve(item, `${where}[${i}]`);
        if (r !== NO_VALUE) out.push(r);
      });
      return out;
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0] as string;
      if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
        // `Condition` is only an intrinsic inside condition expressions; elsewhere
        // (e.g. a resource attribute) it never reaches the resolver.
        if (key !== 'Condition') return this.intrinsic(key, obj[key], `${where}`, obj);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const r = this.resolve(obj[k], `${where}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** Resolves to a string or fails with a message naming the place. */
  string(value: unknown, where: string): string {
    const r = this.resolve(value, where);
    if (typeof r === 'string') return r;
    if (typeof r === 'number' || typeof r === 'boolean') return String(r);
    return this.fail(where, `expected a string, got ${describe(r)}`, value);
  }

  private intrinsic(fn: string, arg: unknown, where: string, node: object): unknown {
    const at = `${where} (${fn})`;
    switch (fn) {
      case 'Ref': {
        if (typeof arg !== 'string') return this.fail(at, 'Ref takes a name', node);
        if (arg === 'AWS::NoValue') return NO_VALUE;
        const p = this.hooks.parameter(arg);
        if (p !== undefined) return p;
        const r = this.hooks.ref(arg, at);
        if (r !== undefined) return r;
        return this.fail(at, `!Ref ${arg}: no parameter, pseudo parameter or resource of that name`, node);
      }
      case 'Fn::GetAtt': {
        let parts = arg;
        if (typeof parts === 'string') parts = parts.split(/\.(.*)/s).filter((s) => s !== '');
        if (!Array.isArray(parts) || parts.length !== 2) return this.fail(at, '!GetAtt takes "Resource.Attribute" or [Resource, Attribute]', node);
        const [res, attr] = parts.map((p, i) => this.string(p, `${at}[${i}]`)) as [string, string];
        if (!this.hooks.hasResource(res)) return this.fail(at, `!GetAtt ${res}.${attr}: no resource named ${res}`, node);
        return this.hooks.getAtt(res, attr, at);
      }
      case 'Fn::Sub':
        return this.sub(arg, at, node);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(at, '!Join takes [delimiter, [values…]]', node);
        const delim = this.string(arg[0], `${at}[0]`);
        const list = this.resolve(arg[1], `${at}[1]`);
        if (!Array.isArray(list)) return this.fail(at, `!Join needs a list, got ${describe(list)}`, node);
        return list.map((v, i) => this.string(v, `${at}[1][${i}]`)).join(delim);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(at, '!Select takes [index, [values…]]', node);
        const index = Number(this.resolve(arg[0], `${at}[0]`));
        const list = this.resolve(arg[1], `${at}[1]`);
        if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
          return this.fail(at, `!Select index ${index} is out of range`, node);
        }
        return list[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(at, '!Split takes [delimiter, string]', node);
        return this.string(arg[1], `${at}[1]`).split(this.string(arg[0], `${at}[0]`));
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return this.fail(at, '!If takes [condition, then, else]', node);
        return this.hooks.condition(arg[0], at) ? this.resolve(arg[1], `${at}[1]`) : this.resolve(arg[2], `${at}[2]`);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.conditionValue({ [fn]: arg }, where);
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length !== 3) return this.fail(at, '!FindInMap takes [map, key, key]', node);
        const [m, a, b] = arg.map((v, i) => this.string(v, `${at}[${i}]`)) as [string, string, string];
        return this.resolve(this.hooks.mapping(m, a, b, at), at);
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(arg, at)).toString('base64');
      case 'Fn::GetAZs': {
        const region = this.string(arg, at) || String(this.hooks.parameter('AWS::Region'));
        return ['a', 'b', 'c'].map((z) => `${region}${z}`);
      }
      default:
        return this.fail(at, `${fn} is not supported by the emulator`, node);
    }
  }

  private sub(arg: unknown, at: string, node: object): string {
    let text: unknown = arg;
    const vars: Record<string, string> = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2 || typeof arg[0] !== 'string' || !arg[1] || typeof arg[1] !== 'object') {
        return this.fail(at, '!Sub takes a string or [string, {Var: value}]', node);
      }
      text = arg[0];
      for (const [k, v] of Object.entries(arg[1] as Record<string, unknown>)) vars[k] = this.string(v, `${at}.${k}`);
    }
    if (typeof text !== 'string') return this.fail(at, '!Sub takes a string', node);
    return text.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
      // `${!Literal}` stays as `${Literal}`.
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const key = name.trim();
      if (key in vars) return vars[key] as string;
      const p = this.hooks.parameter(key);
      if (p !== undefined) return Array.isArray(p) ? p.join(',') : p;
      const dot = key.indexOf('.');
      if (dot < 0) {
        const r = this.hooks.ref(key, at);
        if (r !== undefined) return r;
        return this.fail(at, `\${${key}}: no parameter, pseudo parameter or resource of that name`, node);
      }
      const res = key.slice(0, dot);
      const attr = key.slice(dot + 1);
      if (!this.hooks.hasResource(res)) return this.fail(at, `\${${key}}: no resource named ${res}`, node);
      // SAM: `${Api.Stage}` is the implicit stage's Ref.
      const viaRef = this.hooks.ref(key, at);
      if (viaRef !== undefined) return viaRef;
      return this.hooks.getAtt(res, attr, at);
    });
  }

  /** Evaluates a condition expression (Conditions section or an inline Fn::Equals…). */
  conditionValue(expr: unknown, where: string): boolean {
    if (typeof expr === 'boolean') return expr;
    if (!expr || typeof expr !== 'object' || Array.isArray(expr)) return this.fail(where, 'not a condition expression', expr);
    const [fn, arg] = Object.entries(expr)[0] ?? [];
    const list = Array.isArray(arg) ? arg : [];
    switch (fn) {
      case 'Fn::Equals': {
        if (list.length !== 2) return this.fail(where, '!Equals takes [a, b]', expr);
        return this.string(list[0], `${where}[0]`) === this.string(list[1], `${where}[1]`);
      }
      case 'Fn::Not':
        return !this.conditionValue(list[0], `${where}[0]`);
      case 'Fn::And':
        return list.every((c, i) => this.conditionValue(c, `${where}[${i}]`));
      case 'Fn::Or':
        return list.some((c, i) => this.conditionValue(c, `${where}[${i}]`));
      case 'Condition':
        if (typeof arg !== 'string') return this.fail(where, 'Condition takes a name', expr);
        return this.hooks.condition(arg, where);
      default:
        return this.fail(where, `${String(fn)} cannot be used in a condition`, expr);
    }
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}
