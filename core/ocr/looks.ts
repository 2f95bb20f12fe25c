/**
 * Chooses a crop's reading from several looks at it (the centre band, the located characters,
 * the whole crop, the band turned and shifted). Each look ranks its own candidates
 * (`candidates.ts`); here every candidate's likelihood × format prior is summed over the looks
 * that offered it, each look weighted by how often it is right, so a reading that several
 * looks agree on beats one look's confident misreading. Taking the single likeliest look
 * instead let an overconfident look (most often the located characters, whose line drops or
 * merges characters) overrule the others: on generated hard crops of a tuning seed, summing
 * was right on 550 of 600 crops where the likeliest look was on 544 (docs/ocr.md).
 */
import type { Candidate } from './candidates.js';

/** Which line a look read. */
export type LookKind = 'centre' | 'located' | 'whole' | 'turned' | 'shifted';

/**
 * How much each look's evidence counts. The located characters are right least often (329 of
 * the 518 hard crops the localiser found a row in, against 515–542 of 600 for every other
 * look), so they count under a third.
 */
export const LOOK_WEIGHT: Readonly<Record<LookKind, number>> = { centre: 1, located: 0.3, whole: 1, turned: 1, shifted: 1 };

interface Tally {
  /** Σ weight × likelihood × prior: ranks the readings. */
  score: number;
  /** Σ weight × share of its look's likelihood: the support the confidence is calibrated on. */
  share: number;
  /** Per-character probabilities from the look that gave the reading its highest score. */
  best: number;
  chars: readonly number[];
}

/** The evidence of the looks taken so far at one crop. */
export class LookTally {
  private readonly tallies = new Map<string, Tally>();
  private weights = 0;
  private count = 0;

  /** Add one look's ranked candidates. */
  add(kind: LookKind, cands: readonly Candidate[]): void {
    const w = LOOK_WEIGHT[kind];
    this.weights += w;
    this.count++;
    for (const c of cands) {
      const t = this.tallies.get(c.plate);
      if (!t) {
        this.tallies.set(c.plate, { score: w * c.score, share: w * c.share, best: c.score, chars: c.chars });
        continue;
      }
      t.score += w * c.score;
      t.share += w * c.share;
      if (c.score > t.best) {
        t.best = c.score;
        t.chars = c.chars;
      }
    }
  }

  /** Looks taken. */
  get looks(): number {
    return this.count;
  }

  /**
   * Weighted mean share of the leading reading over the looks taken (0–1): one look's own
   * share when it is the only look, lower when the looks disagree.
   */
  get support(): number {
    let best: Tally | undefined;
    for (const t of this.tallies.values()) if (!best || t.score > best.score) best = t;
    return best && this.weights > 0 ? best.share / this.weights : 0;
  }

  /** Readings best first: `share` is each reading's weighted mean share over the looks. */
  ranked(top: number): Candidate[] {
    const out: Candidate[] = [];
    for (const [plate, t] of this.tallies) out.push({ plate, score: t.score, share: this.weights > 0 ? t.share / this.weights : 0, chars: t.chars });
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, top);
  }
}
