import { describe, expect, it } from 'vitest';
import { readProxyResult } from '../../../src/local/apigw/lambda-proxy.js';

describe('readProxyResult', () => {
  it('accepts the five documented keys only', () => {
    expect(readProxyResult({ statusCode: 200, headers: { a: 1, b: true }, multiValueHeaders: { c: ['x', 2] }, body: 'ok', isBase64Encoded: false })).toEqual({
      status: 200,
      headers: { a: '1', b: 'true', c: ['x', '2'] },
      body: 'ok',
    });
    expect(readProxyResult({ statusCode: 200, body: 'ok', extra: 1 })).toBeUndefined();
  });
  it('rejects non-objects, bad status codes and bad header shapes', () => {
    for (const bad of [undefined, null, 'x', 42, [], { statusCode: '20x' }, { statusCode: 99 }, { statusCode: 600 }, { statusCode: 1.5 }, { headers: { a: {} } }, { headers: [] }, { multiValueHeaders: { a: 'x' } }, { body: 1 }, { isBase64Encoded: 'yes' }]) {
      expect(readProxyResult(bad)).toBeUndefined();
    }
  });
  it('lets multiValueHeaders replace a header of the same name (any case)', () => {
    expect(readProxyResult({ headers: { 'Set-Cookie': 'a=0' }, multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] } })?.headers).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });
  it('decodes base64 bodies', () => {
    expect(readProxyResult({ body: Buffer.from([1, 2, 255]).toString('base64'), isBase64Encoded: true })?.body).toEqual(Buffer.from([1, 2, 255]));
  });
});
