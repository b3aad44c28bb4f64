// SRP login against the emulator with amazon-cognito-identity-js — a client nobody
// here wrote — for tests that need real tokens.
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import type { LocalInfo } from '../../src/local/index.js';

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export function srpLogin(info: LocalInfo, username: string, password: string): Promise<Tokens> {
  const pool = new CognitoUserPool({ UserPoolId: info.userPoolId, ClientId: info.userPoolClientId, endpoint: info.endpoints.cognitoIdp });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session: CognitoUserSession) =>
        resolve({
          idToken: session.getIdToken().getJwtToken(),
          accessToken: session.getAccessToken().getJwtToken(),
          refreshToken: session.getRefreshToken().getToken(),
        }),
      onFailure: (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      totpRequired: () => reject(new Error('unexpected SOFTWARE_TOKEN_MFA')),
      mfaRequired: () => reject(new Error('unexpected SMS_MFA')),
    });
  });
}
