// SECRET_HASH checks for app clients with a secret (the messages are in docs/protocols.md). The name
// hashed is the one the step is about: the typed USERNAME at InitiateAuth, the
// internal username (USER_ID_FOR_SRP / cognito:username) afterwards and on refresh.
import { timingSafeEqual } from 'node:crypto';
import type { UserPoolClientModel } from '../model.js';
import { secretHash } from '../../shared/srp-constants.js';
import { invalidParameter, notAuthorized } from './errors.js';

/** Rejects a hash sent to a public client, or a missing one for a confidential client. */
export function checkSecretHashPresence(client: UserPoolClientModel, given: unknown): void {
  if (client.clientSecret === undefined) {
    if (given !== undefined && given !== null && given !== '') {
      throw invalidParameter(`App client ${client.clientId} is not configured for secret but secret hash was received`);
    }
    return;
  }
  if (typeof given !== 'string' || given === '') {
    throw notAuthorized(`Client ${client.clientId} is configured for secret but secret was not received`);
  }
}

/** Full check: presence, then the HMAC of one of the acceptable names. */
export function checkSecretHash(client: UserPoolClientModel, given: unknown, username: string): void {
  checkSecretHashPresence(client, given);
  if (client.clientSecret === undefined) return;
  const expected = Buffer.from(secretHash(client.clientSecret, username, client.clientId), 'base64');
  const got = Buffer.from(String(given), 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
  }
}

