// The steps of a sign-in on the managed-login page, each one a User Pool API call:
// the password (SRP, computed here on the page's behalf), then whatever challenge the
// pool chains after it. The page keeps the challenge Session between steps.
import { passwordClaim, startSrp, type PasswordVerifierChallenge } from '../../auth/srp-client.js';
import type { Clock, UserPoolClientModel, UserPoolModel } from '../model.js';
import { callIdp, secretHashFor, type IdpHandler, type InitiateOrChallenge } from './idp-wire.js';

export interface SignInStep {
  /** USER_ID_FOR_SRP: the internal username every later step names. */
  username: string;
  outcome: InitiateOrChallenge;
}

export async function signInWithPassword(
  handle: IdpHandler, clock: Clock, pool: UserPoolModel, client: UserPoolClientModel, username: string, password: string,
): Promise<SignInStep> {
  const start = startSrp();
  const first = await callIdp<InitiateOrChallenge>(handle, 'InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: client.clientId,
    AuthParameters: { USERNAME: username, SRP_A: start.A.toString(16), ...secretHashFor(client, username) },
  });
  const params = first.ChallengeParameters as unknown as PasswordVerifierChallenge;
  const internal = params.USER_ID_FOR_SRP;
  const claim = passwordClaim(start, params, pool.id, password, new Date(clock.now()));
  const outcome = await callIdp<InitiateOrChallenge>(handle, 'RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: client.clientId,
    ChallengeResponses: { USERNAME: internal, ...claim, ...secretHashFor(client, internal) },
  });
  return { username: internal, outcome };
}

export async function answerChallenge(
  handle: IdpHandler, client: UserPoolClientModel, username: string, challenge: string, session: string, answers: Record<string, string>,
): Promise<InitiateOrChallenge> {
  return callIdp<InitiateOrChallenge>(handle, 'RespondToAuthChallenge', {
    ChallengeName: challenge,
    ClientId: client.clientId,
    Session: session,
    ChallengeResponses: { USERNAME: username, ...answers, ...secretHashFor(client, username) },
  });
}
