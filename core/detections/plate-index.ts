/**
 * The partial-plate index of one partition (DESIGN.md): roaring bitmaps of entry numbers by
 * positional bigram (two adjacent characters at a position counted from the start, and
 * again from the end), plate length, and trigram of the plate's canonical (confusion-folded)
 * form. A query ANDs and ORs them; patterns with at most one `*` are decided by the bitmaps
 * alone, others are confirmed against the stored plate.
 *
 * Bigrams rather than single characters: a witness names runs of characters (`7AB?12`), and
 * a bigram bitmap holds about 1/700 of a partition where a character's holds 1/30, so the
 * ANDs a query costs shrink by that much. A named character standing alone between `?`s is
 * the union of its 36 bigrams with any neighbour.
 */
import { canonicalCode } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { BitmapArray, intersect, type Bitmap } from './bitmaps.js';
import { ALPHABET_SIZE, charIndex, type CharSet, type CompiledPattern } from './pattern.js';

const A2 = ALPHABET_SIZE * ALPHABET_SIZE;
/** Bigram at position i from the start: START + i × A2 + first × 36 + second. */
const START = 0;
/** Bigram at position i from the end, read backwards: END + i × A2 + last × 36 + one before. */
const END = START + (MAX_PLATE_LENGTH - 1) * A2;
const LEN = END + (MAX_PLATE_LENGTH - 1) * A2;
const TRI = LEN + MAX_PLATE_LENGTH + 1;

const ANY: readonly number[] = Array.from({ length: ALPHABET_SIZE }, (_, i) => i);

function canonicalIndex(i: number): number {
  return charIndex(canonicalCode(i < 10 ? 48 + i : 55 + i));
}

export class PlateIndex {
  readonly bitmaps = new BitmapArray();

  /** Indexes a normalised plate (A–Z, 0–9) under entry number `entry`. */
  add(entry: number, plate: string): void {
    const n = plate.length;
    const bm = this.bitmaps;
    let prev = -1;
    let k1 = -1;
    let k2 = -1;
    for (let i = 0; i < n; i++) {
      const code = plate.charCodeAt(i);
      const c = charIndex(code);
      if (prev >= 0) {
        bm.add(START + (i - 1) * A2 + prev * ALPHABET_SIZE + c, entry);
        bm.add(END + (n - 1 - i) * A2 + c * ALPHABET_SIZE + prev, entry);
      }
      const k = charIndex(canonicalCode(code));
      if (k2 >= 0) bm.add(TRI + k2 * A2 + k1 * ALPHABET_SIZE + k, entry);
      prev = c;
      k2 = k1;
      k1 = k;
    }
    bm.add(LEN + n, entry);
  }

  /** Entries the pattern may match (exact when `pattern.exactByIndex`), or null for none. */
  query(p: CompiledPattern): Bitmap | null {
    const parts: Bitmap[] = [];
    const segs = p.segments;
    if (!this.anchored(segs[0]!, START, p.minLength, parts)) return null;
    if (p.hasStar && !this.anchored([...segs[segs.length - 1]!].reverse(), END, p.minLength, parts)) return null;
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
    if (out === null) return null;
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

  /**
   * Adds the bigram bitmaps covering every named character of a segment anchored at `base`
   * (positions counted from that end); false when one is empty. A run of named characters
   * is covered by bigrams two apart (overlapping once when its length is odd); a character
   * alone pairs with any neighbour the plate is sure to have (`minLength`).
   */
  private anchored(seg: readonly CharSet[], base: number, minLength: number, parts: Bitmap[]): boolean {
    let i = 0;
    while (i < seg.length) {
      if (seg[i] === null) {
        i++;
        continue;
      }
      let last = i;
      while (last + 1 < seg.length && seg[last + 1] !== null) last++;
      if (last === i) {
        const ok = i + 1 < minLength ? this.bigram(base, i, seg[i]!, ANY, parts) : this.bigram(base, i - 1, ANY, seg[i]!, parts);
        if (!ok) return false;
      } else {
        for (let s = i; s < last; s += 2) if (!this.bigram(base, s, seg[s]!, seg[s + 1]!, parts)) return false;
        if ((last - i) % 2 === 0 && !this.bigram(base, last - 1, seg[last - 1]!, seg[last]!, parts)) return false;
      }
      i = last + 1;
    }
    return true;
  }

  /** Adds the union of the bigrams (first, second) at `at`; false when it is empty. */
  private bigram(base: number, at: number, first: readonly number[], second: readonly number[], parts: Bitmap[]): boolean {
    const keyBase = base + at * A2;
    let bm: Bitmap | undefined;
    if (first.length === 1 && second.length === 1) {
      // A bitmap that exists is not empty (numbers are only ever added).
      bm = this.bitmaps.get(keyBase + first[0]! * ALPHABET_SIZE + second[0]!);
    } else {
      const keys: number[] = [];
      for (const a of first) for (const b of second) keys.push(keyBase + a * ALPHABET_SIZE + b);
      bm = this.bitmaps.union(keys);
      if (bm.isEmpty) return false;
    }
    if (bm === undefined) return false;
    parts.push(bm);
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
      if (bm === undefined) return false;
      parts.push(bm);
    }
    return true;
  }
}
