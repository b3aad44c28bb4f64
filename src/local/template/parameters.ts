// A template parameter's value (default or override) checked against its
// declaration: AllowedValues, AllowedPattern (whole value), lengths, number range.
import type { Props } from './values.js';

export function checkParameter(value: string, def: Props, fail: (p: string) => never): string | string[] {
  const type = String(def.Type ?? 'String');
  if (Array.isArray(def.AllowedValues) && !def.AllowedValues.map(String).includes(value)) {
    return fail(`${JSON.stringify(value)} is not one of the AllowedValues (${def.AllowedValues.map(String).join(', ')})`);
  }
  if (typeof def.AllowedPattern === 'string' && !new RegExp(`^(?:${def.AllowedPattern})$`).test(value)) {
    return fail(`${JSON.stringify(value)} does not match AllowedPattern ${def.AllowedPattern}`);
  }
  if (def.MinLength !== undefined && value.length < Number(def.MinLength)) return fail(`is shorter than MinLength ${String(def.MinLength)}`);
  if (def.MaxLength !== undefined && value.length > Number(def.MaxLength)) return fail(`is longer than MaxLength ${String(def.MaxLength)}`);
  if (type === 'Number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) return fail(`${JSON.stringify(value)} is not a number`);
    if (def.MinValue !== undefined && n < Number(def.MinValue)) return fail(`${value} is below MinValue ${String(def.MinValue)}`);
    if (def.MaxValue !== undefined && n > Number(def.MaxValue)) return fail(`${value} is above MaxValue ${String(def.MaxValue)}`);
    return value;
  }
  if (type === 'CommaDelimitedList' || type === 'List<Number>') return value.split(',').map((s) => s.trim());
  if (type === 'String') return value;
  return fail(`parameter type ${type} is not supported by the emulator`);
}

