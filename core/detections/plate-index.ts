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

  /**
   * Entries a planned pattern may match (exact when the pattern is `exactByIndex`), or null
   * for none.
   */
  query(plan: IndexQuery): Bitmap | null {
    // Most partitions' index of alternate readings is empty (cameras without candidates).
    if (this.bitmaps.keyCount === 0) return null;
    const parts: Bitmap[] = [];
    for (const keys of plan.and) {
      // A bitmap that exists is not empty (numbers are only ever added); a union may be.
      const bm = keys.length === 1 ? this.bitmaps.get(keys[0]!) : this.bitmaps.union(keys);
      if (bm === undefined || (keys.length > 1 && bm.isEmpty)) return null;
      parts.push(bm);
    }
    const out = intersect(parts);
    if (out === null) return null;
    for (const key of plan.andNot) {
      const short = this.bitmaps.get(key);
      if (short !== undefined) out.andNotInPlace(short);
    }
    return out.isEmpty ? null : out;
  }
}

/**
 * The bitmaps a pattern reads. Its keys are the same in every partition, so a query works
 * them out once rather than for each of its (thirty, for a 30-day query) partitions.
 */
export interface IndexQuery {
  /** Bitmaps to AND, each the union of its keys. */
  readonly and: readonly (readonly number[])[];
  /** Length keys whose entries are removed from the AND (short plates, starred patterns). */
  readonly andNot: readonly number[];
}

export function planIndexQuery(p: CompiledPattern): IndexQuery {
  const and: number[][] = [];
  const segs = p.segments;
  anchored(segs[0]!, START, p.minLength, and);
  if (p.hasStar) anchored([...segs[segs.length - 1]!].reverse(), END, p.minLength, and);
  for (let s = 1; s < segs.length - 1; s++) trigrams(segs[s]!, and);
  if (!p.hasStar) and.push([LEN + p.minLength]);
  else if (and.length === 0) and.push(range(p.minLength, MAX_PLATE_LENGTH + 1).map((l) => LEN + l));
  return { and, andNot: p.hasStar ? shortLengths(p) : [] };
}

/**
 * With a star, a plate shorter than the pattern slips through only where the anchored ends
 * overlap, so it reaches the furthest named position of each end: those few short plates are
 * removed (cheaper than a union of all the long ones).
 */
function shortLengths(p: CompiledPattern): number[] {
  const prefix = p.segments[0]!;
  const suffix = p.segments[p.segments.length - 1]!;
  const reach = Math.max(prefix.findLastIndex((c) => c !== null) + 1, suffix.length - suffix.findIndex((c) => c !== null));
  return range(Math.max(1, reach), p.minLength).map((l) => LEN + l);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * Adds the bigram keys covering every named character of a segment anchored at `base`
 * (positions counted from that end). A run of named characters is covered by bigrams two
 * apart (overlapping once when its length is odd); a character alone pairs with any
 * neighbour the plate is sure to have (`minLength`).
 */
function anchored(seg: readonly CharSet[], base: number, minLength: number, and: number[][]): void {
  let i = 0;
  while (i < seg.length) {
    if (seg[i] === null) {
      i++;
      continue;
    }
    let last = i;
    while (last + 1 < seg.length && seg[last + 1] !== null) last++;
    if (last === i) {
      and.push(i + 1 < minLength ? bigram(base, i, seg[i]!, ANY) : bigram(base, i - 1, ANY, seg[i]!));
    } else {
      for (let s = i; s < last; s += 2) and.push(bigram(base, s, seg[s]!, seg[s + 1]!));
      if ((last - i) % 2 === 0) and.push(bigram(base, last - 1, seg[last - 1]!, seg[last]!));
    }
    i = last + 1;
  }
}

/** Keys of the bigrams (first, second) at `at`. */
function bigram(base: number, at: number, first: readonly number[], second: readonly number[]): number[] {
  const keyBase = base + at * A2;
  const keys: number[] = [];
  for (const a of first) for (const b of second) keys.push(keyBase + a * ALPHABET_SIZE + b);
  return keys;
}

/** Trigram keys of a floating segment, where three positions have one canonical char. */
function trigrams(seg: readonly CharSet[], and: number[][]): void {
  const canon = seg.map((set) => {
    if (set === null) return -1;
    const k = canonicalIndex(set[0]!);
    return set.every((c) => canonicalIndex(c) === k) ? k : -1;
  });
  for (let i = 2; i < canon.length; i++) {
    const [a, b, c] = [canon[i - 2]!, canon[i - 1]!, canon[i]!];
    if (a >= 0 && b >= 0 && c >= 0) and.push([TRI + a * A2 + b * ALPHABET_SIZE + c]);
  }
}
