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
 * Sealed layout: nonce(24) ciphertext tag(16), XChaCha20-Poly1305 (libsodium) with a random
 * nonce. The additional data names the value (its database and key), so a sealed value moved
 * to another place fails to open instead of being read as something else.
 *
 * Why libsodium rather than node:crypto's AES-256-GCM: a search opens up to a hundred blocks
 * for its first page, and node:crypto builds a cipher object per open (key schedule, IV, AAD,
 * tag and final each cross into C++ and allocate): 8–12 µs for a 1.9 KB block, against about
 * 3 µs for libsodium's one call into a reused buffer. The 24-byte nonce makes random nonces
 * safe however many values a key seals.
 */
import { hkdfSync, randomFillSync } from 'node:crypto';
import sodium from 'sodium-native';
import { ErrStorage } from '../errors.js';

const NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
const TAG = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES;
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
    this.key = Buffer.from(hkdfSync('sha256', secret, 'platesafe/partition', 'partition values v2 xchacha20-poly1305', 32));
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
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out.subarray(NONCE), toBuffer(plain), this.label(kind, id), null, out.subarray(0, NONCE), this.key);
    return out;
  }

  /** Opens a value sealed by `seal(kind, id, …)` into a new buffer; a changed or misplaced value is a storage error. */
  open(kind: number, id: number, sealed: Uint8Array): Buffer {
    return this.openInto(kind, id, sealed, Buffer.allocUnsafe(Math.max(0, sealed.length - SEAL_OVERHEAD)));
  }

  /** Plaintext bytes of a sealed value. */
  static plainLength(sealed: Uint8Array): number {
    return sealed.length - SEAL_OVERHEAD;
  }

  /**
   * Opens a sealed value into the start of `out` (at least `plainLength(sealed)` bytes) and
   * returns that view: no allocation, for the reads a search makes one after another.
   */
  openInto(kind: number, id: number, sealed: Uint8Array, out: Buffer): Buffer {
    if (sealed.length < SEAL_OVERHEAD) throw new ErrStorage(`sealed value ${kind}:${id} is truncated`);
    const s = toBuffer(sealed);
    const plain = out.subarray(0, s.length - SEAL_OVERHEAD);
    try {
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(plain, null, s.subarray(NONCE), this.label(kind, id), s.subarray(0, NONCE), this.key);
    } catch {
      throw new ErrStorage(`sealed value ${kind}:${id} failed authentication`);
    }
    return plain;
  }
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
