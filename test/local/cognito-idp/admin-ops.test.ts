// Admin operations through @aws-sdk/client-cognito-identity-provider (signed with
// dummy credentials; the emulator does not verify admin signatures).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand, AdminDeleteUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand,
  AdminSetUserPasswordCommand, AdminUserGlobalSignOutCommand, GetUserCommand, InitiateAuthCommand, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLIENT_ID, LEGACY_CLIENT_ID, POOL, TestClock, expectCognitoError, poolModel, startHarness, type Harness } from './helpers/fixture.js';
import { srpLogin } from './helpers/srp-client.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ clock: new TestClock(Date.UTC(2026, 2, 1, 8, 0, 0)) });
});
afterEach(() => h.close());

const login = (username: string, password: string, clientId = CLIENT_ID) =>
  srpLogin({ sdk: h.sdk, poolId: POOL.id, clientId, username, password, nowMs: h.clock.now() });

describe('AdminCreateUser', () => {
  it('creates a FORCE_CHANGE_PASSWORD user and answers with its UserType', async () => {
    const out = await h.sdk.send(new AdminCreateUserCommand({
      UserPoolId: POOL.id, Username: 'alice', TemporaryPassword: 'TempPASS123', MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }],
    }));
    expect(out.User).toMatchObject({ Username: 'alice', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(out.User?.UserCreateDate?.getTime()).toBe(h.clock.now());
    expect(out.User?.Attributes).toContainEqual({ Name: 'email', Value: 'alice@example.com' });
    expect(out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value).toMatch(/^[0-9a-f-]{36}$/);
    expect((await login('alice', 'TempPASS123')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('refuses a duplicate (case-insensitively) and a temporary password against the policy', async () => {
    await h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'alice', TemporaryPassword: 'TempPASS123' }));
    await expectCognitoError(
      h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'ALICE', TemporaryPassword: 'TempPASS123' })),
      'UsernameExistsException', 'User account already exists',
    );
    await expectCognitoError(
      h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'bob', TemporaryPassword: 'temppass123' })),
      'InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters',
    );
  });

  it('never logs a generated temporary password', async () => {
    await h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'gen' }));
    expect(h.logs.join('\n')).toContain('generated temporary password (not shown');
  });

  it('refuses an unknown pool', async () => {
    await expectCognitoError(
      h.sdk.send(new AdminCreateUserCommand({ UserPoolId: 'us-east-1_Nope', Username: 'x' })),
      'ResourceNotFoundException', 'User pool us-east-1_Nope does not exist.',
    );
  });
});

describe('AdminSetUserPassword', () => {
  it('Permanent: true confirms, false forces a change', async () => {
    await h.sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL.id, Username: 'alice', TemporaryPassword: 'TempPASS123' }));
    await h.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL.id, Username: 'alice', Password: 'PermPASS123', Permanent: true }));
    expect((await h.sdk.send(new AdminGetUserCommand({ UserPoolId: POOL.id, Username: 'alice' }))).UserStatus).toBe('CONFIRMED');
    expect((await login('alice', 'PermPASS123')).AuthenticationResult).toBeDefined();
    await expectCognitoError(login('alice', 'TempPASS123'), 'NotAuthorizedException', 'Incorrect username or password.');

    await h.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL.id, Username: 'alice', Password: 'TempPASS456', Permanent: false }));
    expect((await h.sdk.send(new AdminGetUserCommand({ UserPoolId: POOL.id, Username: 'alice' }))).UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect((await login('alice', 'TempPASS456')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('enforces the policy and needs an existing user', async () => {
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    await expectCognitoError(
      h.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL.id, Username: 'demouser', Password: 'NoDigitsHere', Permanent: true })),
      'InvalidPasswordException', 'Password did not conform with policy: Password must have numeric characters',
    );
    await expectCognitoError(
      h.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL.id, Username: 'ghost', Password: 'GoodPASS123', Permanent: true })),
      'UserNotFoundException', 'User does not exist.',
    );
  });
});

