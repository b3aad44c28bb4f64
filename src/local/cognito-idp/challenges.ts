// Transient login state: the SRP exchange between InitiateAuth and the
// PASSWORD_VERIFIER answer (keyed by SECRET_BLOCK, as Cognito binds it), and the
// single-use challenge Sessions of later steps. Neither survives a restart, as a
// Cognito session does not outlive its few minutes anyway.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../model.js';
import { notAuthorized, MSG } from './errors.js';

export interface PendingSrp {
  poolId: string;
  clientId: string;
  /** undefined for an unknown user answered with a simulated challenge. */
  userKey?: string;
  userIdForSrp: string;
  A: bigint;
  b: bigint;
  B: bigint;
  verifier: bigint;
  expiresAt: number;
}

export type ChallengeName = 'NEW_PASSWORD_REQUIRED' | 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP' | 'SELECT_MFA_TYPE';

export interface ChallengeSession {
  poolId: string;
  clientId: string;
  userKey: string;
  challenge: ChallengeName;
  /** Epoch seconds of the sign-in (auth_time of the tokens at the end). */
  authTime: number;
  expiresAt: number;
  used: boolean;
  smsCode?: string;
  /** MFA_SETUP: secret from AssociateSoftwareToken(Session), then verified. */
  totpSecret?: string;
  totpVerified?: boolean;
  mfasCanChoose?: string[];
}

/** How long a used session is remembered so a replay gets "can only be used once". */
const USED_MEMORY_MS = 15 * 60_000;

export class ChallengeStore {
  private readonly srp = new Map<string, PendingSrp>();
  private readonly sessions = new Map<string, ChallengeSession>();

  constructor(private readonly clock: Clock) {}

  putSrp(p: PendingSrp): string {
    this.prune();
    const block = randomBytes(96).toString('base64');
    this.srp.set(block, p);
    return block;
  }

  /** Takes the pending exchange out (an SRP_B is good for one answer). */
  takeSrp(secretBlock: string): PendingSrp | undefined {
    const p = this.srp.get(secretBlock);
    this.srp.delete(secretBlock);
    if (!p || this.clock.now() >= p.expiresAt) return undefined;
    return p;
  }

  open(s: Omit<ChallengeSession, 'used'>): string {
    this.prune();
    const id = randomBytes(144).toString('base64');
    this.sessions.set(id, { ...s, used: false });
    return id;
  }

  /** A live, unused session for this client, or Cognito's session error. */
  get(id: unknown, clientId: string): ChallengeSession {
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!s || s.clientId !== clientId) throw notAuthorized(MSG.sessionInvalid);
    if (s.used) throw notAuthorized(MSG.sessionUsed);
    if (this.clock.now() >= s.expiresAt) throw notAuthorized(MSG.sessionExpired);
    return s;
  }

  /** The session record whatever its state (to learn its client), or undefined. */
  peek(id: string): ChallengeSession | undefined {
    return this.sessions.get(id);
  }

  consume(s: ChallengeSession): void {
    s.used = true;
    s.expiresAt = Math.min(s.expiresAt, this.clock.now());
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, p] of this.srp) if (now >= p.expiresAt) this.srp.delete(key);
    for (const [key, s] of this.sessions) if (now >= s.expiresAt + USED_MEMORY_MS) this.sessions.delete(key);
  }
}
