// The client credentials of a token-endpoint request (RFC 6749 §2.3.1): HTTP Basic
// (client_secret_basic, both parts form-encoded) or client_id / client_secret in the
// body (client_secret_post). Used by managed login's endpoints and by the stand-in
// OIDC provider's.
import type { LocalRequest } from '../model.js';

/** What the request says; undefined when a Basic header is malformed. */
export function clientCredentials(req: LocalRequest, form: URLSearchParams): { id?: string; secret?: string } | undefined {
  const auth = req.headers.authorization ?? '';
  if (/^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return { ...(id !== null ? { id } : {}), ...(secret !== null ? { secret } : {}) };
}
