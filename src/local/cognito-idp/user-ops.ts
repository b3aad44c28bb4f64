// Operations a signed-in user (access token) or a challenge Session makes: GetUser,
// GlobalSignOut, RevokeToken, and setting up software-token / SMS MFA.
import { timingSafeEqual } from 'node:crypto';
import type { IdpContext, PoolRuntime } from './context.js';
import { userKey } from './context.js';
import { CognitoError, MSG, invalidParameter, notAuthorized, validationNull } from './errors.js';
import { isLockedOut, recordFailure } from './lockout.js';
import { enforcePasswordPolicy } from './password-policy.js';
import { passwordMatches } from './srp-server.js';
import type { MfaName, UserRecord } from './state.js';
import { checkTotp, newTotpSecret } from './totp.js';
import { refreshTokenHash, revokeOrigin, verifyAccessToken } from './tokens.js';
import { attributeList, mfaFields, parseAttributeList, setPassword } from './users.js';

type Body = Record<string, unknown>;

async function signedInUser(ctx: IdpContext, token: unknown): Promise<{ pool: PoolRuntime; user: UserRecord }> {
  if (token === undefined) throw validationNull('AccessToken');
  const { pool, claims } = await verifyAccessToken(ctx, token);
  const user = pool.state.users[userKey(pool.model, claims.username)];
  if (!user || user.sub !== claims.sub) throw new CognitoError('UserNotFoundException', MSG.userNotFound);
  if (!user.enabled) throw notAuthorized(MSG.disabled);
  return { pool, user };
}

export async function getUser(ctx: IdpContext, body: Body): Promise<unknown> {
  const { user } = await signedInUser(ctx, body.AccessToken);
  return { Username: user.username, UserAttributes: attributeList(user), ...mfaFields(user) };
}

export async function updateUserAttributes(ctx: IdpContext, body: Body): Promise<unknown> {
  const { user } = await signedInUser(ctx, body.AccessToken);
  Object.assign(user.attributes, parseAttributeList(body.UserAttributes));
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return { CodeDeliveryDetailsList: [] };
}

/** Signs the user out everywhere: every refresh token and the access tokens they begot. */
export function signOutEverywhere(ctx: IdpContext, pool: PoolRuntime, user: UserRecord): void {
  const key = userKey(pool.model, user.username);
  for (const rec of Object.values(pool.state.refreshTokens)) if (rec.userKey === key && !rec.revoked) revokeOrigin(pool, rec);
  ctx.changed();
  ctx.log(`global sign-out for ${user.username}`);
}

export async function globalSignOut(ctx: IdpContext, body: Body): Promise<unknown> {
  const { pool, user } = await signedInUser(ctx, body.AccessToken);
  signOutEverywhere(ctx, pool, user);
  return {};
}

export async function changePassword(ctx: IdpContext, body: Body): Promise<unknown> {
  const { pool, user } = await signedInUser(ctx, body.AccessToken);
  if (typeof body.PreviousPassword !== 'string') throw validationNull('PreviousPassword');
  if (typeof body.ProposedPassword !== 'string') throw validationNull('ProposedPassword');
  const now = ctx.clock.now();
  if (isLockedOut(user.lockout, now)) throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  if (!passwordMatches(user, pool.poolName, user.username, body.PreviousPassword)) {
    recordFailure(user.lockout, now);
    ctx.changed();
    throw notAuthorized(MSG.incorrect);
  }
  enforcePasswordPolicy(pool.model.passwordPolicy, body.ProposedPassword);
  setPassword(ctx, pool, user, body.ProposedPassword, 'CONFIRMED');
  return {};
}

export async function revokeToken(ctx: IdpContext, body: Body): Promise<unknown> {
  if (typeof body.Token !== 'string') throw validationNull('Token');
  if (typeof body.ClientId !== 'string') throw validationNull('ClientId');
  const { pool, client } = ctx.clientById(body.ClientId);
  if (client.clientSecret !== undefined) {
    const given = Buffer.from(typeof body.ClientSecret === 'string' ? body.ClientSecret : '');
    const want = Buffer.from(client.clientSecret);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      throw new CognitoError('UnauthorizedException', `Unable to verify secret for client ${client.clientId}`); // wording uncertain
    }
  }
  if (!client.enableTokenRevocation) {
    throw new CognitoError('UnsupportedOperationException', 'Token revocation is not enabled for this app client.'); // wording uncertain
  }
  const rec = pool.state.refreshTokens[refreshTokenHash(body.Token)];
  // RFC 7009 §2.2: revoking an unknown or already revoked token is not an error.
  if (!rec) return {};
  if (rec.clientId !== client.clientId) throw new CognitoError('UnauthorizedException', 'Invalid client'); // wording uncertain
  if (!rec.revoked) {
    revokeOrigin(pool, rec);
    ctx.changed();
  }
  return {};
}

// ------------------------------------------------------------- software token MFA

