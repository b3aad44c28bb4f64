// `-H 'Name: value'` lines → a header map, and the redacted view of a signed
// request used by --verbose and --dry-run (never a secret, even unregistered).
import { UsageError } from '../errors.js';
import { isFieldValue, isToken } from './http1.js';
import type { SignedRequest } from './sign.js';

/** Lower-case names; a repeated name is joined with ", " (RFC 9110 list semantics). */
export function parseHeaderLines(lines: string[], what = '-H'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    if (colon < 0 || !isToken(name)) {
      throw new UsageError(`${what} ${JSON.stringify(line)}: expected "Name: value"`);
    }
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new UsageError(`${what} ${JSON.stringify(name)}: the value contains a line break`);
    if (!isFieldValue(value)) throw new UsageError(`${what} ${JSON.stringify(name)}: the value has characters a header cannot carry (only Latin-1; percent-encode others)`);
    const key = name.toLowerCase();
    out[key] = out[key] !== undefined ? `${out[key]}, ${value}` : value;
  }
  return out;
}

const MASK = '***';

export function redactedHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'x-api-key' || n === 'x-amz-security-token' || n === 'cookie') return MASK;
  if (n === 'authorization') return value.replace(/Signature=[0-9a-f]+/i, `Signature=${MASK}`).replace(/^(Bearer|Basic)\s+.*/i, `$1 ${MASK}`);
  return value;
}

/** The request as an HTTP/1.1 head, secrets masked. */
export function describeRequest(req: SignedRequest): string {
  const lines = [`${req.method} ${req.path} HTTP/1.1`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${redactedHeaderValue(k, v)}`);
  if (req.body) lines.push('', `<${req.body.length} bytes of body>`);
  return lines.join('\n') + '\n';
}
