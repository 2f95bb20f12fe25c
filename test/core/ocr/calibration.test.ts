import { describe, expect, it } from 'vitest';
import { calibrate, CALIBRATION, fitIsotonic, reliability } from '../../../core/ocr/calibration.js';

describe('confidence calibration', () => {
  it('ships a fitted, monotone table of probabilities', () => {
    expect(CALIBRATION.fittedOn).toMatch(/seed/);
    expect(CALIBRATION.x.length).toBe(CALIBRATION.y.length);
    expect(CALIBRATION.x.length).toBeGreaterThan(3);
    for (let i = 1; i < CALIBRATION.x.length; i++) {
      expect(CALIBRATION.x[i]!).toBeGreaterThanOrEqual(CALIBRATION.x[i - 1]!);
      expect(CALIBRATION.y[i]!).toBeGreaterThanOrEqual(CALIBRATION.y[i - 1]!);
    }
    for (const y of CALIBRATION.y) expect(y >= 0 && y <= 1).toBe(true);
    expect(calibrate(0)).toBeLessThan(calibrate(1));
  });

  it('fits isotonic regression: monotone, smoothed, close to the observed accuracy', () => {
    // Raw score r is right with probability r²: a monotone but miscalibrated score.
    const samples: Array<[number, boolean]> = [];
    for (let i = 0; i < 2000; i++) {
      const r = ((i * 7919) % 2000) / 2000;
      samples.push([r, (i * 104729) % 1000 < r * r * 1000]);
    }
    const t = fitIsotonic(samples, 'test');
    for (let i = 1; i < t.y.length; i++) expect(t.y[i]!).toBeGreaterThan(t.y[i - 1]!);
    expect(t.y[0]).toBeGreaterThan(0);
    expect(t.y[t.y.length - 1]).toBeLessThan(1);
    expect(calibrate(0.5, t)).toBeGreaterThan(0.15);
    expect(calibrate(0.5, t)).toBeLessThan(0.35);
    expect(calibrate(0.95, t)).toBeGreaterThan(0.8);
  });

  it('interpolates between knots', () => {
    const t = { method: 'test', fittedOn: 'test', x: [0, 1], y: [0.2, 0.6] };
    expect(calibrate(0.5, t)).toBeCloseTo(0.4, 6);
  });

  it('falls to 0 below the lowest knot: an alternative with a tiny share is not stated as sure as the knot', () => {
    const t = { method: 'test', fittedOn: 'test', x: [0.4, 1], y: [0.3, 0.9] };
    expect(calibrate(0.4, t)).toBeCloseTo(0.3, 6);
    expect(calibrate(0.2, t)).toBeCloseTo(0.15, 6);
    expect(calibrate(0.001, t)).toBeLessThan(0.001);
    expect(calibrate(0, t)).toBe(0);
  });

  it('reports reliability per confidence bin', () => {
    const rows = reliability([[0.95, true], [0.96, false], [0.3, false]]);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.n).toBe(2);
    expect(rows[1]!.accuracy).toBe(0.5);
  });
});
