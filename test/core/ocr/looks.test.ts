import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../core/ocr/candidates.js';
import { LOOK_WEIGHT, LookTally } from '../../../core/ocr/looks.js';

/** One look's ranked candidates: [plate, likelihood, share, format prior (1 unless given)]. */
function look(...cands: Array<[string, number, number, number?]>): Candidate[] {
  return cands.map(([plate, likelihood, share, prior = 1]) => ({ plate, score: likelihood * prior, likelihood, prior, share, chars: [...plate].map(() => share) }));
}

describe('choosing a reading from several looks', () => {
  it('keeps a single look as it ranked itself', () => {
    const t = new LookTally();
    t.add('centre', look(['7ABC123', 0.5, 0.8], ['7A8C123', 0.1, 0.15]));
    expect(t.looks).toBe(1);
    expect(t.support).toBeCloseTo(0.8, 6);
    const r = t.ranked(5);
    expect(r.map((c) => c.plate)).toEqual(['7ABC123', '7A8C123']);
    expect(r[0]!.share).toBeCloseTo(0.8, 6);
    expect(r[0]!.chars).toHaveLength(7);
  });

  it('lets readings the looks agree on beat one look that is surer of a misreading', () => {
    const t = new LookTally();
    // The centre band is sure of a dropped character; the whole crop and a turned band agree on the plate.
    t.add('centre', look(['NX4382', 0.3, 0.7], ['JNX4382', 0.05, 0.1]));
    t.add('whole', look(['JNX4382', 0.2, 0.45], ['NX4382', 0.05, 0.1]));
    t.add('turned', look(['JNX4382', 0.15, 0.4], ['INX4382', 0.05, 0.2]));
    // The largest single score (the centre band's 0.3) would have chosen the misreading.
    expect(t.ranked(3)[0]!.plate).toBe('JNX4382');
    expect(t.looks).toBe(3);
  });

  it('counts the located characters less than the other looks', () => {
    expect(LOOK_WEIGHT.located).toBeLessThan(LOOK_WEIGHT.centre);
    const t = new LookTally();
    t.add('centre', look(['B097PY', 0.27, 0.63], ['8097PY', 0.12, 0.29]));
    t.add('located', look(['8097PY', 0.31, 0.8], ['B097PY', 0.02, 0.05]));
    t.add('whole', look(['B097PY', 0.1, 0.66]));
    expect(t.ranked(2)[0]!.plate).toBe('B097PY');
  });

  it('states less support when the looks disagree than when they agree', () => {
    const agree = new LookTally();
    agree.add('centre', look(['ABC1234', 0.5, 0.8]));
    agree.add('whole', look(['ABC1234', 0.5, 0.8]));
    const disagree = new LookTally();
    disagree.add('centre', look(['ABC1234', 0.5, 0.8]));
    disagree.add('whole', look(['ABG1234', 0.6, 0.8]));
    expect(agree.support).toBeCloseTo(0.8, 6);
    expect(disagree.support).toBeCloseTo(0.4, 6);
    for (const c of disagree.ranked(5)) expect(c.share).toBeLessThanOrEqual(0.4 + 1e-9);
  });

  it('does not let one look’s peaked likelihood outvote two looks that agree', () => {
    const t = new LookTally();
    t.add('centre', look(['MRJ896', 0.81, 0.9]));
    t.add('whole', look(['MRJ696', 0.25, 0.5]));
    t.add('turned', look(['MRJ696', 0.25, 0.5]));
    // Summed as they come, 0.81 beats 0.5; their square roots, 0.9 loses to 1.
    expect(t.ranked(2).map((c) => c.plate)).toEqual(['MRJ696', 'MRJ896']);
  });

  it('gives the format prior more say than one look’s beam gives it', () => {
    const t = new LookTally();
    // Ranked by likelihood × prior the look prefers the first (0.25 against 0.225).
    t.add('centre', look(['AB0C123', 0.5, 0.5, 0.5], ['AB8C123', 0.3, 0.45, 0.75]));
    expect(t.ranked(2).map((c) => c.plate)).toEqual(['AB8C123', 'AB0C123']);
    expect(t.support).toBeCloseTo(0.45, 6);
  });

  it('takes each reading’s character probabilities from the look that scored it highest', () => {
    const t = new LookTally();
    t.add('centre', [{ plate: 'AB12', score: 0.1, likelihood: 0.1, prior: 1, share: 0.5, chars: [0.1, 0.1, 0.1, 0.1] }]);
    t.add('whole', [{ plate: 'AB12', score: 0.4, likelihood: 0.4, prior: 1, share: 0.5, chars: [0.9, 0.9, 0.9, 0.9] }]);
    expect(t.ranked(1)[0]!.chars).toEqual([0.9, 0.9, 0.9, 0.9]);
  });

  it('has no reading and no support before any look', () => {
    const t = new LookTally();
    expect(t.support).toBe(0);
    expect(t.ranked(5)).toEqual([]);
    t.add('centre', []);
    expect(t.support).toBe(0);
    expect(t.looks).toBe(1);
  });
});
