// Which API, route and auth a target gets (src/http/route-auth.ts).
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../src/config/profile.js';
import { authLabel, chooseRoute, matchScore, profileApis, tokenHeader } from '../../src/http/route-auth.js';

const BASE: Profile = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123',
  userPoolClientId: 'abc123',
  identityPoolId: 'us-east-1:0f0e0d0c-0b0a-0908-0706-050403020100',
  apiUrl: 'https://r.example.com/prod',
  apiKey: 'k'.repeat(30),
};
const PROFILE: Profile = {
  ...BASE,
  apiId: 'a1b2c3d4e5',
  apis: {
    rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /no-auth': 'none', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token', 'ANY /items/{id}': 'iam', 'GET /shared': 'iam' } },
    http: { url: 'https://h.example.com', type: 'http', auth: 'access-token', routes: { 'GET /me': 'access-token', 'GET /iam': 'iam', 'GET /shared': 'iam', 'GET /h/{proxy+}': 'none' } },
    other: { url: 'https://h2.example.com/v1', type: 'http', auth: 'id-token', routes: { 'GET /shared': 'none' } },
    'function-url': { url: 'https://f.lambda-url.us-east-1.on.aws/', type: 'function-url', auth: 'iam' },
  },
};

describe('route patterns', () => {
  it('literal beats {param} beats {proxy+}; lengths must agree', () => {
    expect(matchScore('/me', ['me'])).toBeGreaterThan(matchScore('/{x}', ['me']));
    expect(matchScore('/{x}', ['me'])).toBeGreaterThan(matchScore('/{proxy+}', ['me']));
    expect(matchScore('/{proxy+}', ['a', 'b'])).toBeGreaterThan(0);
    expect(matchScore('/{proxy+}', [])).toBe(-1);
    expect(matchScore('/me', ['me', 'x'])).toBe(-1);
    expect(matchScore('/items/{id}', ['items'])).toBe(-1);
    expect(matchScore('/', [])).toBeGreaterThan(0);
  });
});

describe('chooseRoute', () => {
  it('an old profile: everything to apiUrl, SigV4 and the API key', () => {
    const c = chooseRoute(BASE, 'me', 'GET');
    expect(c).toMatchObject({ auth: 'iam', api: { name: 'default', url: 'https://r.example.com/prod', type: 'rest', apiKey: BASE.apiKey } });
    expect(c.why).toBe("api default's default for routes it does not list: AWS_IAM");
    expect(profileApis(BASE)).toHaveLength(1);
  });

  it('a route word goes to the API that declares it, with that route\'s auth', () => {
    expect(chooseRoute(PROFILE, 'require-token', 'GET')).toMatchObject({ api: { name: 'rest', url: BASE.apiUrl, apiKey: BASE.apiKey, apiId: 'a1b2c3d4e5' }, route: 'GET /require-token', auth: 'id-token', why: 'route GET /require-token of api rest: Cognito user pool authorizer' });
    expect(chooseRoute(PROFILE, 'require-scope', 'GET').why).toBe('route GET /require-scope of api rest: Cognito user pool authorizer with scopes');
    const me = chooseRoute(PROFILE, '/me?x=1', 'GET');
    expect(me).toMatchObject({ api: { name: 'http', url: 'https://h.example.com' }, route: 'GET /me', auth: 'access-token', why: 'route GET /me of api http: JWT authorizer' });
    // Only REST APIs get the key, and only the default API the profile's apiId.
    expect(me.api.apiKey).toBeUndefined();
    expect(me.api.apiId).toBeUndefined();
    expect(chooseRoute(PROFILE, 'no-auth', 'GET').auth).toBe('none');
    expect(chooseRoute(PROFILE, 'items/42', 'DELETE')).toMatchObject({ route: 'ANY /items/{id}', auth: 'iam' });
    expect(chooseRoute(PROFILE, '/h/a/b', 'GET')).toMatchObject({ api: { name: 'http' }, route: 'GET /h/{proxy+}', auth: 'none' });
  });

  it('the method matters: a route of another method is not this one', () => {
    const c = chooseRoute(PROFILE, 'me', 'POST');
    expect(c).toMatchObject({ api: { name: 'rest' }, auth: 'iam' });
    expect(c.route).toBeUndefined();
  });

  it('a path no API declares goes to the default API with its default auth', () => {
    expect(chooseRoute(PROFILE, '/unknown', 'GET')).toMatchObject({ api: { name: 'rest' }, auth: 'iam', why: "api rest's default for routes it does not list: AWS_IAM" });
  });

  it('a route of several APIs: the default API wins, else --api is needed', () => {
    expect(chooseRoute(PROFILE, 'shared', 'GET').api.name).toBe('rest');
    const noDefault: Profile = { ...PROFILE, apis: { http: PROFILE.apis!.http!, other: PROFILE.apis!.other! } };
    expect(() => chooseRoute(noDefault, 'shared', 'GET')).toThrow(/GET \/shared is a route of 2 APIs \(http, other\)/);
    expect(chooseRoute(noDefault, 'shared', 'GET', { api: 'other' })).toMatchObject({ api: { name: 'other' }, auth: 'none' });
  });

  it('--api picks the API; an unknown one is refused naming the known', () => {
    expect(chooseRoute(PROFILE, '/', 'GET', { api: 'function-url' })).toMatchObject({ api: { type: 'function-url', url: 'https://f.lambda-url.us-east-1.on.aws' }, auth: 'iam', why: "api function-url's default for routes it does not list: function URL with AuthType AWS_IAM" });
    expect(chooseRoute(PROFILE, '/anything', 'GET', { api: 'http' })).toMatchObject({ auth: 'access-token' });
    expect(() => chooseRoute(PROFILE, 'me', 'GET', { api: 'nope' })).toThrow('--api "nope": the profile has no such API');
  });

  it('a full URL goes to the API it is under (the longest base URL)', () => {
    expect(chooseRoute(PROFILE, 'https://h.example.com/me', 'GET')).toMatchObject({ api: { name: 'http' }, route: 'GET /me', auth: 'access-token' });
    expect(chooseRoute(PROFILE, 'https://h2.example.com/v1/shared?q=1', 'GET')).toMatchObject({ api: { name: 'other' }, route: 'GET /shared', auth: 'none' });
    expect(chooseRoute(PROFILE, 'https://r.example.com/prod/require-token', 'GET')).toMatchObject({ api: { name: 'rest' }, auth: 'id-token' });
    // Under no API: left to resolveTarget, which refuses it against the default API.
    expect(chooseRoute(PROFILE, 'https://evil.example.com/me', 'GET').api.name).toBe('rest');
  });

  it('--auth overrides the route and says so', () => {
    expect(chooseRoute(PROFILE, 'me', 'GET', { auth: 'id-token' })).toMatchObject({ auth: 'id-token', why: '--auth (route GET /me of api http)' });
    expect(chooseRoute(PROFILE, '/x', 'GET', { auth: 'none', authSource: '--unsigned' }).why).toBe('--unsigned (api rest)');
  });

  it('what goes on the wire', () => {
    expect(tokenHeader('rest', 'T')).toBe('T');
    expect(tokenHeader('http', 'T')).toBe('Bearer T');
    expect(authLabel('function-url', 'iam')).toBe('iam (SigV4, service lambda)');
    expect(authLabel('rest', 'iam')).toBe('iam (SigV4, service execute-api)');
    expect(authLabel('http', 'access-token')).toBe('access-token (Bearer in Authorization)');
    expect(authLabel('rest', 'id-token')).toBe('id-token (raw token in Authorization)');
  });
});
