// `authapi status`: which profile, where its config lives, what is configured, and
// the login state: who (from the ID token — "unverified" unless --verify checked its
// signature against the pool's JWKS), identity id, expiry of tokens and credentials,
// which secret store holds them and which stores are available. Human text or --json
// on stdout. Exit 2 when the profile is missing or invalid, 3 when it is configured but
// not logged in (or the session expired), so scripts can test it.
import type { Command } from 'commander';
import { SilentExit, ExitCode, NetworkError, UserError } from '../errors.js';
import { validateProfile, type Profile } from '../config/profile.js';
import { redactedProfile } from '../config/display.js';
import type { Context } from '../context.js';
import { defineCommand } from './spec.js';
import { shellArg } from '../util/shell-arg.js';
import { loginCommand } from '../auth/login-command.js';

export interface StatusOptions {
  json?: boolean;
  verify?: boolean;
  insecureStorage?: boolean;
}

export interface LoginStatus {
  /** unreadable: a login is recorded but its stored session cannot be read; unknown: the store cannot be opened. */
  state: 'logged-in' | 'expired' | 'not-logged-in' | 'unreadable' | 'unknown';
  /** Who, from the ID token. */
  user?: {
    username?: string;
    email?: string;
    sub?: string;
    /** "verified" only after --verify checked the signature, issuer, audience and expiry. */
    claims: 'verified' | 'unverified';
    verifyProblem?: string;
  };
  identityId?: string;
  /** How the user signed in: SRP (password) or the managed login in a browser (decides how tokens refresh). */
  signedInWith?: 'password' | 'browser';
  loggedInAt?: string;
  tokensExpireAt?: string;
  credentialsExpireAt?: string;
  expiredReason?: string;
  guest?: { identityId?: string; credentialsExpireAt?: string };
  problem?: string;
  /** What to do about the problem. */
  hint?: string;
}

export interface StoreStatus {
  /** The backend in use for this profile. */
  inUse?: string;
  available: { kind: string; name: string; available: boolean; allowed: boolean; state?: string; problem?: string; hint?: string }[];
}

export interface StatusReport {
  profile: string;
  configPath: string;
  configured: boolean;
  problems?: string[];
  settings?: Record<string, unknown>;
  login?: LoginStatus;
  store?: StoreStatus;
  /** The credentials agent of this config directory (src/auth/agent). */
  agent?: { state: 'running' | 'not-running' | 'disabled'; pid?: number };
}

