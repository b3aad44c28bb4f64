// The OIDC discovery document as a verifier uses it: fetch it, follow jwks_uri, and
// verify a real ID token (from amazon-cognito-identity-js) with jose against `issuer`.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { srpLogin } from './srp-login.js';

let s: LocalStack;
beforeAll(async () => {
  s = await startLocal();
});
afterAll(() => s?.close());

test('/<poolId>/.well-known/openid-configuration leads a verifier to the pool\'s keys', async () => {
  const res = await fetch(`${s.url}/${s.info.userPoolId}/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  const doc = (await res.json()) as Record<string, unknown>;
  const pool = s.stack.userPools[0]!;
  expect(doc).toMatchObject({
    issuer: pool.issuer,
    jwks_uri: `${s.url}/${pool.id}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
  });
  const { idToken } = await srpLogin(s.info, 'demouser', 'demoPASS123');
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(doc.jwks_uri as string)), { issuer: doc.issuer as string, audience: s.info.userPoolClientId });
  expect(payload.token_use).toBe('id');
  expect((await fetch(`${s.url}/us-east-1_NoSuchPool/.well-known/openid-configuration`)).status).toBe(404);
});
