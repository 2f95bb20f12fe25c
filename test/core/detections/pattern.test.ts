import { describe, expect, it } from 'vitest';
import { compilePattern, matches } from '../../../core/detections/pattern.js';
import { codeOf } from './support.js';

describe('partial-plate patterns', () => {
  it('match ?, * and classes', () => {
    const p = compilePattern('7AB*12');
    expect(matches(p, '7ABC12')).toBe(true);
    expect(matches(p, '7AB12')).toBe(true);
    expect(matches(p, '7ABX912')).toBe(true);
    expect(matches(p, '7AC912')).toBe(false);
    expect(matches(compilePattern('?BC12?'), 'ABC123')).toBe(true);
    expect(matches(compilePattern('?BC12?'), 'ABC1234')).toBe(false);
    expect(matches(compilePattern('8X?D3[0O]?'), '8XYD3O1')).toBe(true);
    expect(matches(compilePattern('8X?D3[0O]?'), '8XYD3Q1')).toBe(false);
    expect(matches(compilePattern('[A-C]X*9'), 'BX19')).toBe(true);
  });

  it('is case-insensitive and marks which patterns bitmaps decide alone', () => {
    expect(compilePattern('7ab*12').exactByIndex).toBe(true);
    expect(compilePattern('*123').exactByIndex).toBe(true);
    expect(compilePattern('*12*3').exactByIndex).toBe(false);
    expect(compilePattern('**12**3').segments.length).toBe(3);
  });

  it('widens each character to its confusion class in fuzzy mode', () => {
    const p = compilePattern('8X?D30?', true);
    expect(matches(p, 'BX7O3Q1')).toBe(true);
    expect(matches(compilePattern('8X?D30?'), 'BX7O3Q1')).toBe(false);
  });

  it('refuses malformed or too broad patterns with a stable code', () => {
    for (const bad of ['', '*', '???', 'A*', '7A[B', '7A!', '[]AB', 'ABCDEFGHIJK', '[Z-A]B']) {
      expect(codeOf(() => compilePattern(bad)), bad).toBe('PS_ERR_PATTERN_INVALID');
    }
  });
});