export const statusCommand = defineCommand<StatusOptions>({
  name: 'status',
  summary: 'show the profile in use, what is configured, and who is logged in',
  exitCodes: [0, 1, 2, 3, 6, 7, 130],
  examples: [
    'authapi status',
    'authapi status --json --profile local | jq .login.user.username',
    'authapi status --verify            # check the ID token signature against the pool\'s JWKS',
    'authapi status >/dev/null 2>&1 || authapi login',
  ],
  define(cmd: Command) {
    cmd
      .option('--json', 'print one JSON object for scripts')
      .option('--verify', 'verify the ID token against the pool\'s published keys (network)');
  },
  async run(ctx, opts) {
    if (opts.insecureStorage) ctx.flags.insecureStorage = true;
    const data = await ctx.readConfig();
    const raw = data.profiles[ctx.profileName];
    const report: StatusReport = { profile: ctx.profileName, configPath: ctx.configPath, configured: false };
    let unreachable: NetworkError | undefined;
    let profile: Profile | undefined;
    if (raw === undefined) {
      report.problems = [`no profile "${ctx.profileName}" in ${ctx.configPath}`];
    } else {
      const checked = validateProfile(raw);
      profile = checked.profile;
      report.configured = Boolean(profile);
      if (checked.problems.length) report.problems = checked.problems;
      report.settings = redactedProfile(raw as Partial<Profile>);
    }
    if (profile) {
      const { login, store, verifyUnreachable } = await loginStatus(ctx, profile, Boolean(opts.verify));
      unreachable = verifyUnreachable;
      report.login = login;
      report.store = store;
      report.agent = await agentStatus(ctx);
    }

    if (opts.json) ctx.io.out(JSON.stringify(report) + '\n');
    else ctx.io.out(formatStatus(report));
    if (!report.configured) {
      ctx.io.info(`authapi: profile "${ctx.profileName}" is not usable — run \`authapi configure --profile ${shellArg(ctx.profileName)}\``);
      throw new SilentExit(ExitCode.USAGE);
    }
    // Not logged in (or unreadable) and no allowed store works: that, with what to do
    // about it, is what to fix first.
    const allowed = report.store?.available.filter((b) => b.allowed) ?? [];
    const storeProblem = allowed.every((b) => !b.available) ? allowed[0] : undefined;
    const storeLine = report.login?.state !== 'logged-in' && storeProblem?.problem !== undefined && storeProblem.problem !== report.login?.problem;
    if (storeLine) ctx.io.info(`authapi: ${storeProblem!.problem}${storeProblem!.hint ? ` — ${storeProblem!.hint}` : ''}`);
    if (report.login?.state === 'unknown' || report.login?.state === 'unreadable') {
      const { problem, hint } = report.login;
      const what = hint && !storeLine ? ` — ${hint}` : '';
      ctx.io.info(`authapi: the session of profile "${ctx.profileName}" cannot be read: ${problem}${what}`);
      throw new SilentExit(ExitCode.AUTH);
    }
    if (report.login && report.login.state !== 'logged-in') {
      const why = report.login.state === 'expired' ? 'the session expired' : 'not logged in';
      const next = `${storeProblem?.problem ? 'make the store usable, then ' : ''}run ${loginCommand(ctx.profileName)}`;
      ctx.io.info(`authapi: ${why} (profile "${ctx.profileName}") — ${next}`);
      throw new SilentExit(ExitCode.AUTH);
    }
    // --verify could not fetch the keys (network, proxy, certificate): the report is printed, the exit says so.
    if (unreachable) throw unreachable;
  },
});

async function agentStatus(ctx: Context): Promise<NonNullable<StatusReport['agent']>> {
  const { agentEnabled, agentPid } = await import('../auth/agent/link.js');
  if (!agentEnabled(ctx)) return { state: 'disabled' };
  const pid = await agentPid(ctx);
  return pid === undefined ? { state: 'not-running' } : { state: 'running', pid };
}

async function loginStatus(ctx: Context, profile: Profile, verify: boolean): Promise<{ login: LoginStatus; store: StoreStatus; verifyUnreachable?: NetworkError }> {
  const { describeBackends } = await import('../auth/store/choose.js');
  const { readSessionView } = await import('../auth/session-view.js');
  const { SessionUnreadableError } = await import('../auth/session-errors.js');
  const { decodeClaims, stringClaim } = await import('../auth/jwt.js');
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

  const store: StoreStatus = {
    available: ctx.secretStore
      ? [{ kind: 'injected', name: ctx.secretStore.name, available: true, allowed: true }]
      : await describeBackends(ctx, profile.store),
  };
  let view;
  try {
    view = await readSessionView(ctx, profile);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const state = err instanceof SessionUnreadableError ? 'unreadable' : 'unknown';
    return { login: { state, problem: err.message, ...(err.hint ? { hint: err.hint } : {}) }, store };
  }
  store.inUse = view.store.name;
  const user = view.session?.user;
  const login: LoginStatus = { state: user ? (user.expired ? 'expired' : 'logged-in') : 'not-logged-in' };
  if (view.session?.guestIdentityId || view.credentials.guest) {
    login.guest = { identityId: view.session?.guestIdentityId, credentialsExpireAt: iso(view.credentials.guest?.expiration) };
  }
  if (!user) return { login, store };

  let claims = decodeClaims(user.tokens.idToken);
  let label: 'verified' | 'unverified' = 'unverified';
  let verifyProblem: string | undefined;
  let verifyUnreachable: NetworkError | undefined;
  if (verify) {
    try {
      const { verifyIdToken } = await import('../auth/verify-id-token.js');
      claims = await verifyIdToken(profile, user.tokens.idToken, ctx.clock.now(), ctx.env);
      label = 'verified';
    } catch (err) {
      verifyProblem = err instanceof Error ? err.message : String(err);
      if (err instanceof NetworkError) verifyUnreachable = err;
    }
  }
  login.user = {
    username: stringClaim(claims, 'cognito:username') ?? user.username,
    email: stringClaim(claims, 'email'),
    sub: stringClaim(claims, 'sub'),
    claims: label,
    ...(verifyProblem ? { verifyProblem } : {}),
  };
  login.identityId = user.identityId;
  // Sessions stored before `via` was recorded were all SRP sign-ins.
  login.signedInWith = user.via === 'browser' ? 'browser' : 'password';
  login.loggedInAt = iso(user.loggedInAt);
  login.tokensExpireAt = iso(user.tokens.expiresAt);
  login.credentialsExpireAt = iso(view.credentials.user?.expiration);
  if (user.expired) login.expiredReason = user.expired;
  return { login, store, verifyUnreachable };
}

