// The User Pool operations authapi uses, as plain JSON 1.1 calls (docs/protocols.md, "Cognito User Pool API"):
// InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken, RevokeToken. The endpoint is the profile's
// override (the local stack) or cognito-idp.<region of the pool id>.amazonaws.com.
import type { Profile } from '../config/profile.js';
import { regionOfPool } from '../config/profile.js';
import { secretHash } from '../shared/srp-constants.js';
import { AwsServiceError, postAwsJson, type AwsJsonOptions } from './aws-json.js';

/** Sends one operation; injectable so tests can observe or fail calls. */
export type UserPoolTransport = (operation: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function userPoolEndpoint(profile: Profile): string {
  return profile.endpoints?.cognitoIdp ?? `https://cognito-idp.${regionOfPool(profile.userPoolId)}.amazonaws.com/`;
}

export function httpUserPoolTransport(profile: Profile, opts: AwsJsonOptions = {}): UserPoolTransport {
  const endpoint = userPoolEndpoint(profile);
  return (operation, body) => postAwsJson(endpoint, `AWSCognitoIdentityProviderService.${operation}`, body, opts);
}

export interface AuthenticationResult {
  idToken: string;
  accessToken: string;
  /** Absent on REFRESH_TOKEN_AUTH unless the pool rotates refresh tokens. */
  refreshToken?: string;
  /** Seconds the ID and access tokens are valid, as the server says. */
  expiresIn: number;
}

/** What InitiateAuth / RespondToAuthChallenge answer: tokens, or the next challenge. */
export type AuthStep =
  | { kind: 'tokens'; result: AuthenticationResult }
  | { kind: 'challenge'; name: string; session?: string; parameters: Record<string, string> };

export function parseAuthStep(res: Record<string, unknown>): AuthStep {
  const ar = res.AuthenticationResult as Record<string, unknown> | undefined;
  if (ar && typeof ar.IdToken === 'string' && typeof ar.AccessToken === 'string') {
    return {
      kind: 'tokens',
      result: {
        idToken: ar.IdToken,
        accessToken: ar.AccessToken,
        refreshToken: typeof ar.RefreshToken === 'string' ? ar.RefreshToken : undefined,
        expiresIn: typeof ar.ExpiresIn === 'number' && ar.ExpiresIn > 0 ? ar.ExpiresIn : 3600,
      },
    };
  }
  if (typeof res.ChallengeName === 'string') {
    const parameters: Record<string, string> = {};
    for (const [key, value] of Object.entries((res.ChallengeParameters as Record<string, unknown>) ?? {})) {
      if (typeof value === 'string') parameters[key] = value;
    }
    return { kind: 'challenge', name: res.ChallengeName, session: typeof res.Session === 'string' ? res.Session : undefined, parameters };
  }
  throw new Error('the User Pool answered with neither tokens nor a challenge');
}

/** SECRET_HASH for a client with a secret, computed with the name Cognito expects at that step. */
export function withSecretHash(profile: Profile, username: string, params: Record<string, string>): Record<string, string> {
  if (!profile.clientSecret) return params;
  return { ...params, SECRET_HASH: secretHash(profile.clientSecret, username, profile.userPoolClientId) };
}

export async function initiateAuth(
  send: UserPoolTransport, profile: Profile, flow: string, authParameters: Record<string, string>,
): Promise<AuthStep> {
  return parseAuthStep(await send('InitiateAuth', { AuthFlow: flow, ClientId: profile.userPoolClientId, AuthParameters: authParameters }));
}

export async function respondToAuthChallenge(
  send: UserPoolTransport, profile: Profile, name: string, session: string | undefined, responses: Record<string, string>,
): Promise<AuthStep> {
  const body: Record<string, unknown> = { ChallengeName: name, ClientId: profile.userPoolClientId, ChallengeResponses: responses };
  if (session !== undefined) body.Session = session;
  return parseAuthStep(await send('RespondToAuthChallenge', body));
}

/**
 * New tokens from a refresh token. REFRESH_TOKEN_AUTH first; an app client with
 * refresh-token rotation refuses that flow (InvalidParameterException), and then
 * GetTokensFromRefreshToken is used, whose answer carries the rotated refresh token
 * the caller must store before anything else (the old one dies after the client's
 * grace period). With a client secret, REFRESH_TOKEN_AUTH's hash uses the user's
 * `cognito:username` (a UUID when sign-in is by alias), not what they typed — the bug
 * several SDKs have; GetTokensFromRefreshToken takes the secret itself.
 */
export async function refreshTokens(
  send: UserPoolTransport, profile: Profile, refreshToken: string, cognitoUsername: string,
): Promise<AuthenticationResult> {
  let step: AuthStep;
  try {
    step = await initiateAuth(send, profile, 'REFRESH_TOKEN_AUTH', withSecretHash(profile, cognitoUsername, { REFRESH_TOKEN: refreshToken }));
  } catch (err) {
    if (!(err instanceof AwsServiceError && err.type === 'InvalidParameterException')) throw err;
    return getTokensFromRefreshToken(send, profile, refreshToken);
  }
  if (step.kind !== 'tokens') throw new Error(`REFRESH_TOKEN_AUTH answered with a challenge (${step.name})`);
  return step.result;
}

/** GetTokensFromRefreshToken: new ID and access tokens, and a new refresh token when the client rotates them. */
export async function getTokensFromRefreshToken(send: UserPoolTransport, profile: Profile, refreshToken: string): Promise<AuthenticationResult> {
  const body: Record<string, unknown> = { RefreshToken: refreshToken, ClientId: profile.userPoolClientId };
  if (profile.clientSecret) body.ClientSecret = profile.clientSecret;
  const step = parseAuthStep(await send('GetTokensFromRefreshToken', body));
  if (step.kind !== 'tokens') throw new Error(`GetTokensFromRefreshToken answered with a challenge (${step.name})`);
  return step.result;
}

export async function revokeToken(send: UserPoolTransport, profile: Profile, refreshToken: string): Promise<void> {
  const body: Record<string, unknown> = { Token: refreshToken, ClientId: profile.userPoolClientId };
  if (profile.clientSecret) body.ClientSecret = profile.clientSecret;
  await send('RevokeToken', body);
}
