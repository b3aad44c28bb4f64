// aws-amplify v6 (Node) end to end against the emulator: sign-in with SRP,
// fetchAuthSession (tokens and Identity Pool credentials), a forced refresh
// (GetTokensFromRefreshToken), a guest session that becomes the user's, signOut.
// Amplify is configured the way an app is, with the emulator as its endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { startLocal, type LocalStack } from '../../src/local/index.js';

let s: LocalStack;
const seen: string[] = [];

beforeAll(async () => {
  // newbie signs in only once (its first identity is the guest's); demouser in the other test.
  s = await startLocal({ users: [{ username: 'demouser', password: 'demoPASS123' }, { username: 'newbie', password: 'newbiePASS123' }] });
  // Which operations reach the emulator (to prove the refresh path Amplify takes).
  const handle = s.idp.handle.bind(s.idp);
  s.idp.handle = async (req) => {
    seen.push(String(req.headers['x-amz-target']).split('.')[1] ?? '');
    return handle(req);
  };
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: s.info.userPoolId,
        userPoolClientId: s.info.userPoolClientId,
        identityPoolId: s.info.identityPoolId,
        allowGuestAccess: true,
        userPoolEndpoint: s.info.endpoints.cognitoIdp,
        identityPoolEndpoint: s.info.endpoints.cognitoIdentity,
      },
    },
  });
});
afterAll(async () => {
  await signOut().catch(() => {});
  await s?.close();
});

describe('aws-amplify v6 (Node)', () => {
  it('guest → signIn (SRP) → session with credentials → forced refresh → signOut', async () => {
    // A guest first: unauthenticated credentials from the Identity Pool.
    const guest = await fetchAuthSession();
    expect(guest.tokens).toBeUndefined();
    expect(guest.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(guest.credentials?.accessKeyId).toMatch(/^ASIA/);
    expect(s.credentials.get(guest.credentials!.accessKeyId)).toMatchObject({ authenticated: false, identityId: guest.identityId });

    const before = seen.length;
    const out = await signIn({ username: 'newbie', password: 'newbiePASS123' });
    expect(out).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(seen.slice(before)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    expect((await getCurrentUser()).username).toBe('newbie');

    // The user's session: tokens, and credentials of the guest's identity, now the user's.
    const user = await fetchAuthSession();
    expect(user.tokens?.idToken?.payload['cognito:username']).toBe('newbie');
    expect(user.identityId).toBe(guest.identityId);
    expect(s.credentials.get(user.credentials!.accessKeyId)).toMatchObject({ authenticated: true, roleLogicalId: 'AuthenticatedRole', identityId: guest.identityId });

    // A forced refresh: new tokens (by GetTokensFromRefreshToken) and new credentials.
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(seen.at(-1)).toBe('GetTokensFromRefreshToken');
    expect(refreshed.tokens?.accessToken.toString()).not.toBe(user.tokens?.accessToken.toString());
    expect(refreshed.tokens?.accessToken.payload.origin_jti).toBe(user.tokens?.accessToken.payload.origin_jti);
    expect(refreshed.credentials?.accessKeyId).not.toBe(user.credentials?.accessKeyId);
    expect(refreshed.identityId).toBe(guest.identityId);
    // Credentials' expiry as the SDKs receive it: a Date an hour ahead.
    expect(refreshed.credentials?.expiration).toBeInstanceOf(Date);
    expect(refreshed.credentials!.expiration!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);

    // signOut: tokens gone; a guest session again, on a new guest identity.
    await signOut();
    const after = await fetchAuthSession();
    expect(after.tokens).toBeUndefined();
    expect(after.identityId).not.toBe(guest.identityId);
    expect(s.credentials.get(after.credentials!.accessKeyId)).toMatchObject({ authenticated: false });
  });

  it('a user who already has an identity gets it back when signing in from a guest session', async () => {
    // The user's identity, whatever ran before.
    await signIn({ username: 'demouser', password: 'demoPASS123' });
    const userIdentity = (await fetchAuthSession()).identityId;
    await signOut();
    // Amplify's other case: a new guest identity, merged into the user's on sign-in.
    const guest = await fetchAuthSession();
    expect(guest.identityId).not.toBe(userIdentity);
    await signIn({ username: 'demouser', password: 'demoPASS123' });
    const user = await fetchAuthSession();
    expect(user.identityId).toBe(userIdentity);
    expect(s.credentials.get(user.credentials!.accessKeyId)).toMatchObject({ authenticated: true, identityId: userIdentity });
    await signOut();
  });
});
