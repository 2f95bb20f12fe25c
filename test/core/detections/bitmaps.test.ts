import { describe, expect, it } from 'vitest';
import { BitmapArray, FREEZE_SLICE, intersect, RoaringBitmap32 } from '../../../core/detections/bitmaps.js';

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

  it('intersects into a new bitmap, or null when nothing is common to all, never changing its inputs', () => {
    const a = new RoaringBitmap32([1, 5, 9, 70_000, 140_000]);
    const b = new RoaringBitmap32([5, 9, 70_000, 200_000]);
    const c = new RoaringBitmap32([9, 70_000, 3]);
    expect(intersect([a, b, c])!.toArray()).toEqual([9, 70_000]);
    expect(intersect([a])!.toArray()).toEqual(a.toArray());
    expect(intersect([a, b, new RoaringBitmap32([2, 4])])).toBeNull();
    // Pairs with the first part all meet, yet the three share nothing.
    expect(intersect([a, new RoaringBitmap32([1, 5]), new RoaringBitmap32([9])])).toBeNull();
    // Listed largest first: the smallest two are ANDed first, the result is the same.
    expect(intersect([a, b, new RoaringBitmap32([70_000, 9])])!.toArray()).toEqual([9, 70_000]);
    expect(a.toArray()).toEqual([1, 5, 9, 70_000, 140_000]);
    expect(b.toArray()).toEqual([5, 9, 70_000, 200_000]);
    expect(() => intersect([])).toThrow(RangeError);
  });

  it('unite the bitmaps of the keys present, without copying a lone one or changing any', () => {
    const bm = new BitmapArray();
    bm.add(1, 10);
    bm.add(1, 70_000);
    bm.add(4, 11);
    bm.add(4, 10);
    expect(bm.union([0, 2, 3]).isEmpty).toBe(true);
    expect(bm.union([1, 7])).toBe(bm.get(1));
    expect(bm.union([1, 4]).toArray()).toEqual([10, 11, 70_000]);
    expect(bm.get(1)!.toArray()).toEqual([10, 70_000]);
    expect(bm.get(4)!.toArray()).toEqual([10, 11]);
  });

  it('freeze a slice at a time into read-only views that keep every number, and thaw on a late write', () => {
    const bm = new BitmapArray();
    const keys = FREEZE_SLICE + 37;
    for (let n = 0; n < 200_000; n++) bm.add(n % keys, n);
    const before = bm.get(5)!.toArray();
    let k = 0;
    let slices = 0;
    while (k < bm.keyCount) {
      k = bm.freezeSome(k);
      slices++;
    }
    expect(slices).toBe(2);
    const frozen = bm.get(5)!;
    expect(frozen.isFrozen).toBe(true);
    expect(frozen.toArray()).toEqual(before);
    expect(bm.get(keys - 1)!.isFrozen).toBe(true);
    expect(() => frozen.add(1)).toThrow();
    // A frozen bitmap serialises like any other (the partition's index snapshot).
    const copy = new BitmapArray();
    copy.load(bm.serialize());
    expect(copy.get(5)!.toArray()).toEqual(before);
    // A late write thaws the bitmap it touches, and only that one.
    bm.add(5, 300_000);
    bm.drain();
    const thawed = bm.get(5)!;
    expect(thawed.isFrozen).toBe(false);
    expect(thawed.toArray()).toEqual([...before, 300_000]);
    expect(bm.get(6)!.isFrozen).toBe(true);
    expect(bm.freezeSome(0)).toBe(FREEZE_SLICE);
    expect(bm.get(5)!.isFrozen).toBe(true);
    expect(bm.get(5)!.has(300_000)).toBe(true);
  });

  it('keeps views of frozen bitmaps only as searches ask for them, and lets the oldest go past a bound', () => {
    const keys = (1 << 16) + 10;
    const bm = new BitmapArray();
    for (let k = 0; k < keys; k++) bm.add(k, k * 3);
    for (let k = 0; k < bm.keyCount; k = bm.freezeSome(k));
    const first = bm.get(0)!;
    expect(first.isFrozen).toBe(true);
    expect(bm.get(0)).toBe(first);
    for (let k = 1; k < keys; k++) expect(bm.get(k)!.has(k * 3)).toBe(true);
    // Over the bound the oldest view was let go: the next search makes another over the same bytes.
    const again = bm.get(0)!;
    expect(again).not.toBe(first);
    expect(again.toArray()).toEqual([0]);
    bm.dispose();
    expect(bm.get(keys - 1)!.toArray()).toEqual([(keys - 1) * 3]);
  });
});
