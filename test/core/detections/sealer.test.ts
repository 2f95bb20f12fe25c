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

  it('opens into a reused buffer, and still refuses a moved or altered value there', () => {
    const s = new Sealer(KEY);
    const a = s.seal(1, 7, Buffer.from('7ABC123 first block'));
    const b = s.seal(1, 8, Buffer.from('8XYZ999 second'));
    const out = Buffer.alloc(64);
    expect(s.openInto(1, 7, a, out).toString()).toBe('7ABC123 first block');
    const view = s.openInto(1, 8, b, out);
    expect(view.toString()).toBe('8XYZ999 second');
    expect(Sealer.plainLength(b)).toBe(view.length);
    expect(codeOf(() => s.openInto(1, 7, b, out))).toBe('PS_ERR_STORAGE');
    const altered = Buffer.from(a);
    altered[altered.length - 1]! ^= 0x80;
    expect(codeOf(() => s.openInto(1, 7, altered, out))).toBe('PS_ERR_STORAGE');
  });
});
