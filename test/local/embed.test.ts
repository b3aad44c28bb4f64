// startLocalStack's handle beyond the documented example: several pools and APIs, a
// client with a secret (SECRET_HASH on every sign-in call), errors that name the cause.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalStack, type LocalStackHandle } from '../../src/local/index.js';
import { multiTemplate, replaceOnce } from './helpers/template.js';
import { templateWith } from './helpers/template.js';

let stack: LocalStackHandle;
beforeAll(async () => {
  stack = await startLocalStack({ templatePath: multiTemplate(), users: [{ username: 'carol', password: 'Carol12345!' }] });
});
afterAll(() => stack?.close());

test('endpoints and ids of every resource', () => {
  expect(Object.keys(stack.endpoints.apis)).toEqual(['Api', 'PartnerApi', 'HttpApi', 'FunctionUrlFunction']);
  expect(stack.resources.apis.map((a) => a.kind)).toEqual(['rest', 'rest', 'http', 'function-url']);
  expect(stack.endpoints.api).toBe(stack.endpoints.apis.Api);
  expect(stack.resources.userPools.map((p) => p.logicalId)).toEqual(['UserPool', 'PartnerPool']);
  expect(stack.apiKeys).toEqual({ ApiKey: stack.apiKey });
  expect(stack.adminCredentials).toMatchObject({ accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/) });
});

test('sign-in to the second pool: with its client that has a secret (SECRET_HASH), and through its identity pool', async () => {
  const partner = stack.resources.userPools[1]!;
  const withSecret = partner.clients.find((c) => c.hasSecret)!;
  // No identity pool trusts the admin client: the handle says so, and the pool refuses its tokens.
  await expect(stack.signIn('carol', 'Carol12345!', { userPoolId: partner.id, clientId: withSecret.clientId })).rejects.toThrow(`no identity pool trusts client ${withSecret.clientId}`);
  const identities = stack.resources.identityPools.find((p) => p.logicalId === 'PartnerIdentities')!;
  await expect(stack.signIn('carol', 'Carol12345!', { userPoolId: partner.id, clientId: withSecret.clientId, identityPoolId: identities.id }))
    .rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Token is not from a supported provider of this identity pool.' });
  const s = await stack.signIn('carol', 'Carol12345!', { userPoolId: partner.id });
  expect(s.identityId).toMatch(/^us-east-1:/);
  expect(s.credentials.expiration.getTime()).toBeGreaterThan(Date.now());
  await expect(stack.signIn('carol', 'wrong-Password1!', { userPoolId: partner.id })).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  await expect(stack.signIn('carol', 'Carol12345!', { userPoolId: 'us-east-1_Nope' })).rejects.toThrow('no user pool us-east-1_Nope');
});

test('createUser resets a password; deleteUser removes the user from that pool only', async () => {
  await stack.createUser('dave', 'Dave123456');
  await stack.createUser('dave', 'Dave654321');
  await expect(stack.signIn('dave', 'Dave123456')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  expect((await stack.signIn('dave', 'Dave654321')).tokens.idToken.split('.')).toHaveLength(3);
  await stack.deleteUser('dave');
  await expect(stack.deleteUser('dave')).rejects.toMatchObject({ name: 'UserNotFoundException' });
  const partner = stack.resources.userPools[1]!.id;
  await stack.deleteUser('carol', { userPoolId: partner });
  await expect(stack.signIn('carol', 'Carol12345!')).resolves.toBeTruthy();
});

test('a pool without guests: guestCredentials fails with Cognito\'s error', async () => {
  const s = await startLocalStack({ templatePath: templateWith((y) => replaceOnce(y, 'AllowUnauthenticatedIdentities: true', 'AllowUnauthenticatedIdentities: false')) });
  try {
    await expect(s.guestCredentials()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  } finally {
    await s.close();
  }
});
