// Identity Pool credentials for a user of a running emulator, obtained the way an app
// does: SRP sign-in with amazon-cognito-identity-js, then GetId and
// GetCredentialsForIdentity with the AWS SDK.
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import type { LocalStack } from '../../../src/local/index.js';
import { srpLogin } from '../srp-login.js';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export async function userCreds(s: LocalStack, username = 'demouser', password = 'demoPASS123'): Promise<Creds> {
  const tokens = await srpLogin(s.info, username, password);
  const ci = new CognitoIdentityClient({ endpoint: s.info.endpoints.cognitoIdentity, region: s.info.region });
  const logins = { [s.stack.userPools[0]!.providerName]: tokens.idToken };
  const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: logins }));
  const c = (await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }))).Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
}
