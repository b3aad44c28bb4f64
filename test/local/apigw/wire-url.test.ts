import { describe, expect, it } from 'vitest';
import { parseQuery, percentDecode, queryForSigning, splitTarget } from '../../../src/local/apigw/wire-url.js';

describe('wire-url', () => {
  it('splits path and query at the first ?', () => {
    expect(splitTarget('/a/b?x=1?y')).toEqual({ path: '/a/b', rawQuery: 'x=1?y', hasQuery: true });
    expect(splitTarget('/a')).toEqual({ path: '/a', rawQuery: '', hasQuery: false });
    expect(splitTarget('?x')).toEqual({ path: '/', rawQuery: 'x', hasQuery: true });
  });
  it('decodes form-style without throwing on bad escapes', () => {
    expect(percentDecode('a+b%20c', true)).toBe('a b c');
    expect(percentDecode('a+b', false)).toBe('a+b');
    expect(percentDecode('%E1%88%B4', true)).toBe('ሴ');
    expect(percentDecode('100%', true)).toBe('100%');
    expect(percentDecode('%zz%4', true)).toBe('%zz%4');
    expect(percentDecode('%E1', true)).toBe('\ufffd');
  });
  it('parses repeated keys, ?flag and empty values in order', () => {
    expect(parseQuery('a=1&&a=2&flag&b=&=v&c=x=y')).toEqual([['a', '1'], ['a', '2'], ['flag', ''], ['b', ''], ['', 'v'], ['c', 'x=y']]);
    expect(queryForSigning(parseQuery('a=1&b=2&a=3'))).toEqual({ a: ['1', '3'], b: '2' });
  });
});
