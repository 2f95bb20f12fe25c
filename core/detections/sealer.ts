/**
 * Authenticated encryption of a partition's values under the partition's own random key
 * (POLICY R7: destroying that key in the key store erases the partition cryptographically).
 *
 * Why the partition seals its values itself rather than having LMDB encrypt its pages
 * (lmdb-js `encryptionKey`): an encrypted environment maps and decrypts 16-page chunks on
 * demand, so a read at a random place costs 50–350 µs against 4 µs in a plain one, and a
 * search's first page reads up to a hundred records scattered over 30 partitions. Sealing
 * a block of records at once also costs one AEAD operation per block, not per page.
 *
 * Sealed layout: nonce(12) ciphertext tag(16), AES-256-GCM with a random nonce. The
 * additional data names the value (its database and key), so a sealed value moved to
 * another place fails to open instead of being read as something else.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';
import { ErrStorage } from '../errors.js';

const NONCE = 12;
const TAG = 16;
/** Nonces are drawn from the system's random source this many bytes at a time. */
const POOL = 4096 - (4096 % NONCE);
/** Bytes sealing adds to a value. */
export const SEAL_OVERHEAD = NONCE + TAG;

export class Sealer {
  private readonly key: Buffer;
  private readonly aad = Buffer.alloc(5);
  private readonly pool = Buffer.allocUnsafe(POOL);
  private used = POOL;

  /** `secret` is the partition's random key from the key store. */
  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'platesafe/partition', 'partition values v1', 32));
  }

  private label(kind: number, id: number): Buffer {
    this.aad[0] = kind;
    this.aad.writeUInt32BE(id, 1);
    return this.aad;
  }

  /** Seals `plain` as the value `id` of database `kind`. */
  seal(kind: number, id: number, plain: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(NONCE + plain.length + TAG);
    if (this.used === POOL) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    this.pool.copy(out, 0, this.used, (this.used += NONCE));
    const c = createCipheriv('aes-256-gcm', this.key, out.subarray(0, NONCE));
    c.setAAD(this.label(kind, id));
    const n = c.update(plain).copy(out, NONCE);
    c.final();
    c.getAuthTag().copy(out, NONCE + n);
    return out;
  }

  /** Opens a value sealed by `seal(kind, id, …)`; a changed or misplaced value is a storage error. */
  open(kind: number, id: number, sealed: Uint8Array): Buffer {
    if (sealed.length < SEAL_OVERHEAD) throw new ErrStorage(`sealed value ${kind}:${id} is truncated`);
    const end = sealed.length - TAG;
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, NONCE));
    d.setAAD(this.label(kind, id));
    d.setAuthTag(sealed.subarray(end));
    try {
      const head = d.update(sealed.subarray(NONCE, end));
      d.final();
      return head;
    } catch {
      throw new ErrStorage(`sealed value ${kind}:${id} failed authentication`);
    }
  }
}
