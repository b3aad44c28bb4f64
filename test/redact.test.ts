import { describe, expect, it } from 'vitest';
import { Redactor } from '../src/redact.js';

describe('Redactor', () => {
  it('masks registered secrets, longest first', () => {
    const r = new Redactor();
    r.add('abcd', 'abcdefgh', undefined, 'x');
    expect(r.redact('key=abcdefgh and abcd and x')).toBe('key=*** and *** and x');
  });

  it('masks secret-bearing shapes nobody registered', () => {
    const r = new Redactor();
    const auth = 'AWS4-HMAC-SHA256 Credential=ASIAXXX/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=' + 'a1'.repeat(32);
    expect(r.redact(auth)).not.toContain('a1a1a1a1');
    expect(r.redact('x-api-key: supersecretkey123')).toBe('x-api-key: ***');
    expect(r.redact('X-Amz-Security-Token: FwoGZXIvYXdzEJr//////////wEaDH')).toBe('X-Amz-Security-Token: ***');
    expect(r.redact('token eyJraWQiOiJhYmMifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end')).toBe('token *** end');
    expect(r.redact('{"SecretKey":"abc/def+ghi","AccessKeyId":"ASIA1"}')).toBe('{"SecretKey":"***","AccessKeyId":"ASIA1"}');
    expect(r.redact('{"PASSWORD":"hunter22"}')).toBe('{"PASSWORD":"***"}');
  });

  it('masks the password in a URL (a proxy\'s) and a Proxy-Authorization header', () => {
    const r = new Redactor();
    expect(r.redact('via http://alice:s3cret-Pw@proxy.corp:3128 (HTTPS_PROXY)')).toBe('via http://alice:***@proxy.corp:3128 (HTTPS_PROXY)');
    expect(r.redact('HTTPS_PROXY=https://u:p%40ss@10.0.0.1')).toBe('HTTPS_PROXY=https://u:***@10.0.0.1');
    expect(r.redact('Proxy-Authorization: Basic YWxpY2U6czNjcmV0')).toBe('Proxy-Authorization: Basic ***');
    expect(r.redact('http://proxy.corp:3128 and https://example.com/a:b@c')).toBe('http://proxy.corp:3128 and https://example.com/a:b@c');
  });
});
