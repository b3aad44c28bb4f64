import { describe, expect, it } from 'vitest';
import { encodePath, formatQuery, parseQueryOption, parseQueryText, resolveTarget, targetUrl } from '../../src/http/target.js';

const API = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod';

describe('resolveTarget', () => {
  it('puts routes and paths under the stage', () => {
    expect(targetUrl(resolveTarget(API, 'no-auth'))).toBe(`${API}/no-auth`);
    expect(targetUrl(resolveTarget(API, '/items/1'))).toBe(`${API}/items/1`);
    expect(targetUrl(resolveTarget(`${API}/`, 'require-auth'))).toBe(`${API}/require-auth`);
  });

  it('accepts a full URL under the API and refuses any other origin or stage', () => {
    expect(resolveTarget(API, `${API}/no-auth?a=1`)).toMatchObject({ path: '/prod/no-auth', query: [['a', '1']] });
    expect(() => resolveTarget(API, 'https://evil.example.com/prod/no-auth')).toThrow(/not under the profile's API URL/);
    expect(() => resolveTarget(API, 'https://abc123.execute-api.us-east-1.amazonaws.com/production/x')).toThrow(/not under/);
    expect(() => resolveTarget(API, 'http://abc123.execute-api.us-east-1.amazonaws.com/prod/x')).toThrow(/not under/);
    expect(() => resolveTarget(API, '')).toThrow(/empty/);
  });

  it('keeps %XX escapes the user typed, encodes everything else (lone %, +, space, unicode, reserved)', () => {
    expect(encodePath('/a%20b/c d')).toBe('/a%20b/c%20d');
    expect(encodePath('/100%/x+y=z')).toBe('/100%25/x%2By%3Dz');
    expect(encodePath('/caf\u00e9/\u{1F600}')).toBe('/caf%C3%A9/%F0%9F%98%80');
    expect(encodePath("/a:b@c,d*e!f'(g)")).toBe('/a%3Ab%40c%2Cd%2Ae%21f%27%28g%29');
    expect(encodePath('/a//b/./c/../d/')).toBe('/a/b/d/');
    expect(encodePath('/')).toBe('/');
    expect(encodePath('/x%2Fy')).toBe('/x%2Fy');
  });

  it('reads the target query with form rules and --query literally', () => {
    expect(parseQueryText('q=a+b&r=%2B&s=100%&flag&e=&k=1&k=2')).toEqual([
      ['q', 'a b'], ['r', '+'], ['s', '100%'], ['flag', ''], ['e', ''], ['k', '1'], ['k', '2'],
    ]);
    expect(parseQueryOption('q=a+b=c')).toEqual(['q', 'a+b=c']);
    expect(parseQueryOption('flag')).toEqual(['flag', '']);
    expect(() => parseQueryOption('=x')).toThrow(/key is empty/);
    expect(formatQuery([['a b', 'c+d'], ['p', '100%'], ['u', '\u00e9'], ['e', ''], ['star', "*!'()"]])).toBe(
      'a%20b=c%2Bd&p=100%25&u=%C3%A9&e=&star=%2A%21%27%28%29',
    );
  });

  it('appends --query pairs after the ones in the path', () => {
    const t = resolveTarget(API, '/s?a=1', [['b', '2'], ['a', '3']]);
    expect(targetUrl(t)).toBe(`${API}/s?a=1&b=2&a=3`);
  });
});
