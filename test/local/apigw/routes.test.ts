import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../src/local/apigw/routes.js';
import type { RouteModel } from '../../../src/local/model.js';

const r = (method: string, path: string): RouteModel => ({
  method, path, auth: 'NONE', apiKeyRequired: false, functionLogicalId: `${method} ${path}`, handlerFile: '/x.mjs', handlerExport: 'handler',
});
const routes = [r('GET', '/items'), r('GET', '/items/{id}'), r('ANY', '/items/{id}'), r('GET', '/items/special'), r('ANY', '/{proxy+}'), r('GET', '/')];
const hit = (m: string, p: string) => {
  const x = matchRoute(routes, m, p);
  return x && { route: x.route.functionLogicalId, params: x.pathParameters };
};

describe('matchRoute', () => {
  it('prefers literal segments, then a method over ANY, then greedy proxies', () => {
    expect(hit('GET', '/items/special')).toEqual({ route: 'GET /items/special', params: null });
    expect(hit('GET', '/items/42')).toEqual({ route: 'GET /items/{id}', params: { id: '42' } });
    expect(hit('PUT', '/items/42')).toEqual({ route: 'ANY /items/{id}', params: { id: '42' } });
    expect(hit('GET', '/items')).toEqual({ route: 'GET /items', params: null });
    expect(hit('POST', '/items')).toEqual({ route: 'ANY /{proxy+}', params: { proxy: 'items' } });
    expect(hit('GET', '/a/b%20c/d')).toEqual({ route: 'ANY /{proxy+}', params: { proxy: 'a/b%20c/d' } });
    expect(hit('GET', '/')).toEqual({ route: 'GET /', params: null });
  });
  it('matches nothing for undefined methods and paths', () => {
    expect(matchRoute([r('GET', '/a')], 'HEAD', '/a')).toBeUndefined();
    expect(matchRoute([r('GET', '/a')], 'OPTIONS', '/a')).toBeUndefined();
    expect(matchRoute([r('GET', '/a')], 'GET', '/a/b')).toBeUndefined();
    expect(matchRoute([r('GET', '/a/{id}')], 'GET', '/a/')).toBeUndefined();
    expect(matchRoute([r('GET', '/{proxy+}')], 'GET', '/')).toBeUndefined();
  });
  it('keeps path parameters percent-encoded but matches literals either way', () => {
    expect(matchRoute([r('GET', '/a b')], 'GET', '/a%20b')?.route.path).toBe('/a b');
    expect(matchRoute([r('GET', '/x/{id}')], 'GET', '/x/a%2Fb')?.pathParameters).toEqual({ id: 'a%2Fb' });
  });
});
