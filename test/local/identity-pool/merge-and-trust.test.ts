// The Identity Pool as Cognito behaves, driven with @aws-sdk/client-cognito-identity
// and amazon-cognito-identity-js against the whole emulator: a guest who signs in
// (new user keeps the guest id; a user who already has an identity gets it and the
// guest's is merged away), GetOpenIdToken verified with jose against the published
// keys, and role trust policies that must admit the identity pool.
import {
  CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand,
} from '@aws-sdk/client-cognito-identity';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { templateVariant, type TemplateOptions } from '../../auth/helpers/stack.js';
import { srpLogin } from '../srp-login.js';
import { join } from 'node:path';
import { tempDir } from '../../helpers/cli.js';

const USERS = [{ username: 'demouser', password: 'demoPASS123' }, { username: 'alice', password: 'alicePASS123' }];
let s: LocalStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function start(opts: TemplateOptions = {}) {
  s = await startLocal({ templatePath: templateVariant(opts), users: USERS });
  const ci = new CognitoIdentityClient({ endpoint: s.url, region: 'us-east-1', maxAttempts: 1 });
  const provider = s.stack.userPools[0]!.providerName;
  const stack = s;
  const loginsOf = async (username: string) => {
    const { idToken } = await srpLogin(stack.info, username, USERS.find((u) => u.username === username)!.password);
    return { [provider]: idToken };
  };
  const guestId = async () => (await ci.send(new GetIdCommand({ IdentityPoolId: stack.info.identityPoolId }))).IdentityId!;
  return { s: stack, ci, provider, loginsOf, guestId };
}

describe('guest → authenticated (the cases aws-amplify relies on)', () => {
  test('a new user keeps the guest id; an existing user gets their own id and the guest id is merged away', async () => {
    const { s, ci, loginsOf, guestId } = await start();
    const guest = await guestId();
    const demo = await loginsOf('demouser');
    // demouser has no identity yet: the guest identity becomes theirs.
    const first = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: demo }));
    expect(first.IdentityId).toBe(guest);
    expect(s.credentials.get(first.Credentials!.AccessKeyId!)).toMatchObject({ authenticated: true, roleLogicalId: 'AuthenticatedRole', identityId: guest });
    expect((await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: demo }))).IdentityId).toBe(guest);

    // A second guest session on the device, then demouser signs in again: their identity, not the guest's.
    const guest2 = await guestId();
    const again = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guest2, Logins: demo }));
    expect(again.IdentityId).toBe(guest);
    await expect(ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guest2 })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `Identity '${guest2}' not found.` });

    // An authenticated identity answers only to its own user.
    const alice = await loginsOf('alice');
    await expect(ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: alice })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException', message: "Logins don't match. Please include at least one valid login for this identity or identity pool." });
    await expect(ci.send(new GetCredentialsForIdentityCommand({ IdentityId: guest })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  test('the merge survives a restart of the emulator on the same state dir', async () => {
    const stateDir = join(tempDir('authapi-merge-'), 'state');
    const templatePath = templateVariant({});
    s = await startLocal({ templatePath, users: USERS, stateDir });
    const ci = () => new CognitoIdentityClient({ endpoint: s!.url, region: 'us-east-1', maxAttempts: 1 });
    const provider = s.stack.userPools[0]!.providerName;
    const guest = (await ci().send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }))).IdentityId!;
    const guest2 = (await ci().send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }))).IdentityId!;
    const demo = { [provider]: (await srpLogin(s.info, 'demouser', 'demoPASS123')).idToken };
    await ci().send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: demo }));
    await s.close();
    s = await startLocal({ templatePath, users: USERS, stateDir });
    expect((await ci().send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: demo }))).IdentityId).toBe(guest);
    expect((await ci().send(new GetCredentialsForIdentityCommand({ IdentityId: guest2, Logins: demo }))).IdentityId).toBe(guest);
  });
});

