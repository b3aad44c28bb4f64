// The administrator key pair: its shape, the check of a saved pair, and the refusals
// of adminSigV4Check for each way a signature can be wrong (signed with @smithy/signature-v4).
import { NodeSha256 as Sha256 } from '../../src/local/apigw/node-sha256.js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, test } from 'vitest';
import { adminSigV4Check, isAdminCredentials, newAdminCredentials } from '../../src/local/admin-credentials.js';
import { verifySigV4 } from '../../src/local/apigw/sigv4-verify.js';
import type { LocalRequest } from '../../src/local/model.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const clock = { now: () => NOW };

async function signed(creds: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1', service = 'cognito-idp', at = NOW): Promise<LocalRequest> {
  const body = '{"UserPoolId":"us-east-1_Abc"}';
  const req = await new SignatureV4({ credentials: creds, region, service, sha256: Sha256 }).sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/', body,
    headers: { host: '127.0.0.1:4000', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
  }), { signingDate: new Date(at) });
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { method: 'POST', url: '/', headers, rawHeaders: Object.entries(req.headers).flat().map(String), body: Buffer.from(body), sourceIp: '127.0.0.1' };
}

describe('administrator credentials', () => {
  test('a new pair looks like an IAM user\'s key; saved pairs are checked', () => {
    const a = newAdminCredentials();
    expect(a.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(a.secretAccessKey).toHaveLength(40);
    expect(isAdminCredentials(a)).toBe(true);
    expect(isAdminCredentials({ accessKeyId: a.accessKeyId })).toBe(false);
    expect(isAdminCredentials(null)).toBe(false);
  });

  test('adminSigV4Check: the issued key in any region passes; everything else gets its refusal', async () => {
    const admin = newAdminCredentials();
    const check = adminSigV4Check([admin], clock, 'us-east-1', verifySigV4);
    expect(await check(await signed(admin), 'cognito-idp')).toEqual({ ok: true });
    expect(await check(await signed(admin, 'eu-west-1'), 'cognito-idp')).toEqual({ ok: true });
    expect(await check(await signed(newAdminCredentials()), 'cognito-idp'))
      .toEqual({ ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(await check(await signed({ ...admin, secretAccessKey: 'x'.repeat(40) }), 'cognito-idp'))
      .toMatchObject({ ok: false, type: 'InvalidSignatureException', message: expect.not.stringContaining('Canonical String') });
    expect(await check(await signed(admin, 'us-east-1', 'cognito-identity'), 'cognito-idp')).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(await check(await signed(admin, 'us-east-1', 'cognito-idp', NOW - 10 * 60_000), 'cognito-idp'))
      .toMatchObject({ ok: false, type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired/) });
    const unsigned = await signed(admin);
    delete unsigned.headers.authorization;
    unsigned.rawHeaders = [];
    expect(await check(unsigned, 'cognito-idp')).toEqual({ ok: false, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});
