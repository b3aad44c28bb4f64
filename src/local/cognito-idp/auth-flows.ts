// InitiateAuth and RespondToAuthChallenge: SRP and password sign-in, refresh, and
// the chain of challenges after the password (new password, then MFA).
import { randomInt } from 'node:crypto';
import type { UserPoolClientModel } from '../model.js';
import { N, g, modPow, parseCognitoTimestamp, cognitoTimestamp } from '../../shared/srp-constants.js';
import type { IdpContext, PoolRuntime } from './context.js';
import { findUser, userKey } from './context.js';
import type { ChallengeName, ChallengeSession } from './challenges.js';
import { CognitoError, MSG, invalidParameter, missingParameter, notAuthorized, validationNull } from './errors.js';
import { isLockedOut, recordFailure, recordSuccess } from './lockout.js';
import { enforcePasswordPolicy } from './password-policy.js';
import { checkSecretHash } from './secret-hash.js';
import { fakeSalt, parseA, passwordMatches, serverEphemeral, serverKey, signatureMatches } from './srp-server.js';
import type { MfaName, UserRecord } from './state.js';
import { checkTotp } from './totp.js';
import { issueTokens } from './tokens.js';
import { refreshAuth } from './refresh.js';
import { maskPhone, parseAttributeList, setPassword } from './users.js';

type Body = Record<string, unknown>;
type Params = Record<string, unknown>;

/** How far TIMESTAMP may be from the server clock (Cognito wants it "within seconds"). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

const FLOW_ALIASES: Record<string, string> = { REFRESH_TOKEN: 'REFRESH_TOKEN_AUTH' };
const KNOWN_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'];

function str(params: Params, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v === '') throw missingParameter(name);
  return v;
}

function flowAllowed(client: UserPoolClientModel, flow: string): boolean {
  // The template loader already maps legacy names (USER_PASSWORD_AUTH, …) to ALLOW_*.
  return client.explicitAuthFlows.includes(`ALLOW_${flow}`);
}

/**
 * Cognito words this refusal per flow: the USER_PASSWORD_AUTH message is the one its
 * users quote in public bug reports; the others follow the USER_SRP_AUTH wording (docs/protocols.md).
 */
export function flowDisabled(flow: string): string {
  if (flow === 'USER_PASSWORD_AUTH') return 'USER_PASSWORD_AUTH flow not enabled for this client';
  return `${flow} is not enabled for the client.`;
}

function clientOf(ctx: IdpContext, body: Body) {
  if (typeof body.ClientId !== 'string') throw validationNull('ClientId');
  return ctx.clientById(body.ClientId);
}

function sessionSeconds(client: UserPoolClientModel): number {
  return client.authSessionValiditySeconds;
}

// ---------------------------------------------------------------- InitiateAuth

export async function initiateAuth(ctx: IdpContext, body: Body): Promise<unknown> {
  const { pool, client } = clientOf(ctx, body);
  if (typeof body.AuthFlow !== 'string') throw validationNull('AuthFlow');
  if (!KNOWN_FLOWS.includes(body.AuthFlow)) {
    throw invalidParameter(
      `1 validation error detected: Value '${body.AuthFlow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${KNOWN_FLOWS.join(', ')}]`,
    );
  }
  const flow = FLOW_ALIASES[body.AuthFlow] ?? body.AuthFlow;
  if (flow.startsWith('ADMIN_')) throw invalidParameter(`Initiate Auth method not supported.`);
  if (!flowAllowed(client, flow)) throw invalidParameter(flowDisabled(flow));
  const params = (body.AuthParameters ?? {}) as Params;
  switch (flow) {
    case 'USER_SRP_AUTH':
      return startSrp(ctx, pool, client, params);
    case 'USER_PASSWORD_AUTH':
      return passwordAuth(ctx, pool, client, params);
    case 'REFRESH_TOKEN_AUTH':
      return refreshAuth(ctx, pool, client, params);
    default:
      throw invalidParameter(`${flow} is not supported by the authapi emulator.`);
  }
}

