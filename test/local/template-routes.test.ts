import { expect, test } from 'vitest';
import { callWords, templateRoutes } from '../../src/local/index.js';
import { multiTemplate } from './helpers/template.js';

test('the routes of every API of a template, and the words `authapi call` completes', async () => {
  expect(await templateRoutes()).toEqual([
    { api: 'Api', stage: 'prod', method: 'GET', path: '/no-auth', auth: 'NONE', apiKeyRequired: true },
    { api: 'Api', stage: 'prod', method: 'GET', path: '/require-auth', auth: 'AWS_IAM', apiKeyRequired: true },
  ]);
  const routes = await templateRoutes({ templatePath: multiTemplate(), parameterOverrides: { StageName: 'v1' } });
  expect(routes.map((r) => `${r.api}/${r.stage} ${r.method} ${r.path}`)).toEqual(['Api/v1 GET /no-auth', 'Api/v1 GET /require-auth', 'PartnerApi/v1 GET /partners/{id}']);
  expect(callWords([...routes, ...routes])).toEqual(['no-auth', 'require-auth', 'partners/{id}']);
});
