import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { MemoryCredentialRegistry } from '../../../src/local/credentials.js';
import { CognitoIdentityService, type IdentityPoolState } from '../../../src/local/identity-pool/service.js';
import type { LocalRequest, StackModel } from '../../../src/local/model.js';
import { buildStackModel } from '../../../src/local/template/index.js';

const TEMPLATE = resolve('infra/template.yaml');
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

function stackFrom(text = readFileSync(TEMPLATE, 'utf8')): StackModel {
  return buildStackModel(text, { templatePath: TEMPLATE }).model;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: PrivateKey;
let otherKey: PrivateKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

function setup(opts: { stack?: StackModel; state?: IdentityPoolState; now?: number } = {}) {
  const stack = opts.stack ?? stackFrom();
  const pool = stack.userPools[0]!;
  const credentials = new MemoryCredentialRegistry();
  const clock = { t: opts.now ?? T0, now() { return this.t; } };
  let changes = 0;
  const svc = new CognitoIdentityService({
    stack, credentials, clock,
    jwks: (id) => (id === pool.id ? { keys: [publicJwk] } : undefined),
    state: opts.state,
    onChange: () => { changes++; },
  });
  const call = async (op: string, body: unknown) => {
    const req: LocalRequest = {
      method: 'POST', url: '/', rawHeaders: [], sourceIp: '127.0.0.1', body: Buffer.from(JSON.stringify(body)),
      headers: { 'x-amz-target': `AWSCognitoIdentityService.${op}`, 'content-type': 'application/x-amz-json-1.1' },
    };
    const res = await svc.handle(req);
    return { status: res.status, headers: res.headers, json: JSON.parse(String(res.body)) as Record<string, any> };
  };
  const idToken = async (claims: Record<string, unknown> = {}, key: PrivateKey = signingKey) => {
    const iat = Math.floor(clock.t / 1000);
    return new SignJWT({
      sub: 'sub-1111', iss: pool.issuer, aud: pool.clients[0]!.clientId, token_use: 'id', 'cognito:username': 'demouser',
      iat, exp: iat + 3600, ...claims,
    }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  };
  const logins = (token: string) => ({ [pool.providerName]: token });
  return { svc, stack, pool, ip: stack.identityPools[0]!, credentials, clock, call, idToken, logins, changes: () => changes };
}

describe('guests (unauthenticated)', () => {
  test('GetId then GetCredentialsForIdentity: AWS shapes, unauthenticated role, registered', async () => {
    const s = setup();
    const id = await s.call('GetId', { IdentityPoolId: s.ip.id });
    expect(id.status).toBe(200);
    expect(id.json.IdentityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    const c = await s.call('GetCredentialsForIdentity', { IdentityId: id.json.IdentityId });
    expect(c.status).toBe(200);
    expect(Object.keys(c.json.Credentials).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretKey', 'SessionToken']);
    expect(c.json.IdentityId).toBe(id.json.IdentityId);
    expect(c.json.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c.json.Credentials.SecretKey).toHaveLength(40);
    expect(c.json.Credentials.Expiration).toBe(T0 / 1000 + 3600);
    const reg = s.credentials.get(c.json.Credentials.AccessKeyId)!;
    expect(reg).toMatchObject({ identityId: id.json.IdentityId, identityPoolId: s.ip.id, authenticated: false, roleLogicalId: 'UnauthenticatedRole', expiration: T0 + 3_600_000 });
    expect(reg.sessionToken).toBe(c.json.Credentials.SessionToken);
    expect(s.changes()).toBeGreaterThan(0);
    // Each guest GetId is a new identity.
    expect((await s.call('GetId', { IdentityPoolId: s.ip.id })).json.IdentityId).not.toBe(id.json.IdentityId);
  });

  test('refused when the template does not allow guests', async () => {
    const s = setup({ stack: stackFrom(readFileSync(TEMPLATE, 'utf8').replace('AllowUnauthenticatedIdentities: true', 'AllowUnauthenticatedIdentities: false')) });
    const r = await s.call('GetId', { IdentityPoolId: s.ip.id });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ __type: 'NotAuthorizedException', message: 'Unauthenticated access is not supported for this identity pool.' });
    expect(r.headers['x-amzn-ErrorType']).toBe('NotAuthorizedException:');
  });

  test('no role for guests is a pool configuration error', async () => {
    const text = readFileSync(TEMPLATE, 'utf8').replace('        unauthenticated: !GetAtt UnauthenticatedRole.Arn\n', '');
    const s = setup({ stack: stackFrom(text) });
    const id = await s.call('GetId', { IdentityPoolId: s.ip.id });
    const r = await s.call('GetCredentialsForIdentity', { IdentityId: id.json.IdentityId });
    expect(r.json).toEqual({ __type: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' });
  });
});

describe('users (Logins with the ID token)', () => {
  test('same identity id for the same user, across calls and restarts; authenticated role', async () => {
    const s = setup();
    const token = await s.idToken();
    const a = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(token) });
    const b = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(await s.idToken({ jti: 'other' })) });
    expect(a.status).toBe(200);
    expect(b.json.IdentityId).toBe(a.json.IdentityId);
    // A fresh emulator, with or without the saved state, gives the same id.
    const restarted = setup({ state: s.svc.snapshot() });
    expect((await restarted.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(token) })).json.IdentityId).toBe(a.json.IdentityId);
    expect((await restarted.call('GetCredentialsForIdentity', { IdentityId: a.json.IdentityId, Logins: s.logins(token) })).status).toBe(200);
    const fresh = setup();
    expect((await fresh.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(token) })).json.IdentityId).toBe(a.json.IdentityId);
    // Another user, another identity.
    const other = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(await s.idToken({ sub: 'sub-2222' })) });
    expect(other.json.IdentityId).not.toBe(a.json.IdentityId);

    const c = await s.call('GetCredentialsForIdentity', { IdentityId: a.json.IdentityId, Logins: s.logins(token) });
    expect(s.credentials.get(c.json.Credentials.AccessKeyId)).toMatchObject({
      authenticated: true, roleLogicalId: 'AuthenticatedRole', sub: 'sub-1111', providerName: s.pool.providerName,
    });
  });

  test("an authenticated identity without its login: Logins don't match", async () => {
    const s = setup();
    const a = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(await s.idToken()) });
    const r = await s.call('GetCredentialsForIdentity', { IdentityId: a.json.IdentityId });
    expect(r.json).toEqual({ __type: 'NotAuthorizedException', message: "Logins don't match. Please include at least one valid login for this identity or identity pool." });
    const r2 = await s.call('GetCredentialsForIdentity', { IdentityId: a.json.IdentityId, Logins: s.logins(await s.idToken({ sub: 'someone-else' })) });
    expect(r2.json.message).toMatch(/^Logins don't match/);
  });

  test.each([
    ['an access token', { aud: undefined, token_use: 'access', client_id: 'x' }, 'Invalid login token. Missing a required claim: aud'],
    ['an expired token', { iat: T0 / 1000 - 7200, exp: T0 / 1000 - 3600 }, `Invalid login token. Token expired: ${T0 / 1000} >= ${T0 / 1000 - 3600}`],
    ['a token expiring right now', { exp: T0 / 1000 }, `Invalid login token. Token expired: ${T0 / 1000} >= ${T0 / 1000}`],
    ['another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234' }, "Invalid login token. Issuer doesn't match providerName"],
    ['a client the pool does not trust', { aud: 'someotherclient' }, 'Token is not from a supported provider of this identity pool.'],
  ])('refuses %s', async (_name, claims, message) => {
    const s = setup();
    const token = await s.idToken(claims);
    const r = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(token) });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ __type: 'NotAuthorizedException', message });
  });

  test('refuses a forged signature, garbage, and an unknown provider', async () => {
    const s = setup();
    const forged = await s.idToken({}, otherKey);
    expect((await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(forged) })).json.message).toBe("Invalid login token. Couldn't verify signed token.");
    const tampered = (await s.idToken()).replace(/\.([^.]+)\./, (_m, p: string) => `.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })).toString('base64url')}.`);
    expect((await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(tampered) })).json.message).toBe("Invalid login token. Couldn't verify signed token.");
    expect((await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins('not-a-jwt') })).json.message).toMatch(/^Invalid login token\./);
    const unknown = await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: { 'accounts.google.com': await s.idToken() } });
    expect(unknown.json.message).toBe('Token is not from a supported provider of this identity pool.');
    // The clock decides expiry: an hour later the same token is refused.
    const token = await s.idToken();
    s.clock.t += 3_600_000;
    expect((await s.call('GetId', { IdentityPoolId: s.ip.id, Logins: s.logins(token) })).json.message).toMatch(/^Invalid login token\. Token expired: /);
  });
});

describe('requests it cannot serve', () => {
  test('unknown pool, unknown identity, missing parameter, unknown operation, bad JSON', async () => {
    const s = setup();
    expect((await s.call('GetId', { IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })).json).toEqual({
      __type: 'ResourceNotFoundException', message: "IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found.",
    });
    expect((await s.call('GetCredentialsForIdentity', { IdentityId: 'us-east-1:nope' })).json).toEqual({
      __type: 'ResourceNotFoundException', message: "Identity 'us-east-1:nope' not found.",
    });
    expect((await s.call('GetId', {})).json.__type).toBe('ValidationException');
    expect((await s.call('ListIdentities', {})).json.__type).toBe('UnknownOperationException');
    const bad = await s.svc.handle({ method: 'POST', url: '/', rawHeaders: [], sourceIp: '', body: Buffer.from('{'), headers: { 'x-amz-target': 'AWSCognitoIdentityService.GetId' } });
    expect(JSON.parse(String(bad.body)).__type).toBe('SerializationException');
  });
});
