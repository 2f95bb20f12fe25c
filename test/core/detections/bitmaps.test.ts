import { describe, expect, it } from 'vitest';
import { BitmapArray } from '../../../core/detections/bitmaps.js';

describe('buffered bitmaps', () => {
  // Drained after every addition, now and then, or never (every read then flushes all).
  it.each([1, 5000, Infinity])('hold every number added, through sorts and partial drains, and when read mid-way (drain every %s)', (every) => {
    const bm = new BitmapArray();
    const keys = 997;
    const total = 2_500_000; // past two sorts of the buffer
    const keyOf = (n: number): number => (n * 7919) % keys;
    for (let n = 0; n < total; n++) {
      bm.add(keyOf(n), n);
      if (n % every === every - 1) bm.drain();
      if (n === 1_700_000) {
        // A read in the middle sees everything added so far, sorted or not.
        expect(bm.get(keyOf(n))!.has(n)).toBe(true);
        let want = 0;
        for (let m = 0; m <= n; m++) if (keyOf(m) === 3) want++;
        expect(bm.get(3)!.size).toBe(want);
      }
    }
    let sum = 0;
    for (let k = 0; k < keys; k++) {
      const b = bm.get(k)!;
      sum += b.size;
      expect(keyOf(b.minimum())).toBe(k);
      expect(b.minimum()).toBeLessThan(keys);
    }
    expect(sum).toBe(total);
    expect(bm.get(keyOf(total - 1))!.maximum()).toBe(total - 1);
  });
});
