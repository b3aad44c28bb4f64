// Random request ids without a syscall per request: crypto.randomBytes on tiny sizes
// showed up as ~14% of the emulator's CPU under load. Bytes come from one pooled
// buffer refilled by randomFillSync when spent. Not secrets — ids only.
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `n` fresh random bytes, encoded; each byte of the pool is used once. */
export function randomIdString(n: number, encoding: 'hex' | 'base64'): string {
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.toString(encoding, offset, offset + n);
  offset += n;
  return out;
}

// UUID-format ids (x-amzn-RequestId, the Lambda awsRequestId) must be unique, not
// unpredictable: 72 random bits shared by a run of 65,536 ids, then a counter in the
// last group. Cheaper than randomUUID per request; still version-4 shaped.
let uuidPrefix = '';
let uuidCounter = 0;
let uuidRunEnd = 0;

/** `xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx` (Y one of 8, 9, a, b), unique in this process. */
export function requestUuid(): string {
  if (uuidCounter === uuidRunEnd) {
    const h = randomIdString(10, 'hex');
    const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
    uuidPrefix = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${variant}${h.slice(17, 20)}-`;
    uuidRunEnd = uuidCounter + 0x10000;
  }
  const n = uuidCounter++;
  return uuidPrefix + n.toString(16).padStart(12, '0');
}
