import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, checkTotp, hotp, newTotpSecret, totpCode } from '../../../src/local/cognito-idp/totp.js';

// RFC 6238 Appendix B (SHA-1 seed "12345678901234567890"), last six digits.
const SEED = base32Encode(Buffer.from('12345678901234567890'));
const VECTORS: [number, string][] = [
  [59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037'],
];

describe('TOTP', () => {
  it('matches the RFC 6238 test vectors', () => {
    for (const [t, code] of VECTORS) expect(totpCode(SEED, t * 1000)).toBe(code);
  });

  it('matches RFC 4226 HOTP vectors', () => {
    expect(hotp(Buffer.from('12345678901234567890'), 0)).toBe('755224');
    expect(hotp(Buffer.from('12345678901234567890'), 9)).toBe('520489');
  });

  it('round-trips base32 and makes 52-character secrets', () => {
    const data = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    expect(base32Decode(base32Encode(data))).toEqual(data);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{52}$/);
    expect(() => base32Decode('not base32!')).toThrow();
  });

  it('accepts one step of drift either way, no more', () => {
    const t = 1111111111_000;
    expect(checkTotp(SEED, totpCode(SEED, t - 30_000), t)).toMatchObject({ ok: true });
    expect(checkTotp(SEED, totpCode(SEED, t + 30_000), t)).toMatchObject({ ok: true });
    expect(checkTotp(SEED, totpCode(SEED, t - 60_000), t)).toEqual({ ok: false, reused: false });
    expect(checkTotp(SEED, 'abcdef', t)).toEqual({ ok: false, reused: false });
  });

  it('refuses a code whose step is not after the last one used', () => {
    const t = 1234567890_000;
    const first = checkTotp(SEED, totpCode(SEED, t), t);
    expect(first.ok).toBe(true);
    const step = first.ok ? first.step : 0;
    expect(checkTotp(SEED, totpCode(SEED, t), t, step)).toEqual({ ok: false, reused: true });
    expect(checkTotp(SEED, totpCode(SEED, t - 30_000), t, step)).toEqual({ ok: false, reused: true });
    expect(checkTotp(SEED, totpCode(SEED, t + 30_000), t, step)).toMatchObject({ ok: true });
  });
});
