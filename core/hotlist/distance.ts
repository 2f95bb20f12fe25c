/**
 * The weighted edit distance between a hot-list plate and a read: a confusable substitution
 * costs its pair cost (0.1–0.4), an unrelated one EDIT_COST; a dropped or extra character
 * costs DOUBLED_COST beside the same character (`LEE8805` read `LE8805`), EDIT_COST
 * otherwise. It verifies every index candidate and says which read positions differ.
 * One instance reuses its matrix: no allocation per candidate.
 */
import { DOUBLED_COST, EDIT_COST, substitutionCost } from '../plates/confusion.js';
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

  /**
   * Distance from `entry[off..off+eLen)` to `read[0..rLen)` (ASCII), or Infinity once every
   * alignment exceeds `limit`.
   */
  compute(entry: Uint8Array, off: number, eLen: number, read: Uint8Array, rLen: number, limit: number): number {
    this.entry = entry;
    this.entryOff = off;
    this.eLen = eLen;
    this.read = read;
    this.rLen = rLen;
    indelCosts(entry, off, eLen, this.delCost);
    indelCosts(read, 0, rLen, this.insCost);
    const d = this.d;
    d[0] = 0;
    for (let j = 1; j <= rLen; j++) d[j] = d[j - 1]! + this.insCost[j - 1]!;
    for (let i = 1; i <= eLen; i++) {
      const row = i * W;
      const e = entry[off + i - 1]!;
      const del = this.delCost[i - 1]!;
      d[row] = d[row - W]! + del;
      let best = d[row]!;
      for (let j = 1; j <= rLen; j++) {
        let v = d[row - W + j - 1]! + substitutionCost(e, read[j - 1]!);
        const up = d[row - W + j]! + del;
        if (up < v) v = up;
        const left = d[row + j - 1]! + this.insCost[j - 1]!;
        if (left < v) v = left;
        d[row + j] = v;
        if (v < best) best = v;
      }
      if (best > limit + EPS) return Infinity;
    }
    const dist = d[eLen * W + rLen]!;
    return dist > limit + EPS ? Infinity : dist;
  }

  /**
   * Read positions that differ in the last computed alignment: substituted or extra read
   * characters, and for a dropped character the read position after the gap.
   */
  diff(): number[] {
    const out: number[] = [];
    const d = this.d;
    let i = this.eLen;
    let j = this.rLen;
    while (i > 0 || j > 0) {
      const here = d[i * W + j]!;
      if (i > 0 && j > 0) {
        const sub = substitutionCost(this.entry[this.entryOff + i - 1]!, this.read[j - 1]!);
        if (Math.abs(d[(i - 1) * W + j - 1]! + sub - here) < EPS) {
          if (sub > 0) out.push(j - 1);
          i--;
          j--;
          continue;
        }
      }
      if (j > 0 && Math.abs(d[i * W + j - 1]! + this.insCost[j - 1]! - here) < EPS) {
        out.push(j - 1);
        j--;
        continue;
      }
      out.push(Math.min(j, this.rLen - 1));
      i--;
    }
    // The walk went from the end: positions come out descending, repeats adjacent.
    const asc: number[] = [];
    for (let k = out.length - 1; k >= 0; k--) if (out[k]! >= 0 && asc[asc.length - 1] !== out[k]) asc.push(out[k]!);
    return asc;
  }
}

/** Cost of removing each character: cheaper when a neighbour is the same character. */
function indelCosts(s: Uint8Array, off: number, len: number, out: Float64Array): void {
  for (let i = 0; i < len; i++) {
    const c = s[off + i];
    const doubled = (i > 0 && s[off + i - 1] === c) || (i + 1 < len && s[off + i + 1] === c);
    out[i] = doubled ? DOUBLED_COST : EDIT_COST;
  }
}
