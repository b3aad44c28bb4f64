// Password reset: AdminResetUserPassword (user → RESET_REQUIRED), ForgotPassword and
// ConfirmForgotPassword. Cognito e-mails or texts the code; the emulator writes it to
// its log, like SMS MFA codes.
import { randomInt } from 'node:crypto';
import type { IdpContext, PoolRuntime } from './context.js';
import { findUser } from './context.js';
import { CognitoError, invalidParameter, validationNull } from './errors.js';
import { enforcePasswordPolicy } from './password-policy.js';
import { checkSecretHash } from './secret-hash.js';
import type { UserRecord } from './state.js';
import { maskPhone, requireUser, setPassword } from './users.js';

type Body = Record<string, unknown>;

/** Cognito's reset codes live one hour. */
const CODE_LIFETIME_MS = 3600_000;

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

function deliveryOf(user: UserRecord | undefined) {
  const email = user?.attributes.email;
  const phone = user?.attributes.phone_number;
  if (email) return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
  if (phone) return { Destination: maskPhone(phone), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  return undefined;
}

function sendCode(ctx: IdpContext, user: UserRecord): Record<string, string> {
  const delivery = deliveryOf(user);
  if (!delivery) throw invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  user.resetCode = { code, expiresAt: ctx.clock.now() + CODE_LIFETIME_MS };
  ctx.changed();
  ctx.log(`${delivery.DeliveryMedium} to ${delivery.Destination} for ${user.username}: password reset code ${code}`);
  return delivery;
}

export function adminResetUserPassword(ctx: IdpContext, body: Body): unknown {
  if (typeof body.UserPoolId !== 'string') throw validationNull('UserPoolId');
  const pool = ctx.pool(body.UserPoolId);
  const user = requireUser(pool, body.Username);
  sendCode(ctx, user);
  user.status = 'RESET_REQUIRED';
  user.updatedAt = ctx.clock.now();
  ctx.changed();
  return {};
}

function clientAndUser(ctx: IdpContext, body: Body): { pool: PoolRuntime; user?: UserRecord; preventExistence: boolean } {
  if (typeof body.ClientId !== 'string') throw validationNull('ClientId');
  if (typeof body.Username !== 'string') throw validationNull('Username');
  const { pool, client } = ctx.clientById(body.ClientId);
  const user = findUser(pool, body.Username);
  checkSecretHash(client, body.SecretHash, body.Username);
  return { pool, user, preventExistence: client.preventUserExistenceErrors };
}

export function forgotPassword(ctx: IdpContext, body: Body): unknown {
  const { user, preventExistence } = clientAndUser(ctx, body);
  if (!user) {
    if (!preventExistence) throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    // Same answer as for a real user, so the call cannot probe for accounts.
    return { CodeDeliveryDetails: { Destination: 'u***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
  }
  return { CodeDeliveryDetails: sendCode(ctx, user) };
}

export function confirmForgotPassword(ctx: IdpContext, body: Body): unknown {
  const { pool, user, preventExistence } = clientAndUser(ctx, body);
  if (typeof body.ConfirmationCode !== 'string') throw validationNull('ConfirmationCode');
  if (typeof body.Password !== 'string') throw validationNull('Password');
  if (!user) {
    if (!preventExistence) throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  const pending = user.resetCode;
  if (!pending || ctx.clock.now() >= pending.expiresAt) {
    throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  if (body.ConfirmationCode !== pending.code) {
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  enforcePasswordPolicy(pool.model.passwordPolicy, body.Password);
  delete user.resetCode;
  setPassword(ctx, pool, user, body.Password, 'CONFIRMED');
  return {};
}
