/**
 * Top-N readings of a plate, in the spirit of OpenALPR's postprocessor: at each position the
 * recogniser's likeliest characters and the characters OCR confuses them with
 * (`core/plates/confusion.ts`) are combined by beam search, and complete readings are ranked
 * by likelihood times how well they fit the jurisdiction's plate formats
 * (`core/plates/formats.ts`). The matcher matches every candidate (DESIGN.md, matching).
 */
import { confusablesOf, EDIT_COST, substitutionCost } from '../plates/confusion.js';
import { FORMATS, fitsTemplate, formatScore } from '../plates/formats.js';
import { PLATE_ALPHABET } from './alphabet.js';
import type { Positions, Reading } from './ctc.js';

const A = PLATE_ALPHABET.length;

export interface CandidateOptions {
  /** Candidates returned. */
  readonly top?: number;
  /** Jurisdiction the camera reported, if any (its own formats rank highest). */
  readonly state?: string;
}

export interface Candidate {
  readonly plate: string;
  /**
   * Share of the likelihood among the readings considered, halved when the reading fits no
   * jurisdiction's format (0–1, the raw score calibration maps to a confidence): a beam of
   * look-alike misreadings (`6`, `98CU`) shares its likelihood as confidently as a beam of
   * plates, but is far less often right.
   */
  readonly share: number;
  /** Likelihood × format prior, comparable between two readings of one crop. */
  readonly score: number;
  /** The recogniser's likelihood of the reading: its characters' probabilities, and an edge's doubt when one was dropped. */
  readonly likelihood: number;
  /** Format prior of the reading (`formatWeight`), which the looks' tally weighs again over their summed evidence. */
  readonly prior: number;
  /** Probability of each character of this reading. */
  readonly chars: readonly number[];
}

/** Alternatives per position taken from the recogniser. */
const OPTIONS_PER_POSITION = 3;
const BEAM = 32;
/** Prior factor for each I, O or Q in a reading. */
const RARE_LETTER = 0.1;
/** `formatFit` of a reading that fits some jurisdiction's format, and the share kept by one that fits none. */
const FITS = 0.4;
const UNFIT_SHARE = 0.5;
/** Shortest reading an edge position may be dropped down to. */
const MIN_LENGTH = 5;
/** Prefix-search readings (`ctc.ts`) offered beside the beam's candidates. */
const READINGS = 8;

/**
 * Prior of a reading from the plate formats: its own state's format 1; otherwise, formats
 * being listed most frequent first, the more states issue it and the higher they rank it,
 * the likelier (`ABC1234` beats `AB01234` though both are formats); a plate-like string
 * that fits none 0.05; anything else 0.01.
 */
function formatWeight(plate: string, state: string | undefined): number {
  return formatFit(plate, state) * rareLetters(plate);
}

/**
 * Most states leave I, O and Q out of their sequential series (they read as 1 and 0), so a
 * reading that needs them is less likely than its look-alike with digits or other letters.
 */
function rareLetters(plate: string): number {
  let f = 1;
  for (let i = 0; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    if (c === 73 || c === 79 || c === 81) f *= RARE_LETTER;
  }
  return f;
}

function formatFit(plate: string, state: string | undefined): number {
  const s = formatScore(plate, state);
  if (s >= 1) return 1;
  if (s < 0.8) return s >= 0.5 ? 0.05 : 0.01;
  let usage = 0;
  for (const templates of Object.values(FORMATS)) {
    templates.forEach((t, rank) => {
      if (fitsTemplate(plate, t)) usage += 1 / (rank + 1);
    });
  }
  return 0.4 + 0.5 * Math.min(1, usage / 4);
}

function confusableFloor(a: string, b: string): number {
  const cost = substitutionCost(a.charCodeAt(0), b.charCodeAt(0));
  return cost < 0.18 ? 0.25 : cost < 0.28 ? 0.05 : cost < EDIT_COST ? 0.01 : 0;
}