function startSrp(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, params: Params) {
  const username = str(params, 'USERNAME');
  const srpA = str(params, 'SRP_A');
  checkSecretHash(client, params.SECRET_HASH, username);
  const A = parseA(srpA);
  // RFC 5054 §2.5.4: A ≡ 0 (mod N) would let a client force S = 0 and skip the password.
  if (A === undefined) throw invalidParameter('Invalid SRP_A: must be a non-zero value modulo N');
  const user = findUser(pool, username);
  const expiresAt = ctx.clock.now() + sessionSeconds(client) * 1000;
  let salt: string;
  let verifier: bigint;
  let userIdForSrp: string;
  if (user) {
    salt = user.salt;
    verifier = BigInt('0x' + user.verifier);
    userIdForSrp = user.username;
  } else {
    if (!client.preventUserExistenceErrors) throw new CognitoError('UserNotFoundException', MSG.userNotFound);
    // Same answer shape as for a real user, with a salt that never changes for this
    // name; the proof then fails as a wrong password would.
    salt = fakeSalt(pool.state.fakeSaltKey, userKey(pool.model, username));
    verifier = modPow(g, BigInt('0x' + salt) + 1n, N);
    userIdForSrp = username;
  }
  const { b, B } = serverEphemeral(verifier, A);
  const secretBlock = ctx.challenges.putSrp({
    poolId: pool.model.id,
    clientId: client.clientId,
    userKey: user ? userKey(pool.model, user.username) : undefined,
    userIdForSrp,
    A,
    b,
    B,
    verifier,
    expiresAt,
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: B.toString(16),
      USERNAME: userIdForSrp,
      USER_ID_FOR_SRP: userIdForSrp,
    },
  };
}

export async function passwordAuth(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, params: Params) {
  const username = str(params, 'USERNAME');
  const password = str(params, 'PASSWORD');
  checkSecretHash(client, params.SECRET_HASH, username);
  const user = findUser(pool, username);
  if (!user) {
    throw client.preventUserExistenceErrors ? notAuthorized(MSG.incorrect) : new CognitoError('UserNotFoundException', MSG.userNotFound);
  }
  const now = ctx.clock.now();
  if (isLockedOut(user.lockout, now)) throw notAuthorized(MSG.lockedOut);
  if (!passwordMatches(user, pool.poolName, user.username, password)) {
    failPassword(ctx, user, now);
  }
  return afterPassword(ctx, pool, client, user);
}

function failPassword(ctx: IdpContext, user: UserRecord, now: number): never {
  const lockMs = recordFailure(user.lockout, now);
  if (lockMs > 0) ctx.log(`user ${user.username} locked out for ${lockMs / 1000}s after ${user.lockout.failures} failed sign-in attempts`);
  ctx.changed();
  throw notAuthorized(MSG.incorrect);
}

// ---------------------------------------------------- after the password is proven

async function afterPassword(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord) {
  recordSuccess(user.lockout);
  ctx.changed();
  if (!user.enabled) throw notAuthorized(MSG.disabled);
  if (user.status === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', MSG.notConfirmed);
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', MSG.resetRequired);
  const authTime = Math.floor(ctx.clock.now() / 1000);
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    const validMs = pool.model.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
    if (ctx.clock.now() - user.passwordSetAt > validMs) throw notAuthorized(MSG.tempPasswordExpired);
    const attrs = { ...user.attributes };
    delete attrs.sub;
    return challenge(ctx, pool, client, user, 'NEW_PASSWORD_REQUIRED', authTime, {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: '[]',
      userAttributes: JSON.stringify(attrs),
    });
  }
  return mfaStep(ctx, pool, client, user, authTime);
}

function challenge(
  ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord,
  name: ChallengeName, authTime: number, parameters: Record<string, string>, extra: Partial<ChallengeSession> = {},
) {
  const Session = ctx.challenges.open({
    poolId: pool.model.id,
    clientId: client.clientId,
    userKey: userKey(pool.model, user.username),
    challenge: name,
    authTime,
    expiresAt: ctx.clock.now() + sessionSeconds(client) * 1000,
    ...extra,
  });
  return { ChallengeName: name, ChallengeParameters: parameters, Session };
}

