/**
 * The partial-plate index of one partition (DESIGN.md): roaring bitmaps of entry numbers by
 * (position from the start, character), (position from the end, character), plate length,
 * and trigram of the plate's canonical (confusion-folded) form. A query ANDs and ORs them;
 * patterns with at most one `*` are decided by the bitmaps alone, others are confirmed
 * against the stored plate.
 */
import { canonicalCode } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { BitmapArray, intersect, type Bitmap } from './bitmaps.js';
import { ALPHABET_SIZE, charIndex, type CharSet, type CompiledPattern } from './pattern.js';

const POS = 0;
const END = 1000;
const LEN = 2000;
const TRI = 10_000;
const A2 = ALPHABET_SIZE * ALPHABET_SIZE;

function canonicalIndex(i: number): number {
  return charIndex(canonicalCode(i < 10 ? 48 + i : 55 + i));
}

export class PlateIndex {
  readonly bitmaps = new BitmapArray();

  /** Indexes a normalised plate (A–Z, 0–9) under entry number `entry`. */
  add(entry: number, plate: string): void {
    const n = plate.length;
    const bm = this.bitmaps;
    let c1 = -1;
    let c2 = -1;
    for (let i = 0; i < n; i++) {
      const c = charIndex(plate.charCodeAt(i));
      bm.add(POS + i * ALPHABET_SIZE + c, entry);
      bm.add(END + (n - 1 - i) * ALPHABET_SIZE + c, entry);
      const k = charIndex(canonicalCode(plate.charCodeAt(i)));
      if (c2 >= 0) bm.add(TRI + c2 * A2 + c1 * ALPHABET_SIZE + k, entry);
      c2 = c1;
      c1 = k;
    }
    bm.add(LEN + n, entry);
  }

  /** Entries the pattern may match (exact when `pattern.exactByIndex`), or null for none. */
  query(p: CompiledPattern): Bitmap | null {
    this.bitmaps.flush();
    const parts: Bitmap[] = [];
    const segs = p.segments;
    if (!this.anchored(segs[0]!, POS, false, parts)) return null;
    if (p.hasStar && !this.anchored(segs[segs.length - 1]!, END, true, parts)) return null;
    for (let s = 1; s < segs.length - 1; s++) if (!this.trigrams(segs[s]!, parts)) return null;
    if (!p.hasStar) {
      const len = this.bitmaps.get(LEN + p.minLength);
      if (len === undefined) return null;
      parts.push(len);
    } else if (parts.length === 0) {
      const lengths: number[] = [];
      for (let l = p.minLength; l <= MAX_PLATE_LENGTH; l++) lengths.push(LEN + l);
      parts.push(this.bitmaps.union(lengths));
    }
    const out = intersect(parts);
    // With a star, a plate shorter than the pattern slips through only where the anchored
    // ends overlap, so it reaches the furthest named position of each end: remove those few
    // short plates (cheaper than a union of all the long ones).
    if (p.hasStar) {
      const prefix = segs[0]!;
      const suffix = segs[segs.length - 1]!;
      const reach = Math.max(prefix.findLastIndex((c) => c !== null) + 1, suffix.length - suffix.findIndex((c) => c !== null));
      for (let l = Math.max(1, reach); l < p.minLength; l++) {
        const short = this.bitmaps.get(LEN + l);
        if (short !== undefined) out.andNotInPlace(short);
      }
    }
    return out.isEmpty ? null : out;
  }

  /** Adds the bitmaps of a start- or end-anchored segment; false when one is empty. */
  private anchored(seg: readonly CharSet[], base: number, fromEnd: boolean, parts: Bitmap[]): boolean {
    for (let i = 0; i < seg.length; i++) {
      const set = seg[i];
      if (set === null || set === undefined) continue;
      const at = fromEnd ? seg.length - 1 - i : i;
      const keys = set.map((c) => base + at * ALPHABET_SIZE + c);
      const bm = keys.length === 1 ? this.bitmaps.get(keys[0]!) : this.bitmaps.union(keys);
      if (bm === undefined || bm.size === 0) return false;
      parts.push(bm);
    }
    return true;
  }

  /** Trigram bitmaps of a floating segment, where three positions have one canonical char. */
  private trigrams(seg: readonly CharSet[], parts: Bitmap[]): boolean {
    const canon = seg.map((set) => {
      if (set === null) return -1;
      const k = canonicalIndex(set[0]!);
      return set.every((c) => canonicalIndex(c) === k) ? k : -1;
    });
    for (let i = 2; i < canon.length; i++) {
      const [a, b, c] = [canon[i - 2]!, canon[i - 1]!, canon[i]!];
      if (a < 0 || b < 0 || c < 0) continue;
      const bm = this.bitmaps.get(TRI + a * A2 + b * ALPHABET_SIZE + c);
      if (bm === undefined || bm.size === 0) return false;
      parts.push(bm);
    }
    return true;
  }
}
