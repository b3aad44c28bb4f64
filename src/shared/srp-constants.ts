// SRP-6a parameters and helpers exactly as Cognito uses them (see docs/protocols.md,
// "SRP, as Cognito does it"). Shared by the CLI's SRP client and the emulator's
// SRP server so that both sides agree on every padding rule; it imports nothing
// heavy, so the CLI pays nothing for it at start-up.
import { createHash, createHmac } from 'node:crypto';

/** RFC 3526 3072-bit MODP prime. */
export const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt('0x' + N_HEX);
export const g = 2n;

/** Hex of a non-negative bigint, lower case, no prefix. */
export function toHex(n: bigint): string {
  return n.toString(16);
}

/**
 * Cognito's padHex: even length, and a leading "00" when the first digit is 8–f
 * so the value never reads as negative in two's complement.
 */
export function padHex(value: bigint | string): string {
  let hex = typeof value === 'bigint' ? value.toString(16) : value.toLowerCase();
  if (hex.length % 2 === 1) hex = '0' + hex;
  else if ('89abcdef'.includes(hex[0]!)) hex = '00' + hex;
  return hex;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** H over the bytes of a hex string, as a bigint. */
export function hashHex(hex: string): bigint {
  return BigInt('0x' + sha256Hex(Buffer.from(hex, 'hex')));
}

/** k = H(padHex(N) ‖ padHex(g)) */
export const k = hashHex(padHex(N) + padHex(g));

/** Modular exponentiation with native BigInt (square-and-multiply). */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    e >>= 1n;
    b = (b * b) % mod;
  }
  return result;
}

/** u = H(padHex(A) ‖ padHex(B)) */
export function computeU(A: bigint, B: bigint): bigint {
  return hashHex(padHex(A) + padHex(B));
}

/** x = H(padHex(salt) ‖ hex(H(poolName ‖ userIdForSrp ‖ ":" ‖ password))) */
export function computeX(saltHex: string, poolName: string, userIdForSrp: string, password: string): bigint {
  const inner = sha256Hex(`${poolName}${userIdForSrp}:${password}`);
  return hashHex(padHex(saltHex) + inner);
}

/** The 16-byte key: HKDF-like HMAC pair over padHex(S) keyed by padHex(u). */
export function deriveKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
  const info = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);
  return createHmac('sha256', prk).update(info).digest().subarray(0, 16);
}

/** PASSWORD_CLAIM_SIGNATURE = base64 HMAC(key, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp). */
export function claimSignature(key: Buffer, poolName: string, userIdForSrp: string, secretBlockB64: string, timestamp: string): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([
      Buffer.from(poolName, 'utf8'),
      Buffer.from(userIdForSrp, 'utf8'),
      Buffer.from(secretBlockB64, 'base64'),
      Buffer.from(timestamp, 'utf8'),
    ]))
    .digest('base64');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cognito's TIMESTAMP: `EEE MMM d HH:mm:ss UTC yyyy`, English, day not zero-padded. */
export function cognitoTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Parses a Cognito TIMESTAMP; undefined when it is not in that exact format. */
export function parseCognitoTimestamp(text: string): Date | undefined {
  const m = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[7]), MONTHS.indexOf(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (d.getUTCDate() !== Number(m[3]) || DAYS[d.getUTCDay()] !== m[1]) return undefined;
  return d;
}

/** SECRET_HASH = base64 HMAC-SHA256(key = client secret, username ‖ clientId). */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}
