// `-H 'Name: value'` lines → a header map, and the redacted view of a signed
// request used by --verbose and --dry-run (never a secret, even unregistered).
import { UsageError } from '../errors.js';
import { framingHeaders, isFieldValue, isToken } from './http1.js';
import type { SignedRequest } from './sign.js';

/** Headers the SigV4 signature sets: a user's own would break it or be replaced. */
const SIGV4_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);
/** Framing is authapi's: Content-Length comes from the body, one exchange per connection. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * The rules for a header the user gives (nothing is silently dropped or replaced): a
 * SigV4 header is refused while signing, framing always, and Host may be changed
 * but not removed. `typed` is the name as the user wrote it.
 */
function checkUserHeader(typed: string, removing: boolean, signing: boolean, what: string, unsignedHint: string): void {
  const name = typed.toLowerCase();
  if (signing && SIGV4_HEADERS.has(name)) {
    throw new UsageError(`${what} ${typed} refused: the request is signed with SigV4, which sets ${typed} itself`, unsignedHint);
  }
  if (FRAMING_HEADERS.has(name)) throw new UsageError(`${what} ${typed} refused: authapi sets ${typed} itself (from the body; one request per connection)`, 'leave it out');
  if (removing && name === 'host') throw new UsageError(`${what} ${typed} refused: a request cannot go without a Host header`, 'give another value, or leave it out');
}

export const UNSIGNED_HINT = 'a route without IAM auth (API key only, like no-auth) can be called unsigned: add --unsigned';

/** Lower-case names; a repeated name is joined with ", " (RFC 9110 list semantics). */
export function parseHeaderLines(lines: string[], what = '-H', signing = true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    if (colon < 0 || !isToken(name)) {
      throw new UsageError(`${what} ${JSON.stringify(line)}: expected "Name: value"`);
    }
    const value = checkValue(name, line.slice(colon + 1).trim(), what);
    checkUserHeader(name, false, signing, what, 'this line is signed with SigV4; give it "auth": "none" to send your own');
    const key = name.toLowerCase();
    out[key] = out[key] !== undefined ? `${out[key]}, ${value}` : value;
  }
  return out;
}

function checkValue(name: string, value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new UsageError(`${what} ${JSON.stringify(name)}: the value contains a line break`);
  if (!isFieldValue(value)) throw new UsageError(`${what} ${JSON.stringify(name)}: the value has characters a header cannot carry (only Latin-1; percent-encode others)`);
  return value;
}

export interface HeaderArgs {
  /** Lower-case names → values (repeated names joined with ", "). */
  headers: Record<string, string>;
  /** Lower-case names of headers authapi adds that the user removed (`Name:`). */
  removed: Set<string>;
}

/**
 * `-H` lines, with curl's rules: `Name: value` adds (or replaces one authapi would
 * add), `Name:` removes a header authapi would add, `Name;` sends it with an empty value.
 */
export function parseHeaderArgs(lines: string[], signing: boolean): HeaderArgs {
  const headers: Record<string, string> = {};
  const removed = new Set<string>();
  for (const line of lines) {
    const empty = /^\s*([^:;\s]+)\s*;\s*$/.exec(line);
    const colon = line.indexOf(':');
    const name = empty ? empty[1]! : (colon < 0 ? line : line.slice(0, colon)).trim();
    if ((!empty && colon < 0) || !isToken(name)) {
      throw new UsageError(`-H ${JSON.stringify(line)}: expected "Name: value" ("Name:" removes it, "Name;" sends it empty)`);
    }
    const value = empty ? '' : checkValue(name, line.slice(colon + 1).trim(), '-H');
    const removing = !empty && value === '';
    checkUserHeader(name, removing, signing, '-H', UNSIGNED_HINT);
    const key = name.toLowerCase();
    if (removing) {
      removed.add(key);
      delete headers[key];
      continue;
    }
    removed.delete(key);
    headers[key] = headers[key] !== undefined ? `${headers[key]}, ${value}` : value;
  }
  return { headers, removed };
}

const MASK = '***';

export function redactedHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'x-api-key' || n === 'x-amz-security-token' || n === 'cookie') return MASK;
  if (n === 'authorization') {
    if (/^AWS4-HMAC-SHA256 /i.test(value)) return value.replace(/Signature=[0-9a-f]+/i, `Signature=${MASK}`);
    // A scheme is kept (Bearer, Basic); a bare credential (a REST Cognito authorizer's raw token) is masked whole.
    const scheme = /^([A-Za-z][\w-]*)\s+\S/.exec(value);
    return scheme ? `${scheme[1]} ${MASK}` : MASK;
  }
  return value;
}

/**
 * The request as `call` sends it (src/http/client.ts): its HTTP/1.1 head, framing
 * included, secrets masked.
 */
export function describeRequest(req: SignedRequest): string {
  const lines = [`${req.method} ${req.path} HTTP/1.1`];
  const sent = { ...req.headers, ...framingHeaders(req.method, req.body), connection: 'close' };
  for (const [k, v] of Object.entries(sent)) lines.push(`${k}: ${redactedHeaderValue(k, v)}`);
  if (req.body) lines.push('', `<${req.body.length} bytes of body>`);
  return lines.join('\n') + '\n';
}
