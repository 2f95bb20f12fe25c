import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore, resolveMasterKey } from '../../../core/detections/keystore.js';
import { cleanUpAfterEach, tempDir } from './support.js';

cleanUpAfterEach();

describe('key store', () => {
  it('creates 32-byte string keys that survive reopening', () => {
    const t = tempDir();
    const ks = KeyStore.open(t.dir, 'master-one-0123456789abcdefghijkl');
    const a = ks.create('part:1');
    const b = ks.create('part:2');
    expect(Buffer.byteLength(a, 'utf8')).toBe(32);
    expect(a).not.toBe(b);
    ks.close();
    const again = KeyStore.open(t.dir, 'master-one-0123456789abcdefghijkl');
    expect(again.get('part:1')).toBe(a);
    expect(again.names().sort()).toEqual(['part:1', 'part:2']);
    again.close();
  });

  it('refuses a wrong master key', () => {
    const t = tempDir();
    KeyStore.open(t.dir, 'master-one-0123456789abcdefghijkl').create('part:1');
    expect(() => KeyStore.open(t.dir, 'master-two-0123456789abcdefghijkl')).toThrow(expect.objectContaining({ code: 'PS_ERR_KEY_STORE' }));
  });

  it('overwrites a destroyed key in place so its sealed bytes are gone', () => {
    const t = tempDir();
    const ks = KeyStore.open(t.dir, 'master-one-0123456789abcdefghijkl');
    ks.create('part:1');
    ks.create('part:2');
    const file = join(t.dir, 'keys.slots');
    const before = readFileSync(file);
    const sealed = before.subarray(64, 124); // iv, ciphertext and tag of slot 0
    expect(before.includes(sealed)).toBe(true);
    ks.destroy('part:1');
    const after = readFileSync(file);
    expect(after.length).toBe(before.length);
    expect(after.includes(sealed)).toBe(false);
    expect(after.includes(Buffer.from('part:1'))).toBe(false);
    expect(after.subarray(128)).toEqual(before.subarray(128));
    ks.close();
    const again = KeyStore.open(t.dir, 'master-one-0123456789abcdefghijkl');
    expect(again.get('part:1')).toBeUndefined();
    expect(again.names()).toEqual(['part:2']);
    again.close();
  });

  it('generates a master key file readable only by its owner when none is configured', () => {
    const t = tempDir();
    const told: string[] = [];
    const key = resolveMasterKey(t.dir, undefined, (p) => told.push(p));
    expect(told).toHaveLength(1);
    expect(statSync(told[0]!).mode & 0o777).toBe(0o600);
    expect(resolveMasterKey(t.dir, undefined, (p) => told.push(p))).toBe(key);
    expect(told).toHaveLength(1);
    expect(resolveMasterKey(t.dir, 'configured-master-key-0123456789ab', () => {})).toBe('configured-master-key-0123456789ab');
  });
});
