/**
 * The key store: one random key per detection partition and per evidence hold, each sealed
 * with AES-256-GCM under a key derived from the master key (DESIGN.md, "Storage decisions").
 *
 * Why a flat file of fixed-size slots and not an LMDB database: LMDB is copy-on-write, so a
 * key "deleted" from it survives in free pages, and the master key would still decrypt it.
 * Here each key lives in one 128-byte slot at a fixed offset; destroying a key overwrites its
 * slot in place with random bytes and fsyncs before the partition files are removed, so the
 * sealed key is gone and what remains on disk cannot be decrypted (POLICY R7, MP 462.5
 * "not … forensically recoverable"; NIST SP 800-88 cryptographic erase). On copy-on-write
 * filesystems or flash that remaps writes, the old slot bytes may linger physically: the
 * master key must then be kept off the disk (configuration) so those bytes stay sealed.
 *
 * Slot layout: state(1) nameLen(1) name(62) iv(12) ciphertext(32) tag(16) pad(4).
 * The slot's name is the GCM additional data, so a key cannot be moved to another partition.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrKeyStore } from '../errors.js';

const SLOT = 128;
const NAME_MAX = 62;
const USED = 0xa5;
const OFF_NAME = 2;
const OFF_IV = OFF_NAME + NAME_MAX;
const OFF_CT = OFF_IV + 12;
const OFF_TAG = OFF_CT + 32;
/** Characters of a partition key: lmdb-js needs a string of exactly 32 UTF-8 bytes. */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const KEY_LENGTH = 32;

export const MASTER_KEY_FILE = 'master.key';
const SLOTS_FILE = 'keys.slots';

/** A random 32-character key (192 bits of entropy), as lmdb-js `encryptionKey` wants it. */
export function randomKey(): string {
  const bytes = randomBytes(KEY_LENGTH);
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) key += KEY_ALPHABET[bytes[i]! & 63];
  return key;
}

/**
 * The master key from configuration, or the one generated into `dir` on first open (mode
 * 0600). `onGenerated` is told when a key was generated so the operator learns to move it to
 * a secret store.
 */
export function resolveMasterKey(dir: string, configured: string | undefined, onGenerated: (path: string) => void): string {
  if (configured !== undefined) return configured;
  const path = join(dir, MASTER_KEY_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  onGenerated(path);
  return key;
}

export class KeyStore {
  private readonly fd: number;
  private readonly kek: Buffer;
  /** name → slot index, for live keys. */
  private readonly slots = new Map<string, number>();
  private readonly keys = new Map<string, string>();
  private readonly free: number[] = [];
  private slotCount: number;

  private constructor(fd: number, kek: Buffer) {
    this.fd = fd;
    this.kek = kek;
    this.slotCount = Math.floor(fstatSync(fd).size / SLOT);
  }

  static open(dir: string, masterKey: string): KeyStore {
    const kek = Buffer.from(hkdfSync('sha256', masterKey, 'platesafe/keystore', 'partition keys v1', 32));
    const fd = openSync(join(dir, SLOTS_FILE), existsSync(join(dir, SLOTS_FILE)) ? 'r+' : 'w+', 0o600);
    const store = new KeyStore(fd, kek);
    store.load();
    return store;
  }

  private load(): void {
    const slot = Buffer.alloc(SLOT);
    for (let i = 0; i < this.slotCount; i++) {
      readSync(this.fd, slot, 0, SLOT, i * SLOT);
      if (slot[0] !== USED) {
        this.free.push(i);
        continue;
      }
      const name = slot.toString('latin1', OFF_NAME, OFF_NAME + slot[1]!);
      this.keys.set(name, this.unseal(slot, name));
      this.slots.set(name, i);
    }
  }

  private unseal(slot: Buffer, name: string): string {
    try {
      const d = createDecipheriv('aes-256-gcm', this.kek, slot.subarray(OFF_IV, OFF_CT));
      d.setAAD(Buffer.from(name, 'latin1'));
      d.setAuthTag(slot.subarray(OFF_TAG, OFF_TAG + 16));
      return Buffer.concat([d.update(slot.subarray(OFF_CT, OFF_TAG)), d.final()]).toString('latin1');
    } catch {
      throw new ErrKeyStore(`key store: the master key does not open the key of ${name}`, { name });
    }
  }

  /** Names of every live key (partitions and holds). */
  names(): string[] {
    return [...this.keys.keys()];
  }

  get(name: string): string | undefined {
    return this.keys.get(name);
  }

  /** Creates, seals and durably stores a new random key for `name` (fsync before returning). */
  create(name: string): string {
    if (name.length > NAME_MAX || !/^[\x21-\x7e]+$/.test(name)) throw new ErrKeyStore(`key name ${name} is not storable`);
    if (this.keys.has(name)) throw new ErrKeyStore(`a key for ${name} already exists`, { name });
    const key = randomKey();
    const slot = Buffer.alloc(SLOT);
    slot[0] = USED;
    slot[1] = name.length;
    slot.write(name, OFF_NAME, 'latin1');
    const iv = randomBytes(12);
    iv.copy(slot, OFF_IV);
    const c = createCipheriv('aes-256-gcm', this.kek, iv);
    c.setAAD(Buffer.from(name, 'latin1'));
    Buffer.concat([c.update(key, 'latin1'), c.final()]).copy(slot, OFF_CT);
    c.getAuthTag().copy(slot, OFF_TAG);
    const index = this.free.pop() ?? this.slotCount++;
    this.writeSlot(index, slot);
    this.slots.set(name, index);
    this.keys.set(name, key);
    return key;
  }

  /**
   * Cryptographic erase: overwrites the key's slot in place with random bytes (state byte
   * cleared) and fsyncs, so the sealed key no longer exists in the file (POLICY R7).
   */
  destroy(name: string): boolean {
    const index = this.slots.get(name);
    if (index === undefined) return false;
    const noise = randomBytes(SLOT);
    noise[0] = 0;
    this.writeSlot(index, noise);
    this.slots.delete(name);
    this.keys.delete(name);
    this.free.push(index);
    return true;
  }

  private writeSlot(index: number, bytes: Buffer): void {
    writeSync(this.fd, bytes, 0, SLOT, index * SLOT);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
    this.keys.clear();
  }
}
