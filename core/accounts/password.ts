/**
 * Password hashing with scrypt, a memory-hard function (POLICY R1: "stored with a memory-hard
 * hash"). Each hash carries its own salt and cost parameters, so the cost can be raised in
 * configuration and old hashes still verify (and are re-hashed at the next login).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** N = 2^logN. */
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

export interface PasswordHash extends ScryptParams {
  readonly alg: 'scrypt';
  /** Base64 salt, 16 random bytes per user. */
  readonly salt: string;
  /** Base64 derived key. */
  readonly hash: string;
}

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  // scrypt needs 128·N·r bytes; leave headroom above Node's 32 MiB default limit.
  const opts: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + (1 << 20) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return { alg: 'scrypt', logN: params.logN, r: params.r, p: params.p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Constant-time comparison of the derived key, with the parameters stored beside it. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** True when the stored hash is cheaper than the configured cost. */
export function needsRehash(stored: PasswordHash, params: ScryptParams): boolean {
  return stored.logN < params.logN || stored.r < params.r || stored.p < params.p;
}
