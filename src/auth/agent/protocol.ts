// The credentials agent's wire format: NDJSON over a Unix socket, one request line and
// one response line per connection, then the agent closes it. Small on purpose: the
// client is on every `authapi call`'s hot path and the agent must be easy to audit.
//
//   {"op":"get","key":K}                  → {"ok":true,"credentials":{…}} or {"ok":true}
//   {"op":"put","key":K,"credentials":C,"tokens":U,"readAt":T} → {"ok":true}   (C or U or both)
//   {"op":"forget","key":K}               → {"ok":true}   (no key: forget everything)
//   {"op":"forget","key":K,"only":"tokens"} → {"ok":true} (the key's tokens, not its credentials)
//   {"op":"sign","key":K,"identityPoolId":P,"validUntil":T,"request":R}
//                                         → {"ok":true,"signed":S} or {"ok":true} (nothing usable held)
//   {"op":"token","key":K,"kind":"id"|"access","clientId":C,"validUntil":T}
//                                         → {"ok":true,"token":"…"} or {"ok":true} (nothing usable held)
//   {"op":"ping"}                         → {"ok":true,"pid":N,"entries":n}
//   {"op":"stop"}                         → {"ok":true}   then the agent exits
//
// Keys are "<configDir>|<profile>|user|<session id>" or "<configDir>|<profile>|guest".
// Values are the short-lived AWS credentials and, for a user's key, the login's ID and
// access tokens (short-lived too) — never the refresh token.
//
// `sign` is what `authapi call` uses: the agent signs the request (SigV4, src/http/sign.ts)
// with the key's credentials if it holds them for pool P until at least T (epoch ms),
// so the calling process never holds the secret key and never loads node:crypto.
// `token` is what `call` uses for a route whose authorizer takes a user pool token: one
// token, of the kind asked for, issued to app client C and valid past T.
// An agent from an older build answers an unknown op with ok:false; callers then
// fall back to `get` (credentials) or the store (tokens).
import type { Target } from '../../http/target.js';
import type { TokenKind } from '../credentials.js';

/** What the agent holds per key: one identity's temporary AWS credentials. */
export interface AgentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms; the agent drops the entry at this time. */
  expiration: number;
  identityId: string;
  /** The pool they were made for: a profile re-pointed elsewhere must not use them. */
  identityPoolId: string;
}

/** What the agent holds per user key besides credentials: the login's ID and access tokens. */
export interface AgentTokens {
  idToken: string;
  accessToken: string;
  /** Epoch ms, when both expire (receipt + ExpiresIn); the agent drops them at this time. */
  expiresAt: number;
  /** The app client they were issued to: a profile re-pointed elsewhere must not use them. */
  clientId: string;
}

export type AgentRequest =
  | { op: 'get'; key: string }
  /**
   * readAt: when the sender read these credentials from the store (epoch ms). A put
   * read no later than the key's last forget is ignored: a command that read the store
   * just before `logout` wiped it must not hand the agent the ended session afterwards.
   */
  | { op: 'put'; key: string; credentials?: AgentCredentials; tokens?: AgentTokens; readAt?: number }
  /** only: 'tokens' keeps the key's credentials (a token the API refused says nothing about them). */
  | { op: 'forget'; key?: string; only?: 'tokens' }
  | { op: 'sign'; key: string; identityPoolId: string; validUntil: number; request: AgentSignRequest }
  | { op: 'token'; key: string; kind: TokenKind; clientId: string; validUntil: number }
  | { op: 'ping' }
  | { op: 'stop' };

/** What src/http/sign.ts signs, minus the credentials (the agent has those). */
export interface AgentSignRequest {
  method: string;
  target: Target;
  headers: Record<string, string>;
  bodyBase64?: string;
  apiKey?: string;
  region: string;
  service?: string;
  /** Signing time, epoch ms (the caller's clock-skew offset already applied). */
  now: number;
}

/** The signed parts of the request: the path as signed and every header to send. */
export interface AgentSigned {
  path: string;
  headers: Record<string, string>;
  signature: string;
}

export type AgentResponse =
  | { ok: true; credentials?: AgentCredentials; signed?: AgentSigned; token?: string; pid?: number; entries?: number }
  | { ok: false; error: string };

