// Our native-BigInt SRP client agrees with the reference implementation
// (amazon-cognito-identity-js's AuthenticationHelper, jsbn) on A and on the
// password-claim key for the same secret a, salt and B — interop checked without
// any server, so a bug shared by our client and the emulator cannot hide.
import { describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
// @ts-expect-error no types for the lib/ entry points
import AuthenticationHelperModule from 'amazon-cognito-identity-js/lib/AuthenticationHelper.js';
// @ts-expect-error no types for the lib/ entry points
import BigIntegerModule from 'amazon-cognito-identity-js/lib/BigInteger.js';
import { passwordClaim, startSrp } from '../../src/auth/srp-client.js';
import { N, g, k, modPow, padHex, computeX } from '../../src/shared/srp-constants.js';

const AuthenticationHelper = AuthenticationHelperModule.default ?? AuthenticationHelperModule;
const BigInteger = BigIntegerModule.default ?? BigIntegerModule;

const POOL_ID = 'us-east-1_TestPool1';
const POOL_NAME = 'TestPool1';

/** A server's side of the exchange, enough to produce B for given v. */
function serverB(saltHex: string, user: string, password: string) {
  const x = computeX(saltHex, POOL_NAME, user, password);
  const v = modPow(g, x, N);
  const b = BigInt('0x' + randomBytes(32).toString('hex'));
  return (k * v + modPow(g, b, N)) % N;
}

function referenceKey(aHex: string, B: bigint, saltHex: string, user: string, password: string): Promise<{ A: string; key: Buffer }> {
  const helper = new AuthenticationHelper(POOL_NAME);
  helper.smallAValue = new BigInteger(aHex, 16);
  helper.largeAValue = undefined;
  return new Promise((resolve, reject) => {
    helper.getLargeAValue((err: Error | null, A: { toString(radix: number): string }) => {
      if (err) return reject(err);
      helper.getPasswordAuthenticationKey(user, password, new BigInteger(B.toString(16), 16), new BigInteger(saltHex, 16),
        (err2: Error | null, key: Buffer) => (err2 ? reject(err2) : resolve({ A: A.toString(16), key })));
    });
  });
}

describe('SRP client vs amazon-cognito-identity-js', () => {
  it.each([1, 2, 3])('same A and same PASSWORD_CLAIM_SIGNATURE (run %i)', async () => {
    const start = startSrp();
    const salt = padHex(BigInt('0x' + randomBytes(16).toString('hex')));
    const user = 'demouser';
    const password = 'demoPASS123';
    const B = serverB(salt, user, password);
    const secretBlock = randomBytes(64).toString('base64');
    const now = new Date(Date.UTC(2026, 0, 8, 19, 43, 42));

    const ours = passwordClaim(start, { SALT: salt, SRP_B: B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: user }, POOL_ID, password, now);
    const ref = await referenceKey(start.a.toString(16), B, salt, user, password);
    expect(ref.A).toBe(start.A.toString(16));
    const refSignature = createHmac('sha256', ref.key)
      .update(Buffer.concat([Buffer.from(POOL_NAME), Buffer.from(user), Buffer.from(secretBlock, 'base64'), Buffer.from(ours.TIMESTAMP)]))
      .digest('base64');
    expect(ours.PASSWORD_CLAIM_SIGNATURE).toBe(refSignature);
    expect(ours.TIMESTAMP).toBe('Thu Jan 8 19:43:42 UTC 2026');
  });

  it('refuses B ≡ 0 (mod N)', () => {
    expect(() => passwordClaim(startSrp(), { SALT: '01', SRP_B: N.toString(16), SECRET_BLOCK: '', USER_ID_FOR_SRP: 'u' }, POOL_ID, 'p', new Date()))
      .toThrow(/invalid SRP_B/);
  });

  it('a is 1024 random bits and A is never 0', () => {
    let calls = 0;
    const s = startSrp((n) => { calls++; return calls === 1 ? Buffer.alloc(n) : Buffer.alloc(n, 7); });
    expect(calls).toBe(2);
    expect(s.A).toBe(modPow(g, s.a, N));
  });
});
