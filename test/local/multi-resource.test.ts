// Every resource of a template is served, none silently dropped: two APIs with the
// same stage name each at its own base URL, two user pools with their clients, two
// identity pools; parameter overrides and the region flow into all of them.
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { multiTemplate } from './helpers/template.js';
import { srpLogin } from './srp-login.js';

let s: LocalStack;
beforeAll(async () => {
  s = await startLocal({ templatePath: multiTemplate(), parameterOverrides: { StageName: 'v1' }, region: 'eu-west-1' });
});
afterAll(async () => {
  await s?.close();
});

test('two APIs with the same stage each answer at their own base URL', async () => {
  expect(s.info.apis.map((a) => [a.logicalId, a.stage])).toEqual([['Api', 'v1'], ['PartnerApi', 'v1'], ['HttpApi', '$default'], ['FunctionUrlFunction', '']]);
  const [main, partner] = s.info.apis as [(typeof s.info.apis)[0], (typeof s.info.apis)[0]];
  expect(new URL(main.url).port).not.toBe(new URL(partner.url).port);
  expect(partner.routes).toEqual([{ method: 'GET', path: '/partners/{id}', auth: 'NONE', apiKeyRequired: false }]);
  expect((await fetch(`${main.url}/no-auth`, { headers: { 'x-api-key': s.info.apiKey } })).status).toBe(200);
  expect((await fetch(`${partner.url}/partners/42`)).status).toBe(200);
  // Each API has only its own routes.
  const r = await fetch(`${partner.url}/no-auth`, { headers: { 'x-api-key': s.info.apiKey } });
  expect([r.status, r.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
  expect((await fetch(`${main.url}/partners/42`)).status).toBe(403);
});

test('every user pool and client signs users in; every identity pool hands out identities', async () => {
  expect(s.info.userPools.map((p) => [p.logicalId, p.clients.map((c) => [c.name, c.hasSecret])])).toEqual([
    ['UserPool', [['authapi-cli', false]]],
    ['PartnerPool', [['partner-web', false], ['partner-admin', true]]],
  ]);
  expect(s.info.region).toBe('eu-west-1');
  expect(s.info.userPools[1]!.id).toMatch(/^eu-west-1_/);
  const partnerPool = s.info.userPools[1]!;
  const partnerInfo = { ...s.info, userPoolId: partnerPool.id, userPoolClientId: partnerPool.clients[0]!.clientId };
  // The demo user is seeded into every pool.
  const tokens = await srpLogin(partnerInfo, 'demouser', 'demoPASS123');
  const ci = new CognitoIdentityClient({ endpoint: s.url, region: 'eu-west-1' });
  const partnerIdentities = s.info.identityPools.find((p) => p.logicalId === 'PartnerIdentities')!;
  expect(partnerIdentities.allowUnauthenticated).toBe(false);
  const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: partnerIdentities.id, Logins: { [partnerPool.providerName]: tokens.idToken } }));
  expect(IdentityId).toMatch(/^eu-west-1:/);
  await expect(ci.send(new GetIdCommand({ IdentityPoolId: partnerIdentities.id }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
});
