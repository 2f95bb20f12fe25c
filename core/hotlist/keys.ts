/**
 * Index keys over canonical plates. A plate's canonical form folds every OCR confusion class
 * to one character (core/plates/confusion.ts), so confusable misreads cost no index work;
 * the remaining edits (unrelated substitutions, dropped or doubled characters) are reached
 * through deletion neighbourhoods (SymSpell): two canonical strings within Levenshtein
 * distance k share a string obtained from each by at most k deletions.
 */
import { canonicalCode, EDIT_COST, MIN_STRUCTURAL_COST } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';

/** Deepest neighbourhood any list may ask for: maxDistance is capped at 2. */
export const MAX_DEPTH = 3;

/** Structural edits a list's distance can pay for; the epsilon absorbs 1.2 / 0.6 = 1.999…. */
export function depthFor(maxDistance: number): number {
  return Math.min(MAX_DEPTH, Math.floor(maxDistance / MIN_STRUCTURAL_COST + 1e-9));
}

/**
 * Deletion masks by plate length and depth: MASKS[len][d] lists every bit set of `d`
 * deleted positions. At least one character always remains, so an empty core never pairs
 * unrelated short plates.
 */
const MASKS: Uint16Array[][] = [];
for (let len = 0; len <= MAX_PLATE_LENGTH; len++) {
  const byDepth: number[][] = [];
  for (let d = 0; d <= MAX_DEPTH; d++) byDepth.push([]);
  for (let m = 0; m < 1 << len; m++) {
    const bits = popcount(m);
    if (bits <= MAX_DEPTH && bits < Math.max(len, 1)) byDepth[bits]!.push(m);
  }
  MASKS.push(byDepth.map((a) => Uint16Array.from(a)));
}

/** The deleted positions of each mask of MASKS[len][d], ascending, `d` per mask. */
const MASK_POSITIONS: Uint8Array[][] = MASKS.map((byDepth) =>
  byDepth.map((masks, d) => {
    const out = new Uint8Array(masks.length * d);
    masks.forEach((m, k) => {
      for (let i = 0, n = 0; n < d; i++) if ((m >>> i) & 1) out[k * d + n++] = i;
    });
    return out;
  }),
);

function popcount(m: number): number {
  let n = 0;
  for (let x = m; x !== 0; x &= x - 1) n++;
  return n;
}

/** Number of deletion variants of a plate of `len` characters up to `depth` (before dedupe). */
export function variantCount(len: number, depth: number): number {
  let n = 0;
  const masks = MASKS[len]!;
  for (let d = 0; d <= depth; d++) n += masks[d]!.length;
  return n;
}

/** murmur3 finaliser: spreads FNV's weak low bits so `hash & mask` picks slots evenly. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0 || 1; // 0 marks an empty slot
}

/**
 * Deletion variants are hashed by simple tabulation: the XOR of a random word per (position
 * in the variant, character), and one per variant length. A character keeps its word until a
 * deletion before it shifts it left, so with prefix XORs of the plate under each shift a
 * variant's hash is a few XORs, whatever its length: the 29 variants of a 7-character read
 * at depth 2 cost little more than reading the plate. The table is fixed (seeded): stored
 * indexes depend on it.
 */
const CODES = 128;
const TABLE = new Uint32Array(MAX_PLATE_LENGTH * CODES + MAX_PLATE_LENGTH + 1);
for (let i = 0, x = 0x9e3779b9; i < TABLE.length; i++) {
  // splitmix32
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  TABLE[i] = (z ^ (z >>> 16)) >>> 0;
}
const LENGTH_WORDS = MAX_PLATE_LENGTH * CODES;
const W = MAX_PLATE_LENGTH + 1;
/** prefix[t * W + p]: XOR of the words of characters 0..p-1, each shifted left by t positions. */
const prefix = new Uint32Array((MAX_DEPTH + 1) * W);

/**
 * Hash of three canonical characters read at `start` (partial-pattern trigram key), tagged
 * with where the trigram must sit: `gramTag(length, offset)`.
 */
export function hashGram(canon: Uint8Array, start: number, tag: number): number {
  let h = Math.imul(0x811c9dc5 ^ 0x47, 0x01000193) ^ tag; // 'G' keeps gram keys apart from shape keys
  for (let i = start; i < start + 3; i++) h = Math.imul(h ^ canon[i]!, 0x01000193);
  return fmix(h);
}

/**
 * Where a pattern's trigram sits: at a fixed offset of a fixed-length plate, at a fixed
 * offset of a plate of any length (`*` after it), or anywhere (`*` before it: -1, -1).
 */
