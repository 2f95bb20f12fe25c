import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlateDistance } from '../../../core/hotlist/distance.js';
import { depthFor, feasiblePairs } from '../../../core/hotlist/keys.js';
import { parsePattern, patternKey } from '../../../core/hotlist/pattern.js';
import { DOUBLED_COST, EDIT_COST, substitutionCost } from '../../../core/plates/confusion.js';

const d = new PlateDistance();
const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dist = (entry: string, read: string, limit = 5) => d.compute(b(entry), 0, entry.length, b(read), read.length, limit);

describe('weighted plate distance', () => {
  it('prices confusions by the table, unrelated edits at 1, doubled indels at 0.6', () => {
    expect(dist('ABC123', 'ABC123')).toBe(0);
    expect(dist('ABC1O3', 'ABC103')).toBeCloseTo(0.1);
    expect(dist('8ABC', 'BABC')).toBeCloseTo(0.2);
    expect(dist('ABC123', 'ABX123')).toBe(1);
    expect(dist('ABC123', 'AB123')).toBe(1);
    expect(dist('LEE8805', 'LE8805')).toBeCloseTo(0.6);
    expect(dist('LE8805', 'LEE8805')).toBeCloseTo(0.6);
    expect(dist('ABC123', 'ZZZ999', 1)).toBe(Infinity);
  });

  it('names the read positions that differ', () => {
    dist('7ABC123', '7A8C1Z3');
    expect(d.diff()).toEqual([2, 5]);
    dist('7ABC123', '7ABC1234');
    expect(d.diff()).toEqual([7]);
    dist('7ABC123', '7AC123');
    expect(d.diff()).toEqual([2]);
  });
});

/** The whole-matrix weighted distance, written plainly: what the banded one must equal. */
function reference(entry: string, read: string): number {
  const indel = (s: string, i: number) => (s[i - 1] === s[i] || s[i + 1] === s[i] ? DOUBLED_COST : EDIT_COST);
  let prev = [0];
  for (let j = 1; j <= read.length; j++) prev.push(prev[j - 1]! + indel(read, j - 1));
  for (let i = 1; i <= entry.length; i++) {
    const row = [prev[0]! + indel(entry, i - 1)];
    for (let j = 1; j <= read.length; j++) {
      const sub = prev[j - 1]! + substitutionCost(entry.charCodeAt(i - 1), read.charCodeAt(j - 1));
      row.push(Math.min(sub, prev[j]! + indel(entry, i - 1), row[j - 1]! + indel(read, j - 1)));
    }
    prev = row;
  }
  return prev[read.length]!;
}

describe('banded distance', () => {
  // Plates of a few characters, so that random pairs are often within reach of each other.
  const plate = fc.string({ unit: fc.constantFrom(...'AB8O0DEE1IL'), minLength: 1, maxLength: 10 });

  it('equals the whole-matrix distance within the limit, and is Infinity beyond it', () => {
    fc.assert(
      fc.property(plate, plate, fc.constantFrom(0, 0.5, 1, 1.2, 2), (entry, read, limit) => {
        const want = reference(entry, read);
        const got = dist(entry, read, limit);
        if (want > limit + 1e-9) expect(got).toBe(Infinity);
        else expect(got).toBeCloseTo(want, 9);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the same differing positions as an unbounded computation', () => {
    fc.assert(
      fc.property(plate, plate, fc.constantFrom(0.6, 1, 1.2, 2), (entry, read, limit) => {
        fc.pre(dist(entry, read, limit) !== Infinity);
        const banded = d.diff();
        dist(entry, read, 100);
        expect(banded).toEqual(d.diff());
      }),
      { numRuns: 3000 },
    );
  });
});

describe('index depth', () => {
  it('reaches floor(distance / 0.6) structural edits, robust to float error', () => {
    expect([0, 0.5, 0.6, 1, 1.2, 1.5, 2].map(depthFor)).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('pairs deletion depths only where some edit script fits the distance', () => {
    const pairs = (dist: number) => {
      const bits = feasiblePairs(dist);
      const out: string[] = [];
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if ((bits >>> (i * 4 + j)) & 1) out.push(`${i}${j}`);
      return out;
    };
    expect(pairs(0)).toEqual(['00']);
    expect(pairs(1)).toEqual(['00', '01', '10', '11']);
    expect(pairs(2)).toEqual(['00', '01', '02', '03', '10', '11', '12', '20', '21', '22', '30']);
  });
});

describe('partial patterns', () => {
  it('are keyed by a trigram, or by a fixed-length shape', () => {
    expect(patternKey(parsePattern('7ab-?123')).type).toBe('gram');
    expect(patternKey(parsePattern('ABC*')).type).toBe('gram');
    expect(patternKey(parsePattern('5?K?7?Q'))).toMatchObject({ type: 'shape', len: 7, mask: 0b10101 });
  });

  it('refuses malformed and too broad patterns with a stable code', () => {
    for (const bad of ['A?', '*', 'A*B*C', '[AB', '[]12345', 'AB#123', '??????????????', 'A?B?']) {
      expect(() => patternKey(parsePattern(bad)), bad).toThrow(expect.objectContaining({ code: 'PS_ERR_PATTERN_INVALID' }));
    }
  });
});
