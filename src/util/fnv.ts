// 64-bit FNV-1a: a short, stable name for a path (the agent's socket, a code cache
// file). Not a cryptographic hash, on purpose: node:crypto costs a `call` ~5 ms to
// load, and nothing here needs more than telling paths apart.
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** FNV-1a (64-bit) of the text's UTF-8 bytes, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(text, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(b)) * FNV_PRIME);
  return h.toString(16).padStart(16, '0');
}
