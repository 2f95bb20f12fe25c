/**
 * The weighted edit distance between a hot-list plate and a read: a confusable substitution
 * costs its pair cost (0.1–0.4), an unrelated one EDIT_COST; a dropped or extra character
 * costs DOUBLED_COST beside the same character (`LEE8805` read `LE8805`), EDIT_COST
 * otherwise. It verifies every index candidate and says which read positions differ.
 * One instance reuses its matrix: no allocation per candidate.
 */
import { DOUBLED_COST, EDIT_COST, MIN_STRUCTURAL_COST, substitutionCost } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';

const W = MAX_PLATE_LENGTH + 1;
/** Float tolerance: 0.1 + 0.2 must still be within a distance of 0.3. */
export const EPS = 1e-9;

export class PlateDistance {
  private readonly d = new Float64Array(W * W);
  private readonly delCost = new Float64Array(W);
  private readonly insCost = new Float64Array(W);
  private eLen = 0;
  private rLen = 0;
  private entry: Uint8Array = new Uint8Array(0);
  private entryOff = 0;
  private read: Uint8Array = new Uint8Array(0);
  /** The last distance was position-wise (no indels): its differing positions are `mask`. */
  private positional = false;
  private mask = 0;

  /**
   * Distance from `entry[off..off+eLen)` to `read[0..rLen)` (ASCII), or Infinity once every
   * alignment exceeds `limit`. Only the diagonal band an alignment within the limit can
   * cross is computed: every step off the diagonal is an indel, which costs at least
   * MIN_STRUCTURAL_COST. The cells just outside the band are set unreachable, so the next
   * row and the traceback (diffMask) never read a stale value.
   */
  compute(entry: Uint8Array, off: number, eLen: number, read: Uint8Array, rLen: number, limit: number): number {
    const band = Math.floor((limit + EPS) / MIN_STRUCTURAL_COST);
    if (Math.abs(eLen - rLen) > band) return Infinity;
    // Plates of one length can only be aligned with indels in pairs: below the price of two,
    // the distance is the sum of the position-wise substitutions (most index candidates).
    this.positional = eLen === rLen && band < 2;
    if (this.positional) return this.substitutions(entry, off, read, rLen, limit);
    this.entry = entry;
    this.entryOff = off;
    this.eLen = eLen;
    this.read = read;
    this.rLen = rLen;
    const del = this.delCost;
    const ins = this.insCost;
    indelCosts(entry, off, eLen, del);
    indelCosts(read, 0, rLen, ins);
    const d = this.d;
    const top = Math.min(rLen, band);
    d[0] = 0;
    for (let j = 1; j <= top; j++) d[j] = d[j - 1]! + ins[j - 1]!;
    if (top < rLen) d[top + 1] = Infinity;
    for (let i = 1; i <= eLen; i++) {
      const row = i * W;
      const e = entry[off + i - 1]!;
      const cost = del[i - 1]!;
      const lo = Math.max(1, i - band);
      const hi = Math.min(rLen, i + band);
      let best = Infinity;
      if (i <= band) best = d[row] = d[row - W]! + cost;
      else d[row + lo - 1] = Infinity;
      for (let j = lo; j <= hi; j++) {
        let v = d[row - W + j - 1]! + substitutionCost(e, read[j - 1]!);
        const up = d[row - W + j]! + cost;
        if (up < v) v = up;
        const left = d[row + j - 1]! + ins[j - 1]!;
        if (left < v) v = left;
        d[row + j] = v;
        if (v < best) best = v;
      }
      if (hi < rLen) d[row + hi + 1] = Infinity;
      if (best > limit + EPS) return Infinity;
    }
    const dist = d[eLen * W + rLen]!;
    return dist > limit + EPS ? Infinity : dist;
  }

  /** Position-wise substitution costs, stopping once over `limit`; the differing positions go to `mask`. */
  private substitutions(entry: Uint8Array, off: number, read: Uint8Array, len: number, limit: number): number {
    let sum = 0;
    let mask = 0;
    for (let i = 0; i < len; i++) {
      const c = substitutionCost(entry[off + i]!, read[i]!);
      if (c === 0) continue;
      sum += c;
      if (sum > limit + EPS) return Infinity;
      mask |= 1 << i;
    }
    this.mask = mask;
    return sum;
  }

  /**
   * Read positions that differ in the last computed alignment, bit i for position i:
   * substituted or extra read characters, and for a dropped character the read position
   * after the gap.
   */
  diffMask(): number {
    if (this.positional) return this.mask;
    let mask = 0;
    const d = this.d;
    let i = this.eLen;
    let j = this.rLen;
    while (i > 0 || j > 0) {
      const here = d[i * W + j]!;
      if (i > 0 && j > 0) {
        const sub = substitutionCost(this.entry[this.entryOff + i - 1]!, this.read[j - 1]!);
        if (Math.abs(d[(i - 1) * W + j - 1]! + sub - here) < EPS) {
          if (sub > 0) mask |= 1 << (j - 1);
          i--;
          j--;
          continue;
        }
      }
      if (j > 0 && Math.abs(d[i * W + j - 1]! + this.insCost[j - 1]! - here) < EPS) {
        mask |= 1 << (j - 1);
        j--;
        continue;
      }
      const at = Math.min(j, this.rLen - 1);
      if (at >= 0) mask |= 1 << at;
      i--;
    }
    return mask;
  }

  /** diffMask as ascending positions. */
  diff(): number[] {
    return maskPositions(this.diffMask());
  }
}

/** The positions of the bits set in `mask`, ascending. */
export function maskPositions(mask: number): number[] {
  const out: number[] = [];
  for (let i = 0; mask >>> i !== 0; i++) if ((mask >>> i) & 1) out.push(i);
  return out;
}

/** Cost of removing each character: cheaper when a neighbour is the same character. */
function indelCosts(s: Uint8Array, off: number, len: number, out: Float64Array): void {
  for (let i = 0; i < len; i++) {
    const c = s[off + i];
    const doubled = (i > 0 && s[off + i - 1] === c) || (i + 1 < len && s[off + i + 1] === c);
    out[i] = doubled ? DOUBLED_COST : EDIT_COST;
  }
}
