import { describe, expect, it } from 'vitest';
import { COMPACT_CLASSES, PLATE_ALPHABET } from '../../../core/ocr/alphabet.js';
import { decodeLine, greedyPath, prefixSearch } from '../../../core/ocr/ctc.js';
import type { Line } from '../../../core/ocr/line.js';
import type { Frames } from '../../../core/ocr/recognizer.js';

/** Frames from a per-frame spec: a character (most of the mass on it) or '_' (blank). */
function frames(spec: string, sure = 0.9): Frames {
  const probs = new Float32Array(spec.length * COMPACT_CLASSES);
  [...spec].forEach((c, t) => {
    const k = c === '_' ? 0 : 1 + PLATE_ALPHABET.indexOf(c);
    const rest = (1 - sure) / (COMPACT_CLASSES - 1);
    for (let j = 0; j < COMPACT_CLASSES; j++) probs[t * COMPACT_CLASSES + j] = j === k ? sure : rest;
  });
  return { count: spec.length, columns: COMPACT_CLASSES, probs };
}

function line(slots: Array<[number, number]>, width: number, wide: number[] = []): Line {
  return {
    width,
    pixels: new Float32Array(0),
    spans: Int32Array.from(slots.flat()),
    wide: Uint8Array.from(slots.map((_, i) => wide[i] ?? 0)),
  };
}

function text(p: { n: number; probs: Float32Array }): string {
  let s = '';
  for (let i = 0; i < p.n; i++) {
    let best = 0;
    for (let k = 1; k < PLATE_ALPHABET.length; k++) if (p.probs[i * 36 + k]! > p.probs[i * 36 + best]!) best = k;
    s += PLATE_ALPHABET[best];
  }
  return s;
}

describe('CTC decoding', () => {
  it('collapses repeats, and keeps a doubled character separated by a blank', () => {
    expect(greedyPath(frames('_LL_EE_E_88_')).map((e) => PLATE_ALPHABET[e.k]).join('')).toBe('LEE8');
  });

  it('gives each position a distribution over the plate alphabet that sums to 1', () => {
    const p = decodeLine(frames('_A_B_'), line([[0, 40]], 40, [1]));
    expect(p.n).toBe(2);
    expect(text(p)).toBe('AB');
    const sum = p.probs.subarray(0, 36).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(p.probs[PLATE_ALPHABET.indexOf('A')]).toBeGreaterThan(0.9);
  });

  it('recovers a character the greedy path dropped inside its slot', () => {
    // Frame 3 leans to `E` but blank wins: the slot over frames 2–3 still yields `E`.
    const f = frames('_L___E_');
    const k = 1 + PLATE_ALPHABET.indexOf('E');
    f.probs[3 * COMPACT_CLASSES] = 0.55;
    f.probs[3 * COMPACT_CLASSES + k] = 0.4;
    const p = decodeLine(f, line([[8, 16], [24, 32], [40, 48]], 56));
    expect(text(p)).toBe('LEE');
  });

  it('keeps only the likelier of two characters in a one-character slot', () => {
    const f = frames('_AB_');
    f.probs[2 * COMPACT_CLASSES + 1 + PLATE_ALPHABET.indexOf('B')] = 0.5;
    expect(text(decodeLine(f, line([[0, 32]], 32)))).toBe('A');
    expect(text(decodeLine(f, line([[0, 32]], 32, [1])))).toBe('AB');
  });

  it('finds by prefix search a character whose frames each lose narrowly to blank', () => {
    // Frames 2 and 3 lean to `D` (0.4) but blank wins each (0.55): the greedy path reads `ER`;
    // summed over its paths (`D_`, `_D`, `DD`), `EDR` is the likelier reading.
    const f = frames('_E__R_');
    const d = 1 + PLATE_ALPHABET.indexOf('D');
    for (const t of [2, 3]) {
      f.probs[t * COMPACT_CLASSES] = 0.55;
      f.probs[t * COMPACT_CLASSES + d] = 0.4;
    }
    expect(greedyPath(f).map((e) => PLATE_ALPHABET[e.k]).join('')).toBe('ER');
    const readings = prefixSearch(f);
    expect(readings.map((r) => r.plate).slice(0, 2)).toEqual(['EDR', 'ER']);
    expect(readings.reduce((s, r) => s + r.p, 0)).toBeCloseTo(1, 6);
  });

  it('spells a doubled character by prefix search only across a blank', () => {
    expect(prefixSearch(frames('_LL_EE_E_'))[0]!.plate).toBe('LEE');
  });
});
