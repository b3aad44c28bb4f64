// SHA-256 / HMAC-SHA256 for @smithy/signature-v4 backed by node:crypto. The SDK's
// default (@aws-crypto/sha256-js) is pure JS and several times slower; the verifier
// runs on every signed request the emulator receives.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** What smithy hands a hash: its SourceData (kept local: @smithy/types is not a direct dependency). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(new Uint8Array(data));
}

/** Matches smithy's Checksum/Hash constructor shape: `new (secret?) → { update, digest, reset }`. */
export class NodeSha256 {
  private readonly secret: Buffer | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }
}
