// verifySigV4 on hand-built requests: the checks around the signature itself
// (the suite and the HTTP tests cover the canonicalization).
import { createHash } from 'node:crypto';
import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { MemoryCredentialRegistry, type IssuedCredentials } from '../../../src/local/credentials.js';
import type { LocalRequest } from '../../../src/local/model.js';
import { verifySigV4 } from '../../../src/local/apigw/sigv4-verify.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const AMZ = '20261127T120000Z';
const creds: IssuedCredentials = {
  accessKeyId: 'ASIATESTKEY000000001',
  secretAccessKey: 'secret/abcdefghijklmnopqrstuvwxyz0123456789',
  sessionToken: 'token-abc',
  expiration: NOW + 3_600_000,
  identityId: 'us-east-1:00000000-0000-0000-0000-000000000001',
  identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000002',
  authenticated: true,
  roleLogicalId: 'AuthenticatedRole',
};
const opts = (c: IssuedCredentials = creds, now = NOW) => ({
  service: 'execute-api',
  region: 'us-east-1',
  credentials: new MemoryCredentialRegistry([c]),
  clock: { now: () => now },
});

function toLocal(method: string, path: string, headers: Record<string, string>, body = ''): LocalRequest {
  const rawHeaders = Object.entries(headers).flatMap(([k, v]) => [k, String(v)]);
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v);
  return { method, url: path, headers: lower, rawHeaders, body: Buffer.from(body), sourceIp: '127.0.0.1' };
}

function signed(opt: { path?: string; headers?: Record<string, string>; body?: string; service?: string; c?: Partial<IssuedCredentials> } = {}): LocalRequest {
  const c = { ...creds, ...opt.c };
  const s = aws4.sign(
    {
      host: 'api.local:3000',
      method: opt.body ? 'POST' : 'GET',
      path: opt.path ?? '/prod/x',
      service: opt.service ?? 'execute-api',
      region: 'us-east-1',
      headers: { 'X-Amz-Date': AMZ, ...opt.headers },
      ...(opt.body ? { body: opt.body } : {}),
    },
    c.sessionToken ? c : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  );
  return toLocal(s.method ?? 'GET', s.path ?? '/', s.headers as Record<string, string>, opt.body);
}