/** What the parent writes to a new agent's stdin (a pipe): where to listen, what to hold. */
export interface AgentStart {
  v: 1;
  socketPath: string;
  entries: Record<string, AgentCredentials>;
  /** A user's tokens, by key (absent in a start message from an older build). */
  tokens?: Record<string, AgentTokens>;
}

/** A request line longer than this is refused: nothing legitimate comes close. */
export const MAX_LINE_BYTES = 64 * 1024;

export class ProtocolError extends Error {}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringMap = (v: unknown): v is Record<string, string> =>
  Boolean(v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'));

export function isAgentCredentials(v: unknown): v is AgentCredentials {
  const c = v as Partial<AgentCredentials> | null;
  return Boolean(c && typeof c === 'object' && isString(c.accessKeyId) && isString(c.secretAccessKey) &&
    typeof c.sessionToken === 'string' && typeof c.expiration === 'number' && Number.isFinite(c.expiration) &&
    typeof c.identityId === 'string' && isString(c.identityPoolId));
}

export function isAgentTokens(v: unknown): v is AgentTokens {
  const t = v as Partial<AgentTokens> | null;
  return Boolean(t && typeof t === 'object' && isString(t.idToken) && isString(t.accessToken) &&
    isNumber(t.expiresAt) && isString(t.clientId));
}

/** Only the fields above (no refresh token, whatever a caller passes along). */
export function pickTokens(t: AgentTokens): AgentTokens {
  return { idToken: t.idToken, accessToken: t.accessToken, expiresAt: t.expiresAt, clientId: t.clientId };
}

/** Only the fields above: nothing else a caller might pass along ends up in the agent. */
export function pickCredentials(c: AgentCredentials): AgentCredentials {
  return {
    accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken,
    expiration: c.expiration, identityId: c.identityId, identityPoolId: c.identityPoolId,
  };
}

export function parseRequest(line: string): AgentRequest {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new ProtocolError('not JSON');
  }
  if (!v || typeof v !== 'object') throw new ProtocolError('not an object');
  switch (v.op) {
    case 'get':
      if (!isString(v.key)) throw new ProtocolError('get needs a key');
      return { op: 'get', key: v.key };
    case 'put':
      if (!isString(v.key)) throw new ProtocolError('put needs a key');
      if (v.credentials === undefined && v.tokens === undefined) throw new ProtocolError('put needs credentials or tokens');
      if (v.credentials !== undefined && !isAgentCredentials(v.credentials)) throw new ProtocolError('put: bad credentials');
      if (v.tokens !== undefined && !isAgentTokens(v.tokens)) throw new ProtocolError('put: bad tokens');
      if (v.readAt !== undefined && !isNumber(v.readAt)) throw new ProtocolError('put: readAt must be a number');
      return {
        op: 'put', key: v.key,
        ...(v.credentials === undefined ? {} : { credentials: pickCredentials(v.credentials as AgentCredentials) }),
        ...(v.tokens === undefined ? {} : { tokens: pickTokens(v.tokens as AgentTokens) }),
        ...(v.readAt === undefined ? {} : { readAt: v.readAt }),
      };
    case 'forget':
      if (v.key !== undefined && !isString(v.key)) throw new ProtocolError('forget: key must be a string');
      if (v.only !== undefined && (v.only !== 'tokens' || v.key === undefined)) throw new ProtocolError('forget: only must be "tokens", with a key');
      if (v.key === undefined) return { op: 'forget' };
      return v.only === 'tokens' ? { op: 'forget', key: v.key, only: 'tokens' } : { op: 'forget', key: v.key };
    case 'sign':
      if (!isString(v.key)) throw new ProtocolError('sign needs a key');
      if (!isString(v.identityPoolId)) throw new ProtocolError('sign needs an identityPoolId');
      if (!isNumber(v.validUntil)) throw new ProtocolError('sign: validUntil must be a number');
      return { op: 'sign', key: v.key, identityPoolId: v.identityPoolId, validUntil: v.validUntil, request: parseSignRequest(v.request) };
    case 'token':
      if (!isString(v.key)) throw new ProtocolError('token needs a key');
      if (v.kind !== 'id' && v.kind !== 'access') throw new ProtocolError('token: kind must be "id" or "access"');
      if (!isString(v.clientId)) throw new ProtocolError('token needs a clientId');
      if (!isNumber(v.validUntil)) throw new ProtocolError('token: validUntil must be a number');
      return { op: 'token', key: v.key, kind: v.kind, clientId: v.clientId, validUntil: v.validUntil };
    case 'ping':
    case 'stop':
      return { op: v.op };
    default:
      throw new ProtocolError(`unknown op ${JSON.stringify(v.op)}`);
  }
}

