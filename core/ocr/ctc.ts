/**
 * CTC decoding restricted to the plate alphabet, with a probability for every character at
 * every position. Greedy CTC finds the characters; each is then tied to the slot (located
 * character) it was read from, so a slot that produced nothing (a character the recogniser
 * dropped) still yields its most likely character, and a one-character slot that produced
 * two keeps the likelier. A prefix beam search (`prefixSearch`) reads the whole line again,
 * summing every path that spells a reading, for the characters the greedy path lost.
 */
import { COMPACT_CLASSES, PLATE_ALPHABET } from './alphabet.js';
import { FRAME_STRIDE, type Line } from './line.js';
import type { Frames } from './recognizer.js';

const A = PLATE_ALPHABET.length;

/** What was read at each position: `probs[i·36 + k]` is P(position i is PLATE_ALPHABET[k]). */
export interface Positions {
  readonly n: number;
  readonly probs: Float32Array;
}

interface Emitted {
  k: number;
  t0: number;
  t1: number;
}

/** Greedy CTC path: argmax per frame over blank + plate classes, repeats collapsed. */
export function greedyPath(f: Frames): Emitted[] {
  const out: Emitted[] = [];
  let prev = 0;
  for (let t = 0; t < f.count; t++) {
    const base = t * COMPACT_CLASSES;
    let best = 0;
    for (let k = 1; k < COMPACT_CLASSES; k++) if (f.probs[base + k]! > f.probs[base + best]!) best = k;
    if (best !== 0 && best === prev) out[out.length - 1]!.t1 = t;
    else if (best !== 0) out.push({ k: best - 1, t0: t, t1: t });
    prev = best;
  }
  return out;
}

/** Character distribution over frames t0..t1: each frame's non-blank mass renormalised, max-pooled. */
function distribution(f: Frames, t0: number, t1: number, into: Float32Array, at: number): void {
  for (let t = t0; t <= t1; t++) {
    const base = t * COMPACT_CLASSES + 1;
    let mass = 0;
    for (let k = 0; k < A; k++) mass += f.probs[base + k]!;
    if (mass <= 0) continue;
    for (let k = 0; k < A; k++) {
      const q = f.probs[base + k]! / mass;
      if (q > into[at + k]!) into[at + k] = q;
    }
  }
  let sum = 0;
  for (let k = 0; k < A; k++) sum += into[at + k]!;
  if (sum > 0) for (let k = 0; k < A; k++) into[at + k]! /= sum;
}

/** The frame of the slot where a character is likeliest (least blank). */
function likeliestFrame(f: Frames, t0: number, t1: number): number {
  let best = t0;
  for (let t = t0 + 1; t <= t1; t++) if (f.probs[t * COMPACT_CLASSES]! < f.probs[best * COMPACT_CLASSES]!) best = t;
  return best;
}

function peak(e: Emitted, f: Frames): number {
  let best = 0;
  for (let t = e.t0; t <= e.t1; t++) best = Math.max(best, f.probs[t * COMPACT_CLASSES + 1 + e.k]!);
  return best;
}

/** Decode a line's frames into positions, one or more per slot. */
export function decodeLine(f: Frames, line: Line): Positions {
  const emitted = greedyPath(f);
  const slots = line.spans.length / 2;
  const perSlot: Emitted[][] = Array.from({ length: slots }, () => []);
  for (const e of emitted) {
    const u = ((e.t0 + e.t1) / 2 + 0.5) * FRAME_STRIDE;
    let best = 0;
    let bestD = Infinity;
    for (let s = 0; s < slots; s++) {
      const d = Math.abs(u - (line.spans[2 * s]! + line.spans[2 * s + 1]!) / 2);
      if (d < bestD) { bestD = d; best = s; }
    }
    perSlot[best]!.push(e);
  }
  const runs: Array<[number, number]> = [];
  for (let s = 0; s < slots; s++) {
    const list = perSlot[s]!;
    if (list.length === 0) {
      const t0 = Math.max(0, Math.floor(line.spans[2 * s]! / FRAME_STRIDE));
      const t1 = Math.min(f.count - 1, Math.ceil(line.spans[2 * s + 1]! / FRAME_STRIDE) - 1);
      if (t1 < t0) continue;
      const t = likeliestFrame(f, t0, t1);
      runs.push([t, t]);
    } else if (list.length > 1 && line.wide[s] === 0) {
      const keep = list.reduce((p, q) => (peak(q, f) > peak(p, f) ? q : p));
      runs.push([keep.t0, keep.t1]);
    } else for (const e of list) runs.push([e.t0, e.t1]);
  }
  const probs = new Float32Array(runs.length * A);
  runs.forEach(([t0, t1], i) => distribution(f, t0, t1, probs, i * A));
  return { n: runs.length, probs };
}

/** A reading of a whole line and its probability summed over every CTC path that spells it. */
export interface Reading {
  readonly plate: string;
  readonly p: number;
}

/** Prefixes kept per frame by `prefixSearch`, and the least probability a frame's character needs to extend them. */
const PREFIX_BEAM = 16;
const PREFIX_MIN_P = 1e-3;

interface PrefixMass {
  /** Probability of the paths spelling the prefix that end in a blank, and in its last character. */
  blank: number;
  char: number;
}

/**
 * CTC prefix beam search over the plate alphabet, readings likeliest first, probabilities
 * normalised over the readings kept. Greedy decoding keeps only the likeliest path, so a
 * character whose frames lose narrowly to blank (the second `2` of a blurred `EDR2212`, an
 * `M` squeezed beside another) is gone from every reading the slots can offer; summed over its
 * paths, the reading that keeps it can still be the likelier.
 */
export function prefixSearch(f: Frames): Reading[] {
  let beam = new Map<string, PrefixMass>([['', { blank: 1, char: 0 }]]);
  for (let t = 0; t < f.count; t++) {
    const base = t * COMPACT_CLASSES;
    const next = new Map<string, PrefixMass>();
    const at = (s: string): PrefixMass => {
      let m = next.get(s);
      if (!m) next.set(s, (m = { blank: 0, char: 0 }));
      return m;
    };
    for (const [s, m] of beam) {
      const total = m.blank + m.char;
      at(s).blank += total * f.probs[base]!;
      const last = s.length > 0 ? 1 + PLATE_ALPHABET.indexOf(s[s.length - 1]!) : 0;
      // The last character held for one more frame: the same reading.
      if (last > 0) at(s).char += m.char * f.probs[base + last]!;
      for (let k = 1; k < COMPACT_CLASSES; k++) {
        const q = f.probs[base + k]!;
        if (q < PREFIX_MIN_P) continue;
        // Repeating the last character spells it twice only after a blank.
        at(s + PLATE_ALPHABET[k - 1]!).char += (k === last ? m.blank : total) * q;
      }
    }
    const kept = [...next].sort((a, b) => b[1].blank + b[1].char - a[1].blank - a[1].char).slice(0, PREFIX_BEAM);
    // Rescaled every frame so long lines do not underflow; only ratios matter.
    const scale = kept[0]![1].blank + kept[0]![1].char || 1;
    beam = new Map(kept.map(([s, m]) => [s, { blank: m.blank / scale, char: m.char / scale }]));
  }
  const readings = [...beam].map(([plate, m]) => ({ plate, p: m.blank + m.char }));
  const sum = readings.reduce((s, r) => s + r.p, 0) || 1;
  return readings.map((r) => ({ plate: r.plate, p: r.p / sum })).sort((a, b) => b.p - a.p);
}