describe('AdminGetUser, disable, enable, delete', () => {
  it('reflects state changes and their effect on sign-in', async () => {
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    const got = await h.sdk.send(new AdminGetUserCommand({ UserPoolId: POOL.id, Username: 'DEMOUSER' }));
    expect(got).toMatchObject({ Username: 'demouser', Enabled: true, UserStatus: 'CONFIRMED' });
    // AdminGetUser names the list UserAttributes (ListUsers' UserType says Attributes).
    expect(got.UserAttributes).toContainEqual({ Name: 'sub', Value: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(got).not.toHaveProperty('Attributes');
    expect(got.UserCreateDate).toBeInstanceOf(Date);
    await h.sdk.send(new AdminDisableUserCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    expect((await h.sdk.send(new AdminGetUserCommand({ UserPoolId: POOL.id, Username: 'demouser' }))).Enabled).toBe(false);
    await expectCognitoError(login('demouser', 'demoPASS123'), 'NotAuthorizedException', 'User is disabled.');
    await h.sdk.send(new AdminEnableUserCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    const tokens = (await login('demouser', 'demoPASS123')).AuthenticationResult!;
    await h.sdk.send(new AdminDeleteUserCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    await expectCognitoError(h.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })), 'UserNotFoundException', 'User does not exist.');
    await expectCognitoError(login('demouser', 'demoPASS123', LEGACY_CLIENT_ID), 'UserNotFoundException', 'User does not exist.');
    await expectCognitoError(
      h.sdk.send(new AdminGetUserCommand({ UserPoolId: POOL.id, Username: 'demouser' })), 'UserNotFoundException', 'User does not exist.',
    );
  });
});

describe('case-sensitive pools', () => {
  it('treat differently cased names as different users', async () => {
    await h.close();
    h = await startHarness({ pools: [poolModel({ usernameCaseSensitive: true })], clock: new TestClock(Date.UTC(2026, 2, 1, 8, 0, 0)) });
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    expect((await login('demouser', 'demoPASS123')).AuthenticationResult).toBeDefined();
    await expectCognitoError(login('DemoUser', 'demoPASS123', LEGACY_CLIENT_ID), 'UserNotFoundException', 'User does not exist.');
  });
});

describe('ListUsers and AdminUserGlobalSignOut', () => {
  it('lists with a filter and pages', async () => {
    for (const name of ['ann', 'andy', 'bob']) {
      h.service.seedUser(POOL.id, name, 'SomePASS123', { email: `${name}@example.com` });
      h.clock.advance(1000);
    }
    const all = await h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id }));
    expect(all.Users?.map((u) => u.Username)).toEqual(['ann', 'andy', 'bob']);
    const an = await h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id, Filter: 'username ^= "an"' }));
    expect(an.Users?.map((u) => u.Username)).toEqual(['ann', 'andy']);
    const bob = await h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id, Filter: 'email = "bob@example.com"' }));
    expect(bob.Users?.map((u) => u.Username)).toEqual(['bob']);
    const page1 = await h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id, Limit: 2 }));
    expect(page1.Users).toHaveLength(2);
    const page2 = await h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id, Limit: 2, PaginationToken: page1.PaginationToken }));
    expect(page2.Users?.map((u) => u.Username)).toEqual(['bob']);
    expect(page2.PaginationToken).toBeUndefined();
    await expectCognitoError(h.sdk.send(new ListUsersCommand({ UserPoolId: POOL.id, Filter: 'nonsense' })), 'InvalidParameterException', 'Error while parsing filter.');
  });

  it('signs a user out everywhere', async () => {
    h.service.seedUser(POOL.id, 'demouser', 'demoPASS123');
    const tokens = (await login('demouser', 'demoPASS123')).AuthenticationResult!;
    await h.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL.id, Username: 'demouser' }));
    await expectCognitoError(
      h.sdk.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })),
      'NotAuthorizedException', 'Refresh Token has been revoked',
    );
  });
});
