import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { N, g, k, modPow, computeU, computeX, deriveKey, cognitoTimestamp, claimSignature } from '../../../src/shared/srp-constants.js';
import {
  fakeSalt, makeVerifier, parseA, passwordMatches, serverEphemeral, serverKey, signatureMatches,
} from '../../../src/local/cognito-idp/srp-server.js';

describe('SRP server', () => {
  it('derives the same key as a client that knows the password', () => {
    const v = makeVerifier('Pool1', 'demouser', 'demoPASS123');
    const a = BigInt('0x' + randomBytes(128).toString('hex'));
    const A = modPow(g, a, N);
    const { b, B } = serverEphemeral(BigInt('0x' + v.verifier), A);
    const u = computeU(A, B);
    const x = computeX(v.salt, 'Pool1', 'demouser', 'demoPASS123');
    const clientS = modPow((B - ((k * modPow(g, x, N)) % N) + N) % N, a + u * x, N);
    const clientKey = deriveKey(clientS, u);
    const key = serverKey(A, B, b, BigInt('0x' + v.verifier));
    expect(key.equals(clientKey)).toBe(true);
    const ts = cognitoTimestamp(new Date());
    const block = randomBytes(64).toString('base64');
    const sig = claimSignature(clientKey, 'Pool1', 'demouser', block, ts);
    expect(signatureMatches(key, 'Pool1', 'demouser', block, ts, sig)).toBe(true);
    expect(signatureMatches(key, 'Pool1', 'demouser', block, ts + ' ', sig)).toBe(false);
    expect(signatureMatches(key, 'Pool1', 'demouser', block, ts, 'AAAA')).toBe(false);
  });

  it('stores a salt whose hex reads back as the same number (client parses it as one)', () => {
    for (let i = 0; i < 50; i++) {
      const { salt } = makeVerifier('Pool1', 'u', 'p');
      expect(salt.length % 2).toBe(0);
      const reparsed = BigInt('0x' + salt).toString(16);
      expect(salt.replace(/^0+/, '')).toBe(reparsed);
    }
  });

  it('checks a plain password against the verifier', () => {
    const v = makeVerifier('Pool1', 'demouser', 'demoPASS123');
    expect(passwordMatches(v, 'Pool1', 'demouser', 'demoPASS123')).toBe(true);
    expect(passwordMatches(v, 'Pool1', 'demouser', 'demoPASS124')).toBe(false);
    expect(passwordMatches(v, 'Pool2', 'demouser', 'demoPASS123')).toBe(false);
  });

  it('rejects A ≡ 0 mod N and non-hex A', () => {
    expect(parseA('0')).toBeUndefined();
    expect(parseA(N.toString(16))).toBeUndefined();
    expect(parseA((3n * N).toString(16))).toBeUndefined();
    expect(parseA('xyz')).toBeUndefined();
    expect(parseA('')).toBeUndefined();
    expect(parseA('02')).toBe(2n);
  });

  it('gives a stable fake salt per name and key', () => {
    const key = randomBytes(32).toString('hex');
    expect(fakeSalt(key, 'ghost')).toBe(fakeSalt(key, 'ghost'));
    expect(fakeSalt(key, 'ghost')).not.toBe(fakeSalt(key, 'ghost2'));
    expect(fakeSalt(randomBytes(32).toString('hex'), 'ghost')).not.toBe(fakeSalt(key, 'ghost'));
  });
});
