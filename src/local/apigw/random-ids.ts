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
