// amazon-cognito-identity-js (the browser SDK nobody here wrote) driven against the
// emulator: CognitoUserPool's `endpoint` option points it at the listen() URL.
import {
  AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession,
} from 'amazon-cognito-identity-js';

export type AuthOutcome =
  | { kind: 'success'; session: CognitoUserSession }
  | { kind: 'failure'; error: { code?: string; name?: string; message: string } }
  | { kind: 'newPasswordRequired'; userAttributes: Record<string, string>; requiredAttributes: string[] }
  | { kind: 'totpRequired' }
  | { kind: 'mfaRequired'; challengeParameters: Record<string, string> }
  | { kind: 'mfaSetup' }
  | { kind: 'selectMFAType'; challengeParameters: Record<string, string> };

export function makeUser(endpoint: string, poolId: string, clientId: string, username: string): CognitoUser {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: endpoint + '/' });
  return new CognitoUser({ Username: username, Pool: pool });
}

function handlers(resolve: (o: AuthOutcome) => void) {
  return {
    onSuccess: (session: CognitoUserSession) => resolve({ kind: 'success', session }),
    onFailure: (error: any) => resolve({ kind: 'failure', error }),
    newPasswordRequired: (userAttributes: any, requiredAttributes: any) =>
      resolve({ kind: 'newPasswordRequired', userAttributes, requiredAttributes }),
    totpRequired: () => resolve({ kind: 'totpRequired' }),
    mfaRequired: (_name: any, challengeParameters: any) => resolve({ kind: 'mfaRequired', challengeParameters }),
    mfaSetup: () => resolve({ kind: 'mfaSetup' }),
    selectMFAType: (_name: any, challengeParameters: any) => resolve({ kind: 'selectMFAType', challengeParameters }),
  };
}

export function authenticate(user: CognitoUser, username: string, password: string): Promise<AuthOutcome> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), handlers(resolve));
  });
}

export function completeNewPassword(user: CognitoUser, newPassword: string): Promise<AuthOutcome> {
  return new Promise((resolve) => user.completeNewPasswordChallenge(newPassword, {}, handlers(resolve)));
}

export function sendMfaCode(user: CognitoUser, code: string, type: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA'): Promise<AuthOutcome> {
  return new Promise((resolve) => user.sendMFACode(code, handlers(resolve) as any, type));
}

export function refresh(user: CognitoUser, session: CognitoUserSession): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) =>
    user.refreshSession(session.getRefreshToken(), (err: any, s: CognitoUserSession) => (err ? reject(err) : resolve(s))),
  );
}

export function selectMfa(user: CognitoUser, answer: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA'): Promise<AuthOutcome> {
  return new Promise((resolve) => user.sendMFASelectionAnswer(answer, handlers(resolve) as any));
}

export function associateInSession(user: CognitoUser): Promise<string> {
  return new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject } as any),
  );
}

export function verifyInSession(user: CognitoUser, code: string): Promise<AuthOutcome> {
  return new Promise((resolve) => user.verifySoftwareToken(code, 'test device', handlers(resolve) as any));
}