export function formatStatus(r: StatusReport): string {
  const rows: [string, string][] = [
    ['profile', r.profile],
    ['config', r.configPath],
    ['configured', r.configured ? 'yes' : 'no'],
  ];
  for (const [k, v] of Object.entries(r.settings ?? {})) {
    rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  for (const p of r.problems ?? []) rows.push(['problem', p]);
  const l = r.login;
  if (l) {
    const state = { 'logged-in': 'yes', expired: 'no — the session expired', 'not-logged-in': 'no', unreadable: 'unreadable — log in again', unknown: 'unknown' }[l.state];
    rows.push(['logged in', state]);
    if (l.user) {
      const who = [l.user.username, l.user.email && `<${l.user.email}>`].filter(Boolean).join(' ');
      rows.push(['user', `${who} (${l.user.claims === 'verified' ? 'verified' : 'unverified claims from the ID token'})`]);
      if (l.user.verifyProblem) rows.push(['verify', `failed: ${l.user.verifyProblem}`]);
      if (l.user.sub) rows.push(['sub', l.user.sub]);
    }
    if (l.identityId) rows.push(['identity id', l.identityId]);
    if (l.signedInWith) rows.push(['signed in with', l.signedInWith === 'browser' ? 'the browser (managed login; refreshed at its token endpoint)' : 'a password (SRP)']);
    if (l.loggedInAt) rows.push(['logged in at', l.loggedInAt]);
    if (l.tokensExpireAt) rows.push(['tokens expire', `${l.tokensExpireAt} (refreshed automatically)`]);
    if (l.credentialsExpireAt) rows.push(['credentials expire', l.credentialsExpireAt]);
    if (l.expiredReason) rows.push(['expired because', l.expiredReason]);
    if (l.guest) rows.push(['guest identity', [l.guest.identityId, l.guest.credentialsExpireAt && `credentials until ${l.guest.credentialsExpireAt}`].filter(Boolean).join(', ')]);
    if (l.problem) rows.push(['problem', l.problem]);
  }
  if (r.store) {
    if (r.store.inUse) rows.push(['secret store', r.store.inUse]);
    rows.push(['stores', r.store.available.map((b) =>
      `${b.name}: ${b.available ? 'available' : (b.state ?? 'unavailable').replace(/-/g, ' ')}${b.allowed ? '' : ', not allowed'}`).join('; ')]);
    for (const b of r.store.available) if (b.allowed && !b.available && b.problem) rows.push([`${b.kind} problem`, b.problem + (b.hint ? ` — ${b.hint}` : '')]);
  }
  if (r.agent) {
    rows.push(['credentials agent', r.agent.state === 'running' ? `running (pid ${r.agent.pid})`
      : r.agent.state === 'disabled' ? 'disabled' : 'not running']);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n') + '\n';
}
