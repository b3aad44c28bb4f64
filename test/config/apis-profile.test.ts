// The profile's route table: validation (one line per problem, naming the key) and
// how it is built from the emulator's description or the template.
import { describe, expect, it } from 'vitest';
import { validateProfile } from '../../src/config/profile.js';
import { apisFrom, authModeOf } from '../../src/config/apis.js';
import { withTemplateRoutes } from '../../src/config/template-apis.js';
import { profileFromOutputs } from '../../src/config/outputs.js';
import { VALID_PROFILE } from '../helpers/profile-fixtures.js';

const OK = VALID_PROFILE;

const APIS = {
  rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /require-token': 'id-token', 'GET /no-auth': 'none' } },
  http: { url: 'https://h.example.com', type: 'http', auth: 'access-token', routes: { 'GET /iam': 'iam' } },
  'function-url': { url: 'https://f.lambda-url.eu-west-1.on.aws/', type: 'function-url', auth: 'iam' },
};

describe('profile apis validation', () => {
  it('accepts a route table and apiId; old profiles without one stay valid', () => {
    expect(validateProfile({ ...OK, apis: APIS, apiId: 'a1b2c3d4e5' }).problems).toEqual([]);
    expect(validateProfile(OK).problems).toEqual([]);
  });

  it.each([
    [{ apis: [] }, 'apis must be an object'],
    [{ apis: { http: { ...APIS.http, type: 'graphql' } } }, 'apis.http.type "graphql" is not valid; expected "rest", "http" or "function-url"'],
    [{ apis: { http: { ...APIS.http, auth: 'token' } } }, 'apis.http.auth "token" is not valid; expected "iam", "id-token", "access-token", "none"'],
    [{ apis: { http: { ...APIS.http, url: 'ftp://x' } } }, 'apis.http.url "ftp://x" is not valid'],
    [{ apis: { http: { ...APIS.http, url: undefined } } }, 'apis.http.url is missing (only the REST API at apiUrl may leave it out)'],
    [{ apis: { http: { ...APIS.http, apiKey: true } } }, 'apis.http.apiKey: only REST APIs take API keys'],
    [{ apis: { http: { ...APIS.http, routes: { '/me': 'iam' } } } }, 'apis.http.routes "/me" is not a route; expected "METHOD /path"'],
    [{ apis: { http: { ...APIS.http, routes: { 'GET /me': 'jwt' } } } }, 'apis.http.routes."GET /me": "jwt" is not valid'],
    [{ apis: { http: { ...APIS.http, stage: 'x' } } }, 'unknown key "apis.http.stage"'],
    [{ apis: { 'a b': APIS.http } }, 'apis.a b: the name must be'],
    [{ apis: { rest: APIS.rest, rest2: APIS.rest } }, 'apis: only one API may leave out url'],
    [{ apiId: 'Not An Id' }, 'apiId "Not An Id" is not valid'],
    [{ apis: { rest: { ...APIS.rest, apiId: '-' } } }, 'apis.rest.apiId "-" is not valid'],
  ])('rejects %j', (extra, problem) => {
    const { profile, problems } = validateProfile({ ...OK, ...extra });
    expect(profile).toBeUndefined();
    expect(problems.join('\n')).toContain(problem);
    for (const p of problems) expect(p).not.toContain('\n');
  });
});

describe('route table from API Gateway auth', () => {
  it('maps each authorizer kind to what call sends', () => {
    expect(authModeOf('AWS_IAM')).toBe('iam');
    expect(authModeOf('NONE')).toBe('none');
    expect(authModeOf('COGNITO_USER_POOLS')).toBe('id-token');
    expect(authModeOf('COGNITO_USER_POOLS', ['aws.cognito.signin.user.admin'])).toBe('access-token');
    expect(authModeOf('JWT')).toBe('access-token');
    expect(authModeOf('CUSTOM')).toBeUndefined();
  });

  it('names the APIs by kind, the one at apiUrl without a url, the function URL without its catch-all route', () => {
    const apis = apisFrom([
      { logicalId: 'Api', kind: 'rest', url: 'http://127.0.0.1:1/prod', routes: [
        { method: 'GET', path: '/no-auth', auth: 'NONE' },
        { method: 'GET', path: '/require-token', auth: 'COGNITO_USER_POOLS' },
        { method: 'GET', path: '/require-scope', auth: 'COGNITO_USER_POOLS', scopes: ['aws.cognito.signin.user.admin'] },
      ] },
      { logicalId: 'HttpApi', kind: 'http', url: 'http://127.0.0.1:2', routes: [
        { method: 'GET', path: '/me', auth: 'JWT' }, { method: 'GET', path: '/iam', auth: 'AWS_IAM' },
      ] },
      { logicalId: 'FunctionUrlFunction', kind: 'function-url', url: 'http://127.0.0.1:3/', routes: [{ method: 'ANY', path: '/{proxy+}', auth: 'AWS_IAM' }] },
      { logicalId: 'OtherApi', url: 'http://127.0.0.1:4/v1', routes: [] },
    ], 'http://127.0.0.1:1/prod/');
    expect(apis).toEqual({
      rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /no-auth': 'none', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token' } },
      http: { url: 'http://127.0.0.1:2', type: 'http', auth: 'access-token', routes: { 'GET /me': 'access-token', 'GET /iam': 'iam' } },
      'function-url': { url: 'http://127.0.0.1:3', type: 'function-url', auth: 'iam' },
      OtherApi: { url: 'http://127.0.0.1:4/v1', type: 'rest', auth: 'iam', apiKey: false },
    });
    expect(validateProfile({ ...OK, apis }).problems).toEqual([]);
  });

  it('outputs give URLs, the template the routes; entries of kinds the template lacks keep their default', () => {
    const found = profileFromOutputs([
      { OutputKey: 'ApiUrl', OutputValue: 'https://r.execute-api.eu-west-1.amazonaws.com/prod' },
      { OutputKey: 'HttpApiUrl', OutputValue: 'https://h.execute-api.eu-west-1.amazonaws.com' },
      { OutputKey: 'FunctionUrl', OutputValue: 'https://f.lambda-url.eu-west-1.on.aws/' },
    ], 'test');
    expect(found.apiUrl).toBe('https://r.execute-api.eu-west-1.amazonaws.com/prod');
    const apis = withTemplateRoutes(found.apis!, [
      { logicalId: 'Api', routes: [{ method: 'GET', path: '/require-token', auth: 'COGNITO_USER_POOLS' }] },
      { logicalId: 'HttpApi', kind: 'http', routes: [{ method: 'GET', path: '/iam', auth: 'AWS_IAM' }] },
    ]);
    expect(apis).toEqual({
      rest: { type: 'rest', auth: 'iam', apiKey: true, routes: { 'GET /require-token': 'id-token' } },
      // Only IAM routes in the template's HTTP API: its default becomes that.
      http: { url: 'https://h.execute-api.eu-west-1.amazonaws.com', type: 'http', auth: 'iam', routes: { 'GET /iam': 'iam' } },
      'function-url': { url: 'https://f.lambda-url.eu-west-1.on.aws', type: 'function-url', auth: 'iam' },
    });
  });
});
