import { describe, expect, it } from 'vitest';
import { SEAL_OVERHEAD, Sealer } from '../../../core/detections/sealer.js';
import { codeOf } from './support.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz012345';

describe('partition value sealing (POLICY R7)', () => {
  it('opens what it sealed, and never leaves the plaintext in the sealed bytes', () => {
    const s = new Sealer(KEY);
    const plain = Buffer.from('7MARKER1 and more text 7MARKER1');
    const sealed = s.seal(1, 42, plain);
    expect(sealed.length).toBe(plain.length + SEAL_OVERHEAD);
    expect(sealed.includes(Buffer.from('MARKER'))).toBe(false);
    expect(s.open(1, 42, sealed)).toEqual(plain);
    // A fresh nonce each time: the same value never seals to the same bytes.
    expect(s.seal(1, 42, plain).equals(sealed)).toBe(false);
  });

  it('refuses a changed value, one moved to another key or kind, and another partition key', () => {
    const s = new Sealer(KEY);
    const sealed = s.seal(1, 42, Buffer.from('7ABC123'));
    const flipped = Buffer.from(sealed);
    flipped[14]! ^= 1;
    expect(codeOf(() => s.open(1, 42, flipped))).toBe('PS_ERR_STORAGE');
    expect(codeOf(() => s.open(1, 43, sealed))).toBe('PS_ERR_STORAGE');
    expect(codeOf(() => s.open(2, 42, sealed))).toBe('PS_ERR_STORAGE');
    expect(codeOf(() => new Sealer('bcdefghijklmnopqrstuvwxyz0123456').open(1, 42, sealed))).toBe('PS_ERR_STORAGE');
    expect(codeOf(() => s.open(1, 42, sealed.subarray(0, 10)))).toBe('PS_ERR_STORAGE');
  });
});
