// The JWT authorizer on tokens made here with keys made here: every claim check and
// the order they are made in (the emulator's own pool tokens are in http-api.test.ts).
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import type { JwtAuthorizerModel } from '../../../src/local/model.js';
import { authorizeJwt, goDuration, stringClaims, tokenOf } from '../../../src/local/httpapi/jwt-authorizer.js';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test12345';
const authorizer: JwtAuthorizerModel = { name: 'A', issuer: ISSUER, audience: ['client-a', 'client-b'], header: 'authorization' };
const NOW = 1_800_000_000;
const clock = { now: () => NOW * 1000 };

let key: CryptoKey;
let other: CryptoKey;
let jwks: { keys: object[] };
beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  other = (await generateKeyPair('RS256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

const sign = (claims: JWTPayload, opts: { kid?: string; with?: CryptoKey } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' }).sign(opts.with ?? key);
const access = (extra: JWTPayload = {}) => sign({ iss: ISSUER, client_id: 'client-a', token_use: 'access', scope: 'aws.cognito.signin.user.admin', iat: NOW - 10, exp: NOW + 3600, ...extra });
const run = (header: string | undefined, scopes?: string[]) => authorizeJwt(authorizer, header, scopes, (iss) => (iss === ISSUER ? jwks : undefined), clock);

describe('the token in the identity source', () => {
  test('alone or after Bearer (any case), trimmed; absent or empty is no token; a bare "Bearer" is taken for the token', () => {
    expect(tokenOf('Bearer abc')).toBe('abc');
    expect(tokenOf('bearer   abc ')).toBe('abc');
    expect(tokenOf('abc')).toBe('abc');
    expect(tokenOf(undefined)).toBeUndefined();
    // HTTP trims the value: `Bearer ` arrives as `Bearer`, a (malformed) token.
    expect(tokenOf('Bearer ')).toBe('Bearer');
    expect(tokenOf('  ')).toBeUndefined();
  });
});

describe('authorizeJwt', () => {
  test('an access token of an audience client: claims as strings, scopes null without route scopes', async () => {
    const v = await run(`Bearer ${await access()}`);
    expect(v).toEqual({ ok: true, scopes: null, claims: { iss: ISSUER, client_id: 'client-a', token_use: 'access', scope: 'aws.cognito.signin.user.admin', iat: String(NOW - 10), exp: String(NOW + 3600) } });
  });

  test('aud wins over client_id; either must be one of the audience', async () => {
    expect((await run(await sign({ iss: ISSUER, aud: 'client-b', client_id: 'nope', exp: NOW + 60 }))).ok).toBe(true);
    expect(await run(await sign({ iss: ISSUER, aud: 'nope', client_id: 'client-a', exp: NOW + 60 }))).toEqual({ ok: false, refusal: 'invalid-token', description: 'the token does not have a valid audience' });
    expect((await run(await sign({ iss: ISSUER, aud: ['x', 'client-a'], exp: NOW + 60 }))).ok).toBe(true);
    expect(await run(await sign({ iss: ISSUER, exp: NOW + 60 }))).toMatchObject({ description: 'the token does not have a valid audience' });
  });

  test('each refusal, with its description', async () => {
    const why = async (header: string | undefined) => {
      const v = await run(header);
      return v.ok ? 'ok' : v.refusal === 'invalid-token' ? v.description : v.refusal;
    };
    expect(await why(undefined)).toBe('no-token');
    expect(await why('')).toBe('no-token');
    expect(await why('Bearer')).toBe('token contains an invalid number of segments');
    expect(await why('not-a-token')).toBe('token contains an invalid number of segments');
    expect(await why('a.b.c')).toBe('token is malformed');
    const hs = await new SignJWT({ iss: ISSUER, client_id: 'client-a', exp: NOW + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
    expect(await why(hs)).toBe('signing method HS256 is invalid');
    expect(await why(await access({}).then(() => sign({ iss: ISSUER, client_id: 'client-a', exp: NOW + 60 }, { kid: 'other-kid' })))).toBe('the token was not signed by a key of the issuer');
    expect(await why(await sign({ iss: ISSUER, client_id: 'client-a', exp: NOW + 60 }, { with: other }))).toBe('crypto/rsa: verification error');
    const t = await access();
    const [h, p, s] = t.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), client_id: 'client-b' })).toString('base64url')}.${s}`;
    expect(await why(tampered)).toBe('crypto/rsa: verification error');
    expect(await why(await access({ iss: 'https://elsewhere.example' }))).toBe('the token does not have a valid issuer');
    expect(await why(await access({ exp: NOW - 90 }))).toBe('token is expired by 1m30s');
    expect(await why(await access({ exp: NOW }))).toBe('token is expired by 0s');
    expect(await why(await access({ exp: undefined }))).toBe('token is missing the exp claim');
    expect(await why(await access({ nbf: NOW + 5 }))).toBe('token is not valid yet');
    expect(await why(await access({ iat: NOW + 5 }))).toBe('Token used before issued');
  });

  test('route scopes: one of them in scope (or scp) lets in, with the token\'s scopes; none is insufficient-scope', async () => {
    const t = await access({ scope: 'openid authapi/admin' });
    expect(await run(t, ['authapi/admin', 'other'])).toMatchObject({ ok: true, scopes: ['openid', 'authapi/admin'] });
    expect(await run(await access(), ['authapi/admin'])).toEqual({ ok: false, refusal: 'insufficient-scope' });
    expect(await run(await access({ scope: undefined, scp: ['authapi/admin'] }), ['authapi/admin'])).toMatchObject({ ok: true, scopes: ['authapi/admin'] });
    // An expired token is refused as such even on a scoped route.
    expect(await run(await access({ exp: NOW - 1, scope: 'x' }), ['authapi/admin'])).toMatchObject({ refusal: 'invalid-token' });
  });

  test('an issuer the emulator does not know: every token is refused', async () => {
    const v = await authorizeJwt({ ...authorizer, issuer: 'https://unknown.example' }, await access({ iss: 'https://unknown.example' }), undefined, () => undefined, clock);
    expect(v).toMatchObject({ ok: false, description: 'the token was not signed by a key of the issuer' });
  });
});

test('claims as strings, durations as Go prints them', () => {
  expect(stringClaims({ a: 'x', n: 5, b: true, l: ['g1', 'g2'], o: { k: 1 } })).toEqual({ a: 'x', n: '5', b: 'true', l: '[g1 g2]', o: '{"k":1}' });
  expect([goDuration(5), goDuration(90), goDuration(3600), goDuration(3725)]).toEqual(['5s', '1m30s', '1h0m0s', '1h2m5s']);
});
