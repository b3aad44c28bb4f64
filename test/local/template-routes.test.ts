import { expect, test } from 'vitest';
import { callWords, templateRoutes } from '../../src/local/index.js';
import { multiTemplate } from './helpers/template.js';

test('the routes of every API of a template, and the words `authapi call` completes', async () => {
  expect(await templateRoutes()).toEqual([
    { api: 'Api', stage: 'prod', method: 'GET', path: '/no-auth', auth: 'NONE', apiKeyRequired: true },
    { api: 'Api', stage: 'prod', method: 'GET', path: '/require-auth', auth: 'AWS_IAM', apiKeyRequired: true },
    { api: 'Api', stage: 'prod', method: 'GET', path: '/require-token', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true },
    { api: 'Api', stage: 'prod', method: 'GET', path: '/require-scope', auth: 'COGNITO_USER_POOLS', apiKeyRequired: true, scopes: ['aws.cognito.signin.user.admin'] },
  ]);
  const routes = await templateRoutes({ templatePath: multiTemplate(), parameterOverrides: { StageName: 'v1' } });
  expect(routes.map((r) => `${r.api}/${r.stage} ${r.method} ${r.path}`)).toEqual(['Api/v1 GET /no-auth', 'Api/v1 GET /require-auth', 'Api/v1 GET /require-token', 'Api/v1 GET /require-scope', 'PartnerApi/v1 GET /partners/{id}']);
  expect(callWords([...routes, ...routes])).toEqual(['no-auth', 'require-auth', 'require-token', 'require-scope', 'partners/{id}']);
});
