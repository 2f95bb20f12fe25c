import { describe, expect, it } from 'vitest';
import { PlateDistance } from '../../../core/hotlist/distance.js';
import { depthFor, feasiblePairs } from '../../../core/hotlist/keys.js';
import { parsePattern, patternKey } from '../../../core/hotlist/pattern.js';

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