describe('GetOpenIdToken', () => {
  test('tokens for a guest and a user, verified against the published keys', async () => {
    const { s, ci, provider, guestId, loginsOf } = await start();
    const jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks_uri`));
    const guest = await guestId();
    const g = await ci.send(new GetOpenIdTokenCommand({ IdentityId: guest }));
    expect(g.IdentityId).toBe(guest);
    const gv = await jwtVerify(g.Token!, jwks, { issuer: 'https://cognito-identity.amazonaws.com', audience: s.info.identityPoolId });
    expect(gv.payload).toMatchObject({ sub: guest, amr: ['unauthenticated'] });
    expect(gv.payload.exp! - gv.payload.iat!).toBe(600);

    const demo = await loginsOf('demouser');
    const u = await ci.send(new GetOpenIdTokenCommand({ IdentityId: guest, Logins: demo }));
    const uv = await jwtVerify(u.Token!, jwks, { audience: s.info.identityPoolId });
    const sub = JSON.parse(Buffer.from(Object.values(demo)[0]!.split('.')[1]!, 'base64url').toString()).sub as string;
    expect(uv.payload.amr).toEqual(['authenticated', provider, `${provider}:CognitoSignIn:${sub}`]);
    expect(uv.payload.sub).toBe(guest);
  });
});

describe('role trust policies', () => {
  const authTrust = '"cognito-identity.amazonaws.com:amr": authenticated';
  const BAD_ROLES = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';

  async function userCredentials(opts: TemplateOptions) {
    const { s, ci, loginsOf } = await start(opts);
    const logins = await loginsOf('demouser');
    const id = (await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId, Logins: logins }))).IdentityId!;
    return { ci, call: () => ci.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: logins })), guest: async () => {
      const g = (await ci.send(new GetIdCommand({ IdentityPoolId: s.info.identityPoolId }))).IdentityId!;
      return ci.send(new GetCredentialsForIdentityCommand({ IdentityId: g }));
    } };
  }

  test('the template\'s own trust policies admit guest and user', async () => {
    const t = await userCredentials({});
    expect((await t.call()).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect((await t.guest()).Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  test.each([
    ['a wrong amr (the authenticated role trusts only guests)', [authTrust, '"cognito-identity.amazonaws.com:amr": unauthenticated']],
    ['a wrong aud (another identity pool)', ['"cognito-identity.amazonaws.com:aud": !Ref IdentityPool\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated',
      '"cognito-identity.amazonaws.com:aud": "us-east-1:00000000-0000-0000-0000-000000000000"\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated']],
    ['a wrong principal', ['Federated: cognito-identity.amazonaws.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                "cognito-identity.amazonaws.com:aud": !Ref IdentityPool\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated',
      'Federated: accounts.google.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                "cognito-identity.amazonaws.com:aud": !Ref IdentityPool\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated']],
    ['a wrong action', ['Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                "cognito-identity.amazonaws.com:aud": !Ref IdentityPool\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated',
      'Action: sts:AssumeRole\n            Condition:\n              StringEquals:\n                "cognito-identity.amazonaws.com:aud": !Ref IdentityPool\n              "ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated']],
  ] as const)('%s: Cognito refuses the user and still serves the guest', async (_name, edit) => {
    const t = await userCredentials({ edit: [edit[0], edit[1]] });
    await expect(t.call()).rejects.toMatchObject({ name: 'InvalidIdentityPoolConfigurationException', message: BAD_ROLES });
    expect((await t.guest()).Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  test('an explicit Deny in the trust policy wins', async () => {
    const deny = `${authTrust}\n          - Effect: Deny\n            Principal: "*"\n            Action: "sts:*"`;
    const t = await userCredentials({ edit: [authTrust, deny] });
    await expect(t.call()).rejects.toMatchObject({ name: 'InvalidIdentityPoolConfigurationException', message: BAD_ROLES });
  });

  test('a condition operator the emulator cannot evaluate refuses the template at start', async () => {
    await expect(startLocal({ templatePath: templateVariant({ edit: ['"ForAnyValue:StringLike":\n                "cognito-identity.amazonaws.com:amr": authenticated', 'DateGreaterThan:\n                "aws:CurrentTime": "2020-01-01T00:00:00Z"'] }) }))
      .rejects.toThrow(/AuthenticatedRole\.Properties\.AssumeRolePolicyDocument\.Statement\[0\]\.Condition\.DateGreaterThan: the emulator evaluates only StringEquals/);
  });
});
