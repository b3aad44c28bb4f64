// The checks of federation.ts that a well-behaved stand-in never trips, driven
// against a stand-in configured differently from the pool's view of the provider:
// an ID token of another issuer, and a disabled federated user.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CognitoIdpService } from '../../../src/local/cognito-idp/service.js';
import type { LocalRequest, UserPoolModel } from '../../../src/local/model.js';
import { Federation } from '../../../src/local/oauth/federation.js';
import { OidcStandIns } from '../../../src/local/oidc-provider/stand-in.js';
import { buildStackModel } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const ON = { FederatedOidcIssuer: 'https://idp.example.test', FederatedOidcClientId: 'pool-at-idp', FederatedOidcClientSecret: 'idp-s3cret' };
const BASE = 'http://127.0.0.1:9';
const REDIRECT = 'http://127.0.0.1:47801/callback';
const clock = { now: () => Date.UTC(2026, 0, 1) };

function setup(standInIssuer = ON.FederatedOidcIssuer) {
  const pools = buildStackModel(readFileSync(TEMPLATE, 'utf8'), { templatePath: TEMPLATE, parameterOverrides: ON }).model.userPools;
  const idp = new CognitoIdpService({ pools, clock, admin: async () => ({ ok: true }) });
  // The stand-in's own configuration: the same provider, maybe another issuer.
  const theirs: UserPoolModel[] = pools.map((p) => ({ ...p, identityProviders: p.identityProviders!.map((i) => ({ ...i, issuer: standInIssuer })) }));
  const standIns = new OidcStandIns(theirs, [{ username: 'demouser', password: 'demoPASS123' }], clock);
  const fed = new Federation({ pools, idp, clock, standIns });
  const pool = pools[0]!;
  const request = { poolId: pool.id, clientId: pool.clients[0]!.clientId, redirectUri: REDIRECT, responseType: 'code' as const, scopes: ['openid'], state: 'st4te', identityProvider: 'Corporate' };
  return { fed, idp, standIns, pool, request };
}

const req = (method: string, url: string, body = ''): LocalRequest => ({
  method, url, headers: { host: new URL(BASE).host, 'content-type': 'application/x-www-form-urlencoded' }, rawHeaders: [], body: Buffer.from(body), sourceIp: '127.0.0.1',
});

/** Cognito → the stand-in's page → its form: the idpresponse query. */
async function throughProvider(s: ReturnType<typeof setup>): Promise<URLSearchParams> {
  const to = new URL(s.fed.start(BASE, s.request).headers.Location!);
  const standIn = s.standIns.of(s.pool.id, 'Corporate')!;
  const page = await standIn.handle(req('GET', `${to.pathname}${to.search}`), BASE);
  const tx = /name="tx" value="([^"]+)"/.exec(String(page!.body))![1]!;
  const back = await standIn.handle(req('POST', to.pathname, new URLSearchParams({ tx, username: 'demouser', password: 'demoPASS123' }).toString()), BASE);
  return new URL(back!.headers.Location!).searchParams;
}

function appError(out: Awaited<ReturnType<Federation['response']>>) {
  expect(out.kind).toBe('response');
  if (out.kind !== 'response') throw new Error('signed in');
  return Object.fromEntries(new URL(out.response.headers.Location!).searchParams);
}

describe('federation refuses what Cognito refuses', () => {
  test('an ID token of another issuer: "Bad id_token issuer", no user', async () => {
    const s = setup('https://evil.example.test');
    const out = await s.fed.response(await throughProvider(s));
    expect(appError(out)).toEqual({ error: 'invalid_request', error_description: 'Bad id_token issuer https://evil.example.test', state: 'st4te' });
    expect(Object.keys(s.idp.snapshot().pools[s.pool.id]!.users)).toEqual([]);
  });

  test('a disabled federated user signs in no more', async () => {
    const s = setup();
    const first = await s.fed.response(await throughProvider(s));
    expect(first.kind).toBe('signed-in');
    const username = first.kind === 'signed-in' ? first.username : '';
    const disable = await s.idp.handle({
      ...req('POST', '/', JSON.stringify({ UserPoolId: s.pool.id, Username: username })),
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDisableUser', 'content-type': 'application/x-amz-json-1.1' },
    });
    expect(disable.status).toBe(200);
    const out = await s.fed.response(await throughProvider(s));
    expect(appError(out)).toEqual({ error: 'invalid_request', error_description: 'User is disabled.', state: 'st4te' });
  });
});