describe('verifySigV4', () => {
  it('accepts a correct request and returns the issued credentials', async () => {
    expect(await verifySigV4(signed(), opts())).toEqual({ ok: true, accessKeyId: creds.accessKeyId, credentials: creds });
  });

  it("says 'missing' without an Authorization header", async () => {
    expect(await verifySigV4(toLocal('GET', '/prod/x', { Host: 'h' }), opts())).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('accepts a Date header instead of X-Amz-Date', async () => {
    const s = aws4.sign(
      { host: 'h', path: '/prod/x', service: 'execute-api', region: 'us-east-1', headers: { Date: new Date(NOW).toUTCString() }, doNotModifyHeaders: true },
      creds,
    );
    const req = toLocal('GET', '/prod/x', { ...(s.headers as Record<string, string>), 'X-Amz-Security-Token': creds.sessionToken });
    // aws4 with doNotModifyHeaders signs host;date only; the token rides unsigned.
    expect(await verifySigV4(req, opts())).toMatchObject({ ok: true });
  });

  it('rejects a malformed X-Amz-Date as incomplete', async () => {
    const req = signed();
    req.rawHeaders = req.rawHeaders.map((v) => (v === AMZ ? '2026-11-27T12:00:00Z' : v));
    expect(await verifySigV4(req, opts())).toEqual({
      ok: false,
      reason: 'incomplete',
      message: "Date must be in ISO-8601 'basic format'. Got '2026-11-27T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });

  it('requires host among the signed headers', async () => {
    const req = signed();
    req.rawHeaders = req.rawHeaders.map((v) => v.replace('SignedHeaders=host;', 'SignedHeaders='));
    expect(await verifySigV4(req, opts())).toMatchObject({ ok: false, reason: 'incomplete', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." });
  });

  it('checks the credential scope: date, service, terminator', async () => {
    const withAuth = (f: (a: string) => string) => {
      const req = signed();
      req.rawHeaders = req.rawHeaders.map((v, i) => (req.rawHeaders[i - 1] === 'Authorization' ? f(v) : v));
      return req;
    };
    expect(await verifySigV4(withAuth((a) => a.replace('/20261127/', '/20261126/')), opts())).toMatchObject({
      reason: 'mismatch',
      message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261126' != '20261127', from '20261127T120000Z'.",
    });
    expect(await verifySigV4(signed({ service: 'lambda' }), opts())).toMatchObject({ reason: 'mismatch', message: "Credential should be scoped to correct service: 'execute-api'. " });
    expect(await verifySigV4(withAuth((a) => a.replace('/aws4_request', '/aws5_request')), opts())).toMatchObject({
      reason: 'mismatch',
      message: "Credential should be scoped with a valid terminator: 'aws4_request'. ",
    });
  });

  it('joins repeated signed headers in arrival order with commas', async () => {
    const s = aws4.sign({ host: 'h', path: '/prod/x', service: 'execute-api', region: 'us-east-1', headers: { 'X-Amz-Date': AMZ, 'My-Header': 'b,a' } }, creds);
    const headers = s.headers as Record<string, string>;
    const rawHeaders = Object.entries(headers).flatMap(([k, v]) => (k === 'My-Header' ? [k, ' b ', k, 'a'] : [k, v]));
    const req: LocalRequest = { ...toLocal('GET', '/prod/x', headers), rawHeaders };
    expect(await verifySigV4(req, opts())).toMatchObject({ ok: true });
    const swapped: LocalRequest = { ...req, rawHeaders: Object.entries(headers).flatMap(([k, v]) => (k === 'My-Header' ? [k, 'a', k, 'b'] : [k, v])) };
    expect(await verifySigV4(swapped, opts())).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('hashes the body actually received and ignores a lying x-amz-content-sha256', async () => {
    const req = signed({ body: 'hello' });
    expect(await verifySigV4(req, opts())).toMatchObject({ ok: true });
    expect(await verifySigV4({ ...req, body: Buffer.from('HELLO') }, opts())).toMatchObject({ ok: false, reason: 'mismatch' });
    const helloHash = createHash('sha256').update('hello').digest('hex');
    const withHeader = signed({ body: 'hello', headers: { 'X-Amz-Content-Sha256': helloHash } });
    expect(await verifySigV4(withHeader, opts())).toMatchObject({ ok: true });
    expect(await verifySigV4({ ...withHeader, body: Buffer.from('HELLO') }, opts())).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('checks the signature before the token and the token before the clock (the order of docs/protocols.md)', async () => {
    const expiredCreds = { ...creds, expiration: NOW - 1 };
    const bad = signed({ c: { secretAccessKey: 'wrong' } });
    expect(await verifySigV4(bad, opts(expiredCreds))).toMatchObject({ reason: 'mismatch' });
    expect(await verifySigV4(signed(), opts(expiredCreds, NOW + 3_600_000))).toMatchObject({
      reason: 'expired-token',
      message: 'The security token included in the request is expired',
    });
    expect(await verifySigV4(signed(), opts(creds, NOW + 301_000))).toMatchObject({ reason: 'expired' });
  });

  it('treats an entry with an empty session token as a long-term key (no token needed)', async () => {
    const longTerm = { ...creds, sessionToken: '' };
    expect(await verifySigV4(signed({ c: { sessionToken: '' } }), opts(longTerm))).toMatchObject({ ok: true });
    expect(await verifySigV4(signed({ c: { sessionToken: '' } }), opts(creds))).toMatchObject({
      reason: 'invalid-token',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a foreign algorithm', async () => {
    const req = signed();
    req.rawHeaders = req.rawHeaders.map((v) => v.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'));
    expect(await verifySigV4(req, opts())).toMatchObject({ ok: false, reason: 'incomplete' });
  });
});
