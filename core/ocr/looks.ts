/**
 * Chooses a crop's reading from several looks at it (the centre band, the located characters,
 * the whole crop, the band turned and shifted). Each look ranks its own candidates
 * (`candidates.ts`); here the square root of every candidate's likelihood is summed over the
 * looks that offered it, each look weighted by how often it is right, and the sum is weighed by
 * the reading's format prior to the power `PRIOR_POWER`: a reading that several looks agree on
 * beats one look's confident misreading. Taking the single likeliest look instead let an
 * overconfident look (most often the located characters, whose line drops or merges
 * characters) overrule the others: on generated hard crops of a tuning seed, summing
 * likelihood × prior was right on 550 of 600 crops where the likeliest look was on 544, and
 * the square roots weighed by the prior again on 555 (docs/ocr.md).
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

/**
 * Power of the format prior over the looks' summed evidence. With the square roots of the
 * likelihoods, one look alone ranks its readings by likelihood × prior³: on a blurred crop the
 * recogniser reads a misread glyph as surely as a clear one (`0EB492` read `DEB492` at 0.9),
 * so the formats deserve more say over the looks than within one look's beam. Tuning seed,
 * hard crops: 0.5–0.7 for the likelihood's power with 1.5–2 for the prior's give 554–556 of
 * 600, a prior's power of 1 gives 551–554.
 */
const PRIOR_POWER = 1.5;

interface Tally {
  /** Σ weight × √likelihood: with the prior, ranks the readings. */
  evidence: number;
  prior: number;
  /** Σ weight × share of its look's likelihood: the support the confidence is calibrated on. */
  share: number;
  /** Per-character probabilities from the look that gave the reading its highest score. */
  best: number;
  chars: readonly number[];
}

function score(t: Tally): number {
  return t.evidence * t.prior ** PRIOR_POWER;
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
        this.tallies.set(c.plate, { evidence: w * Math.sqrt(c.likelihood), prior: c.prior, share: w * c.share, best: c.score, chars: c.chars });
        continue;
      }
      t.evidence += w * Math.sqrt(c.likelihood);
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
    for (const t of this.tallies.values()) if (!best || score(t) > score(best)) best = t;
    return best && this.weights > 0 ? best.share / this.weights : 0;
  }

  /**
   * Readings best first: `score` is the tally's (summed evidence × prior^PRIOR_POWER),
   * `likelihood` the summed evidence, `share` each reading's weighted mean share over the looks.
   */
  ranked(top: number): Candidate[] {
    const out: Candidate[] = [];
    for (const [plate, t] of this.tallies) {
      out.push({ plate, score: score(t), likelihood: t.evidence, prior: t.prior, share: this.weights > 0 ? t.share / this.weights : 0, chars: t.chars });
    }
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, top);
  }
}