function topTwo(p: Positions, i: number): number {
  let a = 0;
  let b = 0;
  for (let k = 0; k < A; k++) {
    const q = p.probs[i * A + k]!;
    if (q > a) {
      b = a;
      a = q;
    } else if (q > b) b = q;
  }
  return a + b;
}

function optionsAt(p: Positions, i: number): Array<[string, number]> {
  const base = i * A;
  const ranked: Array<[string, number]> = [];
  for (let k = 0; k < A; k++) ranked.push([PLATE_ALPHABET[k]!, p.probs[base + k]!]);
  ranked.sort((x, y) => y[1] - x[1]);
  const out = ranked.slice(0, OPTIONS_PER_POSITION);
  const best = out[0]![0];
  for (const c of confusablesOf(best)) {
    if (out.some(([ch]) => ch === c)) continue;
    out.push([c, p.probs[base + PLATE_ALPHABET.indexOf(c)]!]);
  }
  // A confusable keeps a floor of likelihood however sure the recogniser is: on a plate
  // face `0` and `O`, `1` and `I` may be the same glyph, and only the format can tell.
  for (const o of out) {
    if (o[0] === best) continue;
    o[1] = Math.max(o[1], confusableFloor(best, o[0]));
  }
  return out;
}

interface Partial {
  plate: string;
  score: number;
  chars: number[];
}

export function rankCandidates(p: Positions, options: CandidateOptions = {}): Candidate[] {
  const top = options.top ?? 5;
  if (p.n === 0) return [];
  let beam: Partial[] = [{ plate: '', score: 1, chars: [] }];
  for (let i = 0; i < p.n; i++) {
    const opts = optionsAt(p, i);
    const next: Partial[] = [];
    for (const b of beam) for (const [ch, q] of opts) next.push({ plate: b.plate + ch, score: b.score * q, chars: [...b.chars, q] });
    // A first or last position the recogniser was unsure of may be clutter read as a
    // character (a frame edge, a bolt): a reading without it competes, weighted by the doubt.
    if ((i === 0 || i === p.n - 1) && p.n > MIN_LENGTH) {
      // Torn between two look-alikes (`1` or `T`) is still a character; clutter spreads wider.
      const doubt = Math.max(0, 1 - topTwo(p, i));
      for (const b of beam) next.push({ plate: b.plate, score: b.score * doubt, chars: b.chars });
    }
    next.sort((x, y) => y.score - x.score);
    beam = next.slice(0, BEAM);
  }
  const ranked = beam.map((b) => {
    const prior = formatWeight(b.plate, options.state);
    return { plate: b.plate, score: b.score * prior, likelihood: b.score, prior, chars: b.chars };
  });
  ranked.sort((x, y) => y.score - x.score);
  const total = ranked.reduce((s, b) => s + b.score, 0) || 1;
  return ranked.slice(0, top).map((b) => ({ ...b, share: (b.score / total) * (formatFit(b.plate, options.state) >= FITS ? 1 : UNFIT_SHARE) }));
}

/**
 * The beam's candidates and the prefix search's likeliest readings they lack (a character the
 * greedy path merged or dropped, which no slot holds), each with its summed path probability
 * as likelihood and its format prior. They take no share: their confidence comes from the
 * looks whose beams hold them too. With no probability per position, each character is stated
 * as sure as the whole reading (a lower bound). Tuning seed, hard crops: 555 → 559 of 600
 * (`EDR2212`, `7MMVN42`, `M351YP`, `394J66` found; none lost), noisy and clean unchanged.
 */
export function withReadings(cands: readonly Candidate[], readings: readonly Reading[], options: CandidateOptions = {}): Candidate[] {
  const out = [...cands];
  const seen = new Set(cands.map((c) => c.plate));
  for (const r of readings.slice(0, READINGS)) {
    if (r.plate.length === 0 || seen.has(r.plate)) continue;
    const prior = formatWeight(r.plate, options.state);
    out.push({ plate: r.plate, share: 0, score: r.p * prior, likelihood: r.p, prior, chars: Array.from(r.plate, () => r.p) });
  }
  return out;
}
