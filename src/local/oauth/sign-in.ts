// The steps of a sign-in on the managed-login page: the password against the pool
// itself (CognitoIdpService.hostedPasswordSignIn: the pool's rules, not the app
// client's ExplicitAuthFlows, as Cognito's own pages do), then whatever challenge
// the pool chains after it, answered with RespondToAuthChallenge. The page keeps the
// challenge Session between steps.
import type { CognitoIdpService } from '../cognito-idp/service.js';
import { CognitoError } from '../cognito-idp/errors.js';
import type { UserPoolClientModel } from '../model.js';
import { callIdp, IdpCallError, secretHashFor, type IdpHandler, type InitiateOrChallenge } from './idp-wire.js';

export interface SignInStep {
  /** The internal username (cognito:username) every later step names. */
  username: string;
  outcome: InitiateOrChallenge;
}

export async function signInWithPassword(
  idp: CognitoIdpService, client: UserPoolClientModel, username: string, password: string,
): Promise<SignInStep> {
  try {
    const { username: internal, outcome } = await idp.hostedPasswordSignIn(client.clientId, username, password);
    return { username: internal, outcome: outcome as InitiateOrChallenge };
  } catch (err) {
    if (err instanceof CognitoError) throw new IdpCallError(err.type, err.message);
    throw err;
  }
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
