/**
 * Turns a reading's raw score into a confidence that means what it says: of the reads given
 * 0.9, about 90% are right. The map is isotonic regression (pool-adjacent-violators) fitted
 * on generated evaluation crops and shipped as data (`calibration.json`); `bench/ocr.ts`
 * refits it on one seed and reports its reliability on another.
 */
import shipped from './calibration.json' with { type: 'json' };

export interface CalibrationTable {
  /** How and on what the table was fitted. */
  readonly method: string;
  readonly fittedOn: string;
  /** Increasing raw scores and the accuracy observed at each (piecewise linear between). */
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export const CALIBRATION: CalibrationTable = shipped;

export function calibrate(raw: number, table: CalibrationTable = CALIBRATION): number {
  const { x, y } = table;
  // Below the lowest knot (alternative readings hold a small share of the likelihood, and
  // the fit sees only best readings) the map falls linearly to 0 at 0: a reading with no share
  // is never right, and an alternative at share 0.001 must not be stated as sure as the knot.
  if (raw <= x[0]!) return x[0]! > 0 ? (y[0]! * Math.max(0, raw)) / x[0]! : y[0]!;
  const last = x.length - 1;
  if (raw >= x[last]!) return y[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= raw) lo = mid;
    else hi = mid;
  }
  const f = (raw - x[lo]!) / (x[hi]! - x[lo]! || 1);
  return y[lo]! + f * (y[hi]! - y[lo]!);
}

/**
 * Isotonic fit of correctness on raw score. Reads are first pooled into bins of at least
 * `MIN_BIN` (a block of three reads says nothing), each bin's accuracy is smoothed towards ½
 * by half a read each way (no stated certainty of 0 or 1 from a finite sample), then adjacent
 * violators are pooled; the blocks' mean scores become the table's knots.
 */
export function fitIsotonic(samples: ReadonlyArray<readonly [number, boolean]>, fittedOn: string): CalibrationTable {
  const sorted = samples.slice().sort((p, q) => p[0] - q[0]);
  const size = Math.max(MIN_BIN, Math.floor(sorted.length / MAX_BINS));
  const blocks: Array<{ sum: number; n: number; x: number }> = [];
  for (let start = 0; start < sorted.length; start += size) {
    const bin = sorted.slice(start, start + size);
    blocks.push({ sum: bin.filter(([, ok]) => ok).length, n: bin.length, x: bin.reduce((a, [r]) => a + r, 0) / bin.length });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n < b.sum / b.n) break;
      a.x = (a.x * a.n + b.x * b.n) / (a.n + b.n);
      a.sum += b.sum;
      a.n += b.n;
      blocks.pop();
    }
  }
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  return {
    method: `isotonic (pool adjacent violators) on bins of ${size}, accuracy smoothed (k + ½)/(n + 1)`,
    fittedOn,
    x: blocks.map((b) => round(b.x)),
    y: blocks.map((b) => round((b.sum + 0.5) / (b.n + 1))),
  };
}

/** Fewest reads in a bin, and most bins, of the isotonic fit. */
const MIN_BIN = 20;
const MAX_BINS = 40;

export interface ReliabilityRow {
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly meanConf: number;
  readonly accuracy: number;
}

/** Reads grouped by stated confidence, with the accuracy each group actually had. */
export function reliability(samples: ReadonlyArray<readonly [number, boolean]>, edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001]): ReliabilityRow[] {
  const rows: ReliabilityRow[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const lo = edges[i]!;
    const hi = edges[i + 1]!;
    const inBin = samples.filter(([c]) => c >= lo && c < hi);
    if (inBin.length === 0) continue;
    rows.push({
      lo,
      hi: Math.min(1, hi),
      n: inBin.length,
      meanConf: inBin.reduce((s, [c]) => s + c, 0) / inBin.length,
      accuracy: inBin.filter(([, ok]) => ok).length / inBin.length,
    });
  }
  return rows;
}
