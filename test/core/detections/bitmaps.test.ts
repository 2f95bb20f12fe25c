import { describe, expect, it } from 'vitest';
import { BitmapArray } from '../../../core/detections/bitmaps.js';

/** More additions than the buffer holds, so a hand-over in slices starts. */
const N = (1 << 18) + 5_000;
const KEYS = 50_000;

function fill(b: BitmapArray): void {
  for (let n = 0; n < N; n++) b.add((n * 7919) % KEYS, n);
}

function total(b: BitmapArray): number {
  let sum = 0;
  for (let k = 0; k < KEYS; k++) sum += b.get(k)?.size ?? 0;
  return sum;
}

describe('BitmapArray', () => {
  it('has every addition once flushed, each under its key', () => {
    const b = new BitmapArray();
    fill(b);
    b.flush();
    expect(total(b)).toBe(N);
    expect(b.get(7919 % KEYS)!.has(1)).toBe(true);
    expect(b.get(0)!.has(KEYS)).toBe(true);
    expect(b.union([0, 7919 % KEYS]).size).toBe(b.get(0)!.size + b.get(7919 % KEYS)!.size);
  });

  it('hands a full buffer over in slices on later turns, without a flush', async () => {
    const b = new BitmapArray();
    fill(b);
    // The full buffer was grouped at once; its keys reach roaring on later turns.
    const before = total(b);
    expect(before).toBeLessThan(N);
    for (let i = 0; i < 10_000 && total(b) < (1 << 18); i++) await new Promise((r) => setImmediate(r));
    expect(total(b)).toBe(1 << 18);
    b.flush();
    expect(total(b)).toBe(N);
  });
});
