// The managed login talks to the emulator's own User Pool service (the challenges
// after the password, refresh, revocation, GetUser) over its JSON 1.1 wire, so the
// pool's rules — wrong password, lockout, a required new password, MFA — are the
// ones src/local/cognito-idp applies, not a second copy of them.
import { createHmac } from 'node:crypto';
import type { LocalRequest, LocalResponse, UserPoolClientModel } from '../model.js';

export type IdpHandler = (req: LocalRequest) => Promise<LocalResponse>;

export class IdpCallError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = 'IdpCallError';
  }
}

export interface AuthResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
}

export interface InitiateOrChallenge {
  AuthenticationResult?: AuthResult;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
}

/** One JSON 1.1 call to the User Pool service; an AWS error becomes IdpCallError. */
export async function callIdp<T>(handle: IdpHandler, op: string, body: Record<string, unknown>): Promise<T> {
  const res = await handle({
    method: 'POST',
    url: '/',
    headers: { 'x-amz-target': `AWSCognitoIdentityProviderService.${op}`, 'content-type': 'application/x-amz-json-1.1' },
    rawHeaders: [],
    body: Buffer.from(JSON.stringify(body)),
    sourceIp: '127.0.0.1',
  });
  const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
  const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (res.status !== 200) {
    const type = String(parsed.__type ?? 'UnknownError').split('#').pop()!;
    throw new IdpCallError(type, String(parsed.message ?? parsed.Message ?? type));
  }
  return parsed as T;
}

/** SECRET_HASH for a client with a secret: base64 HMAC-SHA256(secret, username + clientId). */
export function secretHashFor(client: UserPoolClientModel, username: string): Record<string, string> {
  if (client.clientSecret === undefined) return {};
  return { SECRET_HASH: createHmac('sha256', client.clientSecret).update(username + client.clientId).digest('base64') };
}
