import { describe, expect, it } from 'vitest';
import { PLATE_ALPHABET } from '../../../core/ocr/alphabet.js';
import { rankCandidates, withReadings } from '../../../core/ocr/candidates.js';
import type { Positions } from '../../../core/ocr/ctc.js';

/** Positions where each entry is a map of character → probability (the rest shares 0.001s). */
function positions(spec: Array<Record<string, number>>): Positions {
  const probs = new Float32Array(spec.length * 36).fill(0.001);
  spec.forEach((m, i) => {
    for (const [c, q] of Object.entries(m)) probs[i * 36 + PLATE_ALPHABET.indexOf(c)] = q;
  });
  return { n: spec.length, probs };
}

const sure = (plate: string): Array<Record<string, number>> => [...plate].map((c) => ({ [c]: 0.99 }));

describe('candidate readings', () => {
  it('puts the sure reading first and offers confusable alternatives after it', () => {
    const c = rankCandidates(positions(sure('7ABC123')));
    expect(c[0]!.plate).toBe('7ABC123');
    expect(c.length).toBe(5);
    expect(c.slice(1).every((x) => x.share < c[0]!.share)).toBe(true);
    expect(c.map((x) => x.plate)).toContain('7ABCI23');
  });

  it('states a reading that fits no plate format less sure than a plate read as surely', () => {
    const plate = rankCandidates(positions(sure('ABC1234')))[0]!;
    const clutter = rankCandidates(positions(sure('6')))[0]!;
    expect(clutter.plate).toBe('6');
    expect(clutter.share).toBeLessThanOrEqual(0.5);
    expect(plate.share).toBeGreaterThan(0.5);
    expect(plate.share).toBeGreaterThan(1.5 * clutter.share);
  });

  it('offers the alternative at a low-confidence position within the top 3', () => {
    const spec = sure('ABC1234');
    spec[2] = { C: 0.55, G: 0.4 };
    const plates = rankCandidates(positions(spec)).map((x) => x.plate);
    expect(plates[0]).toBe('ABC1234');
    expect(plates.slice(0, 3)).toContain('ABG1234');
  });

  it('lets the plate formats decide between look-alikes the recogniser cannot tell apart', () => {
    const spec = sure('ABC1234');
    spec[1] = { '8': 0.35, B: 0.02 };
    // `A8C1234` fits no format; `ABC1234` is the common `@@@####`.
    expect(rankCandidates(positions(spec))[0]!.plate).toBe('ABC1234');
  });

  it('prefers digits to I, O and Q, which most states leave out of their series', () => {
    const spec = sure('AB01234');
    spec[2] = { '0': 0.5, O: 0.5 };
    expect(rankCandidates(positions(spec))[0]!.plate).toBe('AB01234');
  });

  it('ranks by the camera-reported state when there is one', () => {
    // CA `#@@@###` against NV `##@###`-like readings of a doubtful second character.
    const spec = sure('7ABC123');
    spec[1] = { A: 0.5, '4': 0.5 };
    expect(rankCandidates(positions(spec), { state: 'CA' })[0]!.plate).toBe('7ABC123');
  });

  it('offers a reading without a doubtful edge character (a frame edge read as `1`)', () => {
    const spec = [{ '1': 0.3, I: 0.2 }, ...sure('ABC1234')];
    const c = rankCandidates(positions(spec));
    expect(c[0]!.plate).toBe('ABC1234');
    expect(c[0]!.chars).toHaveLength(7);
  });

  it('returns nothing for an empty reading', () => {
    expect(rankCandidates({ n: 0, probs: new Float32Array(0) })).toEqual([]);
  });

  it('adds the prefix search’s readings the beam lacks, with their prior and no share', () => {
    const beam = rankCandidates(positions([{ E: 0.9, L: 0.1 }, { R: 1 }, { '2': 1 }, { '1': 1 }, { '2': 1 }]));
    const out = withReadings(beam, [{ plate: 'EDR2212', p: 0.5 }, { plate: beam[0]!.plate, p: 0.3 }, { plate: '', p: 0.2 }]);
    expect(out.slice(0, beam.length)).toEqual(beam);
    expect(out.filter((c) => c.plate === beam[0]!.plate)).toHaveLength(1);
    const added = out.slice(beam.length);
    expect(added.map((c) => c.plate)).toEqual(['EDR2212']);
    expect(added[0]!).toMatchObject({ likelihood: 0.5, share: 0, chars: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] });
    expect(added[0]!.score).toBeCloseTo(0.5 * added[0]!.prior, 9);
    expect(added[0]!.prior).toBeGreaterThan(0.3);
  });
});