export async function associateSoftwareToken(ctx: IdpContext, body: Body): Promise<unknown> {
  if (typeof body.Session === 'string') {
    const { session, clientId } = findSetupSession(ctx, body.Session);
    ctx.challenges.consume(session);
    const secret = newTotpSecret();
    const Session = ctx.challenges.open({ ...session, expiresAt: freshExpiry(ctx, clientId), totpSecret: secret, totpVerified: false });
    return { SecretCode: secret, Session };
  }
  if (body.AccessToken === undefined) throw invalidParameter('Either AccessToken or Session must be provided');
  const { user } = await signedInUser(ctx, body.AccessToken);
  user.mfa.pendingTotpSecret = newTotpSecret();
  ctx.changed();
  return { SecretCode: user.mfa.pendingTotpSecret };
}

export async function verifySoftwareToken(ctx: IdpContext, body: Body): Promise<unknown> {
  if (typeof body.UserCode !== 'string') throw validationNull('UserCode');
  const now = ctx.clock.now();
  if (typeof body.Session === 'string') {
    const { session, clientId } = findSetupSession(ctx, body.Session);
    const pool = ctx.pool(session.poolId);
    const user = pool.state.users[session.userKey];
    if (!user || !session.totpSecret) throw notAuthorized(MSG.sessionInvalid);
    const check = checkTotp(session.totpSecret, body.UserCode, now, undefined);
    if (!check.ok) throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
    ctx.challenges.consume(session);
    enableTotp(user, session.totpSecret, check.step);
    ctx.changed();
    const Session = ctx.challenges.open({ ...session, expiresAt: freshExpiry(ctx, clientId), totpVerified: true });
    return { Status: 'SUCCESS', Session };
  }
  if (body.AccessToken === undefined) throw invalidParameter('Either AccessToken or Session must be provided');
  const { user } = await signedInUser(ctx, body.AccessToken);
  const secret = user.mfa.pendingTotpSecret;
  if (!secret) throw invalidParameter('User has not associated a software token.');
  const check = checkTotp(secret, body.UserCode, now, undefined);
  if (!check.ok) throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
  // Verified means "may be enabled"; SetUserMFAPreference turns it on, as in Cognito.
  user.mfa.totpSecret = secret;
  user.mfa.lastTotpStep = check.step;
  delete user.mfa.pendingTotpSecret;
  ctx.changed();
  return { Status: 'SUCCESS' };
}

function enableTotp(user: UserRecord, secret: string, step: number): void {
  user.mfa.totpSecret = secret;
  user.mfa.totpEnabled = true;
  user.mfa.preferred ??= 'SOFTWARE_TOKEN_MFA';
  user.mfa.lastTotpStep = step;
  delete user.mfa.pendingTotpSecret;
}

function freshExpiry(ctx: IdpContext, clientId: string): number {
  return ctx.clock.now() + ctx.clientById(clientId).client.authSessionValiditySeconds * 1000;
}

function findSetupSession(ctx: IdpContext, id: string) {
  // The session names the client; look it up without knowing it first.
  const session = ctx.challenges.peek(id);
  if (!session) throw notAuthorized(MSG.sessionInvalid);
  const live = ctx.challenges.get(id, session.clientId);
  if (live.challenge !== 'MFA_SETUP') throw notAuthorized(MSG.sessionInvalid);
  return { session: live, clientId: live.clientId };
}

// ---------------------------------------------------------------- MFA preference

interface MfaSettings {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

export function applyMfaPreference(user: UserRecord, body: Body): void {
  const sms = body.SMSMfaSettings as MfaSettings | undefined;
  const totp = body.SoftwareTokenMfaSettings as MfaSettings | undefined;
  if (totp?.Enabled && !user.mfa.totpSecret) {
    throw invalidParameter('User has not verified software token mfa');
  }
  if (sms?.Enabled && !user.attributes.phone_number) {
    throw invalidParameter('User does not have a phone number; SMS MFA cannot be enabled.'); // wording uncertain
  }
  const set = (name: MfaName, s: MfaSettings | undefined) => {
    if (!s) return;
    if (s.Enabled !== undefined) {
      if (name === 'SMS_MFA') user.mfa.smsEnabled = s.Enabled;
      else user.mfa.totpEnabled = s.Enabled;
      if (!s.Enabled && user.mfa.preferred === name) delete user.mfa.preferred;
    }
    if (s.PreferredMfa === true) user.mfa.preferred = name;
    else if (s.PreferredMfa === false && user.mfa.preferred === name) delete user.mfa.preferred;
  };
  set('SMS_MFA', sms);
  set('SOFTWARE_TOKEN_MFA', totp);
}

export async function setUserMfaPreference(ctx: IdpContext, body: Body): Promise<unknown> {
  const { user } = await signedInUser(ctx, body.AccessToken);
  applyMfaPreference(user, body);
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return {};
}
