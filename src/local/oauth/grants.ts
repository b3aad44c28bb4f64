// What the managed login remembers between requests, all in memory with the
// emulator's clock: authorization codes (single use, 5 minutes, as Cognito's
// authorization endpoint docs say), the sign-in cookie sessions (about an hour), the
// page's half-finished sign-ins, and the scopes each refresh token was granted.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../model.js';
import type { AuthResult } from './idp-wire.js';
import type { AuthorizeRequest } from './authorize-params.js';

export const CODE_TTL_MS = 5 * 60_000;
/** Cognito's session cookie lasts about an hour (ID token docs; exact value not captured). */
export const SESSION_TTL_MS = 60 * 60_000;

export interface CodeGrant {
  request: AuthorizeRequest;
  tokens: AuthResult;
  expiresAt: number;
  used: boolean;
}

export interface BrowserSession {
  poolId: string;
  username: string;
  /** When the user signed in on the pages (epoch seconds): a silent sign-in keeps it as auth_time. */
  authTime: number;
  clientId: string;
  expiresAt: number;
}

export interface PendingSignIn {
  request: AuthorizeRequest;
  step: 'password' | 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA' | 'SELECT_MFA_TYPE';
  username?: string;
  session?: string;
  parameters?: Record<string, string>;
  expiresAt: number;
}

export class Grants {
  private readonly codes = new Map<string, CodeGrant>();
  private readonly sessions = new Map<string, BrowserSession>();
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly refreshScopes = new Map<string, { scopes: string[]; username: string }>();

  constructor(private readonly clock: Clock) {}

  issueCode(request: AuthorizeRequest, tokens: AuthResult): string {
    this.prune();
    const code = randomUUID();
    this.codes.set(code, { request, tokens, expiresAt: this.clock.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** The grant if it exists, is unused and unexpired; it is spent either way. */
  redeem(code: string): CodeGrant | 'invalid' {
    const g = this.codes.get(code);
    if (!g || g.used || this.clock.now() >= g.expiresAt) return 'invalid';
    g.used = true;
    return g;
  }

  openSession(s: Omit<BrowserSession, 'expiresAt'>): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { ...s, expiresAt: this.clock.now() + SESSION_TTL_MS });
    return id;
  }

  session(id: string | undefined, poolId: string): BrowserSession | undefined {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s || s.poolId !== poolId || this.clock.now() >= s.expiresAt) return undefined;
    return s;
  }

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  startSignIn(p: Omit<PendingSignIn, 'expiresAt'>, ttlMs: number): string {
    this.prune();
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, { ...p, expiresAt: this.clock.now() + ttlMs });
    return id;
  }

  signIn(id: string): PendingSignIn | undefined {
    const p = this.pending.get(id);
    return p && this.clock.now() < p.expiresAt ? p : undefined;
  }

  finishSignIn(id: string): void {
    this.pending.delete(id);
  }

  rememberRefresh(token: string, scopes: string[], username: string): void {
    this.refreshScopes.set(hash(token), { scopes, username });
  }

  refreshInfo(token: string): { scopes: string[]; username: string } | undefined {
    return this.refreshScopes.get(hash(token));
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, g] of this.codes) if (now >= g.expiresAt + CODE_TTL_MS) this.codes.delete(k);
    for (const [k, s] of this.sessions) if (now >= s.expiresAt) this.sessions.delete(k);
    for (const [k, p] of this.pending) if (now >= p.expiresAt) this.pending.delete(k);
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
