import { describe, expect, it } from 'vitest';
import {
  canonicalPlate,
  confusable,
  confusablesOf,
  CONFUSION_CLASSES,
  substitutionCost,
  CONFUSABLE_COST,
  EDIT_COST,
} from '../../core/plates/confusion.js';
import { fitsTemplate, formatScore } from '../../core/plates/formats.js';
import { findJurisdiction, JURISDICTIONS, jurisdictionCode, jurisdictionId } from '../../core/plates/jurisdictions.js';
import { normalizePlate, tryNormalizePlate } from '../../core/plates/normalize.js';

describe('plate normalisation', () => {
  it('folds case, separators, width and look-alike letters', () => {
    expect(normalizePlate(' 7ab-c 123 ')).toBe('7ABC123');
    expect(normalizePlate('７ＡＢＣ１２３')).toBe('7ABC123');
    expect(normalizePlate('АВС123')).toBe('ABC123'); // Cyrillic A, Ve, Es
    expect(normalizePlate('lee.8805')).toBe('LEE8805');
  });

  it('refuses what no plate carries, with a stable code', () => {
    for (const bad of ['', '   ', '---', 'ABC$12', '12345678901']) {
      expect(() => normalizePlate(bad)).toThrow(expect.objectContaining({ code: 'PS_ERR_PLATE_INVALID' }));
      expect(tryNormalizePlate(bad)).toBeNull();
    }
  });
});

describe('confusion table', () => {
  it('holds the classes of DESIGN.md, disjoint', () => {
    const all = CONFUSION_CLASSES.join('');
    expect(new Set(all).size).toBe(all.length);
    for (const cls of ['0ODQ', '1ILT', '2Z', '5S', '6G', '8B']) expect(CONFUSION_CLASSES).toContain(cls);
  });

  it('maps confusable plates to one canonical form', () => {
    expect(canonicalPlate('8OS1ZG')).toBe(canonicalPlate('B0SIZ6'));
    expect(canonicalPlate('ABC123')).not.toBe(canonicalPlate('XBC123'));
    expect(confusable('O', '0')).toBe(true);
    expect(confusable('O', 'X')).toBe(false);
  });

  it('costs a confusable substitution below an unrelated one', () => {
    const c = (a: string, b: string) => substitutionCost(a.charCodeAt(0), b.charCodeAt(0));
    expect(c('A', 'A')).toBe(0);
    expect(c('O', '0')).toBeLessThan(c('O', 'Q'));
    expect(c('8', 'B')).toBeLessThanOrEqual(CONFUSABLE_COST);
    expect(c('8', 'X')).toBe(EDIT_COST);
    expect(c('B', '8')).toBe(c('8', 'B'));
    expect(confusablesOf('0')[0]).toBe('O');
  });
});

describe('jurisdictions', () => {
  it('covers US states, DC, territories, Canadian provinces and Mexican states', () => {
    const by = (c: string) => JURISDICTIONS.filter((j) => j.country === c).length;
    expect(by('US')).toBe(51 + 5);
    expect(by('CA')).toBe(13);
    expect(by('MX')).toBe(32);
    expect(findJurisdiction('us-ca')?.code).toBe('CA');
    expect(findJurisdiction('CA-ON')?.name).toBe('Ontario');
    expect(findJurisdiction('JAL')?.country).toBe('MX');
    expect(jurisdictionId('TX')).toBeGreaterThan(0);
    expect(jurisdictionId(undefined)).toBe(0);
    expect(() => jurisdictionCode('ZZ')).toThrow(expect.objectContaining({ code: 'PS_ERR_JURISDICTION_UNKNOWN' }));
  });
});

describe('format templates', () => {
  it('rank a reading that fits its state above one that does not', () => {
    expect(fitsTemplate('7ABC123', '#@@@###')).toBe(true);
    expect(fitsTemplate('7ABC12B', '#@@@###')).toBe(false);
    expect(formatScore('7ABC123', 'CA')).toBe(1);
    expect(formatScore('7ABC12B', 'CA')).toBeLessThan(formatScore('7ABC123', 'CA'));
    expect(formatScore('ABC1234', 'NY')).toBe(1);
    expect(formatScore('ABC1234', 'TX')).toBe(1);
    expect(formatScore('ABCD12', 'FL')).toBe(1);
    expect(formatScore('ABC1234', 'CA')).toBe(0.8);
  });
});