export function gramTag(length: number, offset: number): number {
  return ((length + 1) << 8) | (offset + 1);
}

/** Hash of a shape key: plate length, known positions (bit mask) and their canonical characters. */
export function hashShape(len: number, mask: number, chars: Uint8Array): number {
  let h = Math.imul(0x811c9dc5 ^ 0x53, 0x01000193) ^ ((len << 16) | mask); // 'S'
  for (let i = 0; i < chars.length; i++) h = Math.imul(h ^ chars[i]!, 0x01000193);
  return fmix(h);
}

/** The same hash over the read's canonical characters at the shape's positions. */
export function hashReadShape(canon: Uint8Array, len: number, mask: number): number {
  let h = Math.imul(0x811c9dc5 ^ 0x53, 0x01000193) ^ ((len << 16) | mask);
  for (let i = 0, m = mask; m !== 0; i++, m >>>= 1) if (m & 1) h = Math.imul(h ^ canon[i]!, 0x01000193);
  return fmix(h);
}

/** Writes the canonical codes of the ASCII bytes `src[off..off+len)` into `out`. */
export function canonicalInto(src: Uint8Array, off: number, len: number, out: Uint8Array): void {
  for (let i = 0; i < len; i++) out[i] = canonicalCode(src[off + i]!);
}

/**
 * Writes the deletion-variant hashes of a canonical plate to `out` (depth 0 first) and the
 * end offset of each depth to `depthEnd`; returns how many were written. With `distinct`,
 * a variant reached twice is written once (the index side; a read only probes it twice).
 */
export function deletionHashes(
  canon: Uint8Array,
  len: number,
  depth: number,
  out: Uint32Array,
  depthEnd: Uint32Array,
  distinct: boolean,
): number {
  for (let t = 0; t <= depth; t++) {
    let x = 0;
    prefix[t * W] = 0;
    for (let p = 0; p < len; p++) {
      if (p >= t) x ^= TABLE[(p - t) * CODES + (canon[p]! & (CODES - 1))]!;
      prefix[t * W + p + 1] = x;
    }
  }
  let n = 0;
  for (let d = 0; d <= MAX_DEPTH; d++) {
    if (d <= depth) {
      const positions = MASK_POSITIONS[len]![d]!;
      const count = MASKS[len]![d]!.length;
      const lengthWord = TABLE[LENGTH_WORDS + len - d]!;
      for (let k = 0; k < count; k++) {
        // Characters between the t-th and (t+1)-th deletion sit t positions left.
        let h = lengthWord;
        let from = 0;
        for (let t = 0; t < d; t++) {
          const at = positions[k * d + t]!;
          h ^= prefix[t * W + at]! ^ prefix[t * W + from]!;
          from = at + 1;
        }
        h = (h ^ prefix[d * W + len]! ^ prefix[d * W + from]!) >>> 0 || 1; // 0 marks an empty slot
        if (!distinct || !seenBefore(out, n, h)) out[n++] = h;
      }
    }
    depthEnd[d] = n;
  }
  return n;
}

/**
 * Which pairs of deletion depths (read i, entry j) can join a read and an entry within
 * `maxDistance`: the canonical edit script behind a weighted alignment has `a` unrelated
 * substitutions (EDIT_COST each, one deletion on each side) and indels (at least
 * MIN_STRUCTURAL_COST each, one deletion on their side). Bit `i * 4 + j` is set when some
 * `a` fits. Pruning the other pairs keeps recall and drops most candidates of deep lists.
 */
export function feasiblePairs(maxDistance: number): number {
  let bits = 0;
  for (let i = 0; i <= MAX_DEPTH; i++) {
    for (let j = 0; j <= MAX_DEPTH; j++) {
      for (let a = 0; a <= Math.min(i, j); a++) {
        if (a * EDIT_COST + (i + j - 2 * a) * MIN_STRUCTURAL_COST <= maxDistance + 1e-9) bits |= 1 << (i * 4 + j);
      }
    }
  }
  return bits;
}

/** Postings carry the entry number and, in the top two bits, the entry-side deletion depth. */
export const POSTING_ID_MASK = 0x3fffffff;
export function posting(id: number, depth: number): number {
  return (id | (depth << 30)) >>> 0;
}

/** Deleting either of two equal neighbours gives the same variant: index it once. */
function seenBefore(a: Uint32Array, n: number, h: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] === h) return true;
  return false;
}