function parseSignRequest(v: unknown): AgentSignRequest {
  const r = v as Partial<AgentSignRequest> | null;
  if (!r || typeof r !== 'object') throw new ProtocolError('sign needs a request');
  const t = r.target as Partial<Target> | undefined;
  if (typeof r.method !== 'string' || !/^[A-Z]+$/.test(r.method)) throw new ProtocolError('sign: bad method');
  if (!t || (t.protocol !== 'http:' && t.protocol !== 'https:') || !isString(t.hostname) || typeof t.port !== 'string' ||
    typeof t.path !== 'string' || !t.path.startsWith('/') ||
    !Array.isArray(t.query) || !t.query.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')) {
    throw new ProtocolError('sign: bad target');
  }
  if (!isStringMap(r.headers)) throw new ProtocolError('sign: headers must map names to strings');
  if (r.bodyBase64 !== undefined && typeof r.bodyBase64 !== 'string') throw new ProtocolError('sign: bodyBase64 must be a string');
  if (r.apiKey !== undefined && typeof r.apiKey !== 'string') throw new ProtocolError('sign: apiKey must be a string');
  if (!isString(r.region)) throw new ProtocolError('sign: bad region');
  if (r.service !== undefined && !isString(r.service)) throw new ProtocolError('sign: bad service');
  if (!isNumber(r.now)) throw new ProtocolError('sign: now must be a number');
  return {
    method: r.method,
    target: { protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, query: t.query },
    headers: r.headers,
    region: r.region,
    now: r.now,
    ...(r.bodyBase64 === undefined ? {} : { bodyBase64: r.bodyBase64 }),
    ...(r.apiKey === undefined ? {} : { apiKey: r.apiKey }),
    ...(r.service === undefined ? {} : { service: r.service }),
  };
}

export function parseResponse(line: string): AgentResponse {
  const v = JSON.parse(line) as AgentResponse;
  if (!v || typeof v !== 'object' || typeof v.ok !== 'boolean') throw new ProtocolError('not a response');
  if (v.ok && v.credentials !== undefined && !isAgentCredentials(v.credentials)) throw new ProtocolError('bad credentials');
  if (v.ok && v.token !== undefined && !isString(v.token)) throw new ProtocolError('bad token');
  if (v.ok && v.signed !== undefined) {
    const s = v.signed as Partial<AgentSigned>;
    if (!s || typeof s.path !== 'string' || !isStringMap(s.headers) || typeof s.signature !== 'string') throw new ProtocolError('bad signed request');
  }
  return v;
}

export function parseStart(text: string): AgentStart {
  const v = JSON.parse(text) as AgentStart;
  if (!v || v.v !== 1 || !isString(v.socketPath) || !v.entries || typeof v.entries !== 'object') throw new ProtocolError('bad start message');
  const entries: Record<string, AgentCredentials> = {};
  for (const [k, c] of Object.entries(v.entries)) if (isAgentCredentials(c)) entries[k] = pickCredentials(c);
  const tokens: Record<string, AgentTokens> = {};
  if (v.tokens && typeof v.tokens === 'object') for (const [k, t] of Object.entries(v.tokens)) if (isAgentTokens(t)) tokens[k] = pickTokens(t);
  return { v: 1, socketPath: v.socketPath, entries, tokens };
}

/**
 * A user's key names the login (session-marker.ts): after a new login or a logout
 * nobody asks for the old key again, so the agent cannot serve an older session
 * even if it was never told.
 */
export function agentKey(configDir: string, profileName: string, kind: 'user' | 'guest', sessionId?: string): string {
  return kind === 'user' ? `${configDir}|${profileName}|user|${sessionId ?? ''}` : `${configDir}|${profileName}|guest`;
}
