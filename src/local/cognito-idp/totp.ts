// RFC 6238 TOTP as Cognito's software token MFA uses it: HMAC-SHA1, 30 s steps,
// 6 digits, secret shown to the user as base32 (RFC 4648, no padding).
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;

export function base32Encode(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('invalid base32');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret: 32 bytes, as Cognito's SecretCode is (52 base32 characters). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(32));
}

/** RFC 4226 HOTP with dynamic truncation. */
export function hotp(secret: Buffer, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(bin).padStart(6, '0');
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / STEP_SECONDS);
}

export function totpCode(secretBase32: string, nowMs: number): string {
  return hotp(base32Decode(secretBase32), totpStep(nowMs));
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reused: boolean };

/**
 * Accepts the current step and one either side (clock drift). A code whose step is
 * not after `lastStep` was already used (or is older than one that was): refused.
 */
export function checkTotp(secretBase32: string, code: string, nowMs: number, lastStep?: number): TotpCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reused: false };
  const secret = base32Decode(secretBase32);
  const now = totpStep(nowMs);
  for (const step of [now - 1, now, now + 1]) {
    if (hotp(secret, step) !== code) continue;
    if (lastStep !== undefined && step <= lastStep) return { ok: false, reused: true };
    return { ok: true, step };
  }
  return { ok: false, reused: false };
}
