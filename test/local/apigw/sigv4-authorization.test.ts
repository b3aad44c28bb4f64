import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../src/local/apigw/sigv4-authorization.js';

const GOOD = 'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=Host;X-Amz-Date, Signature=abc';

describe('parseAuthorization', () => {
  it('reads the three parameters (header names lower-cased)', () => {
    expect(parseAuthorization(GOOD, true)).toEqual({
      ok: true,
      value: { algorithm: 'AWS4-HMAC-SHA256', credential: 'AKID/20150830/us-east-1/service/aws4_request', signedHeaders: ['host', 'x-amz-date'], signature: 'abc' },
    });
    expect(parseAuthorization(GOOD.replace(/, /g, ','), true).ok).toBe(true);
    // Shapes outside the common one (extra spaces, another order, tab) parse the same way.
    const expected = parseAuthorization(GOOD, true);
    for (const variant of [
      GOOD.replace(/, /g, ' ,  '),
      'AWS4-HMAC-SHA256 Signature=abc,SignedHeaders=Host;X-Amz-Date, Credential=AKID/20150830/us-east-1/service/aws4_request',
      `  ${GOOD.replace(' ', '\t')}  `,
    ]) {
      expect(parseAuthorization(variant, true)).toEqual(expected);
    }
  });
  it('lists every missing parameter, then echoes the header', () => {
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc', true)).toEqual({
      ok: false,
      message: "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc",
    });
    expect(parseAuthorization(GOOD, false)).toEqual({
      ok: false,
      message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${GOOD}`,
    });
    expect(parseAuthorization('Basic dXNlcjpwYXNz=', true).ok).toBe(false);
  });
  it('a word without = (a Bearer token, a space after Credential=) → the hashed message', () => {
    for (const header of ['Bearer abc.def.ghi', 'AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=abc']) {
      const digest = createHash('sha256').update(header).digest('base64');
      expect(parseAuthorization(header, true)).toEqual({
        ok: false,
        message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.`,
      });
    }
  });
});
