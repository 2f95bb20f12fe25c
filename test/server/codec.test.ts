import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/codec.js';

describe('frame decoding', () => {
  it('keeps binary fields intact after the frame memory is reused (uWS reuses it once the callback returns)', () => {
    const crop = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 251));
    const bytes = new Packr({ useRecords: false }).pack({ t: 'read', seq: 1, ts: 5, plate: 'ABC123', crop: { fmt: 'gray8', w: 20, h: 15, data: crop } });
    const memory = new ArrayBuffer(bytes.length);
    new Uint8Array(memory).set(bytes);
    const frame = decodeFrame(memory, true) as { plate: string; crop: { data: Buffer } };
    new Uint8Array(memory).fill(0xee);
    expect(frame.plate).toBe('ABC123');
    expect(Buffer.isBuffer(frame.crop.data)).toBe(true);
    expect(frame.crop.data.equals(crop)).toBe(true);
  });

  it('refuses a malformed frame with PS_ERR_BAD_INPUT', () => {
    const memory = new Uint8Array([0xc1, 0x00]).buffer;
    expect(() => decodeFrame(memory, true)).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
  });
});