function mfasOf(pool: PoolRuntime, user: UserRecord): MfaName[] {
  const out: MfaName[] = [];
  if (user.mfa.smsEnabled && user.attributes.phone_number && pool.model.enabledMfas.includes('SMS_MFA')) out.push('SMS_MFA');
  if (user.mfa.totpEnabled && user.mfa.totpSecret && pool.model.enabledMfas.includes('SOFTWARE_TOKEN_MFA')) out.push('SOFTWARE_TOKEN_MFA');
  return out;
}

async function mfaStep(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord, authTime: number) {
  const mode = pool.model.mfaConfiguration;
  if (mode !== 'OFF') {
    const enabled = mfasOf(pool, user);
    if (enabled.length === 0 && mode === 'ON') {
      // Required MFA and nothing set up: SMS when the user has a phone, else TOTP setup.
      if (pool.model.enabledMfas.includes('SMS_MFA') && user.attributes.phone_number) return mfaChallenge(ctx, pool, client, user, 'SMS_MFA', authTime);
      if (pool.model.enabledMfas.includes('SOFTWARE_TOKEN_MFA')) {
        return challenge(ctx, pool, client, user, 'MFA_SETUP', authTime, {
          MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]',
          USER_ID_FOR_SRP: user.username,
        });
      }
    } else if (enabled.length > 0) {
      const preferred = user.mfa.preferred && enabled.includes(user.mfa.preferred) ? user.mfa.preferred : undefined;
      if (preferred || enabled.length === 1) return mfaChallenge(ctx, pool, client, user, preferred ?? enabled[0]!, authTime);
      return challenge(ctx, pool, client, user, 'SELECT_MFA_TYPE', authTime, {
        MFAS_CAN_CHOOSE: JSON.stringify(enabled),
        USER_ID_FOR_SRP: user.username,
      }, { mfasCanChoose: enabled });
    }
  }
  return tokensFor(ctx, pool, client, user, authTime);
}

function mfaChallenge(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord, name: MfaName, authTime: number) {
  if (name === 'SOFTWARE_TOKEN_MFA') {
    return challenge(ctx, pool, client, user, name, authTime, { USER_ID_FOR_SRP: user.username });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const destination = maskPhone(user.attributes.phone_number ?? '');
  // The emulator's SMS gateway: the code goes to the log, where a person or a test reads it.
  ctx.log(`SMS to ${destination} for ${user.username}: code ${code}`);
  return challenge(ctx, pool, client, user, name, authTime, {
    CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
    CODE_DELIVERY_DESTINATION: destination,
    USER_ID_FOR_SRP: user.username,
  }, { smsCode: code });
}

async function tokensFor(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, user: UserRecord, authTime: number) {
  const result = await issueTokens(ctx, pool, client, user, { authTime, withRefreshToken: true });
  return { AuthenticationResult: result, ChallengeParameters: {} };
}

// ------------------------------------------------------ RespondToAuthChallenge

export async function respondToAuthChallenge(ctx: IdpContext, body: Body): Promise<unknown> {
  const { pool, client } = clientOf(ctx, body);
  if (typeof body.ChallengeName !== 'string') throw validationNull('ChallengeName');
  const responses = (body.ChallengeResponses ?? {}) as Params;
  if (body.ChallengeName === 'PASSWORD_VERIFIER') return passwordVerifier(ctx, pool, client, responses);

  if (typeof body.Session !== 'string') throw missingParameter('Session');
  const session = ctx.challenges.get(body.Session, client.clientId);
  const user = pool.state.users[session.userKey];
  if (!user || session.poolId !== pool.model.id) throw notAuthorized(MSG.sessionInvalid);
  const username = str(responses, 'USERNAME');
  if (userKey(pool.model, username) !== session.userKey) throw notAuthorized(MSG.sessionInvalid);
  checkSecretHash(client, responses.SECRET_HASH, user.username);
  if (body.ChallengeName !== session.challenge) {
    throw invalidParameter(`Invalid challenge name: expected ${session.challenge}, got ${body.ChallengeName}`);
  }

  switch (session.challenge) {
    case 'NEW_PASSWORD_REQUIRED': {
      const password = str(responses, 'NEW_PASSWORD');
      enforcePasswordPolicy(pool.model.passwordPolicy, password);
      const attributes = parseAttributeList(
        Object.entries(responses)
          .filter(([name]) => name.startsWith('userAttributes.'))
          .map(([name, value]) => ({ Name: name.slice('userAttributes.'.length), Value: value })),
      );
      ctx.challenges.consume(session);
      Object.assign(user.attributes, attributes);
      setPassword(ctx, pool, user, password, 'CONFIRMED');
      return mfaStep(ctx, pool, client, user, session.authTime);
    }
    case 'SMS_MFA': {
      const code = str(responses, 'SMS_MFA_CODE');
      // A wrong code leaves the session usable: the user may type it again.
      if (code !== session.smsCode) throw new CognitoError('CodeMismatchException', MSG.codeMismatch);
      ctx.challenges.consume(session);
      return tokensFor(ctx, pool, client, user, session.authTime);
    }
    case 'SOFTWARE_TOKEN_MFA': {
      const code = str(responses, 'SOFTWARE_TOKEN_MFA_CODE');
      const check = checkTotp(user.mfa.totpSecret ?? '', code, ctx.clock.now(), user.mfa.lastTotpStep);
      if (!check.ok) {
        if (check.reused) throw new CognitoError('ExpiredCodeException', MSG.totpReused);
        throw new CognitoError('CodeMismatchException', MSG.codeMismatch);
      }
      user.mfa.lastTotpStep = check.step;
      ctx.changed();
      ctx.challenges.consume(session);
      return tokensFor(ctx, pool, client, user, session.authTime);
    }
    case 'SELECT_MFA_TYPE': {
      const answer = str(responses, 'ANSWER');
      if (!session.mfasCanChoose?.includes(answer)) throw invalidParameter(`Invalid ANSWER: ${answer}`);
      ctx.challenges.consume(session);
      return mfaChallenge(ctx, pool, client, user, answer as MfaName, session.authTime);
    }
    case 'MFA_SETUP': {
      if (!session.totpVerified) throw invalidParameter('Software token MFA has not been verified for this session.');
      ctx.challenges.consume(session);
      return tokensFor(ctx, pool, client, user, session.authTime);
    }
  }
}

async function passwordVerifier(ctx: IdpContext, pool: PoolRuntime, client: UserPoolClientModel, responses: Params) {
  const username = str(responses, 'USERNAME');
  const secretBlock = str(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = str(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = str(responses, 'TIMESTAMP');
  const pending = ctx.challenges.takeSrp(secretBlock);
  if (!pending || pending.clientId !== client.clientId || pending.poolId !== pool.model.id) throw notAuthorized(MSG.incorrect);
  checkSecretHash(client, responses.SECRET_HASH, pending.userIdForSrp);

  // Cognito parses loosely (a zero-padded day still parses) but signs the canonical
  // form, so a client that pads the day fails the proof rather than the format check.
  const when = parseCognitoTimestamp(timestamp) ?? parseLoosely(timestamp);
  if (!when) throw invalidParameter(MSG.timestampFormat);
  const canonical = cognitoTimestamp(when);

  const user = pending.userKey !== undefined ? pool.state.users[pending.userKey] : undefined;
  if (!user || userKey(pool.model, username) !== pending.userKey) throw notAuthorized(MSG.incorrect);
  const now = ctx.clock.now();
  if (isLockedOut(user.lockout, now)) throw notAuthorized(MSG.lockedOut);
  // A stale or future TIMESTAMP is a replayed or forged proof, not a password guess,
  // so it does not count toward the lockout.
  if (Math.abs(now - when.getTime()) > TIMESTAMP_TOLERANCE_MS) throw notAuthorized(MSG.incorrect);

  const key = serverKey(pending.A, pending.B, pending.b, pending.verifier);
  if (!signatureMatches(key, pool.poolName, pending.userIdForSrp, secretBlock, canonical, signature)) {
    failPassword(ctx, user, now);
  }
  return afterPassword(ctx, pool, client, user);
}

function parseLoosely(text: string): Date | undefined {
  const m = /^(\w{3}) (\w{3}) (\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2}) UTC (\d{4})$/.exec(text);
  if (!m) return undefined;
  const strict = `${m[1]} ${m[2]} ${Number(m[3])} ${m[4]!.padStart(2, '0')}:${m[5]!.padStart(2, '0')}:${m[6]!.padStart(2, '0')} UTC ${m[7]}`;
  return parseCognitoTimestamp(strict);
}
