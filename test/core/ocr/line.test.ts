import { describe, expect, it } from 'vitest';
import { smooth, type GrayImage } from '../../../core/ocr/image.js';
import { aspectWidth, LINE_H, regionLine } from '../../../core/ocr/line.js';

/** A crop `w`×`h`, black on rows where `dark(y)` holds, white elsewhere. */
function rows(w: number, h: number, dark: (y: number) => boolean): GrayImage {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.fill(dark(y) ? 0 : 255, y * w, (y + 1) * w);
  return { w, h, data };
}

const column = (pixels: Float32Array, width: number, u: number): number[] => Array.from({ length: LINE_H }, (_, v) => pixels[v * width + u]!);

describe('region lines', () => {
  it('takes only the rows asked for: a dark state name above the centre band is left out', () => {
    const img = rows(200, 100, (y) => y < 15);
    const band = regionLine(img, { top: 0.18, bottom: 0.82, left: 0, right: 1 }, 160);
    expect(band.width).toBe(160);
    expect(band.pixels.length).toBe(160 * LINE_H);
    expect(Math.min(...band.pixels)).toBe(1);
    const whole = regionLine(img, { top: 0, bottom: 1, left: 0, right: 1 }, 160);
    expect(column(whole.pixels, 160, 80).slice(0, 5).every((p) => p === -1)).toBe(true);
  });

  it('takes only the columns asked for: a dark frame edge in the outer tenth is left out', () => {
    const img = rows(200, 100, () => false);
    for (let y = 0; y < 100; y++) img.data.fill(0, y * 200, y * 200 + 15);
    const cut = regionLine(img, { top: 0.18, bottom: 0.82, left: 0.1, right: 0.9 }, 144);
    expect(cut.width).toBe(144);
    expect(Math.min(...cut.pixels)).toBe(1);
    const full = regionLine(img, { top: 0.18, bottom: 0.82, left: 0, right: 1 }, 144);
    expect(column(full.pixels, 144, 0).every((p) => p === -1)).toBe(true);
    // The cut band samples 160 of the 200 columns onto 144: column u reads x = 20 + (u + ½)·160/144 − ½.
    const ramp = rows(200, 100, () => false);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) ramp.data[y * 200 + x] = x;
    const r = regionLine(ramp, { top: 0, bottom: 1, left: 0.1, right: 0.9 }, 144);
    expect(((r.pixels[72]! + 1) / 2) * 255).toBeCloseTo(20 + 72.5 * (160 / 144) - 0.5, 3);
  });

  it('turns the band about the crop centre: a turned band reaches the dark rows at one end only', () => {
    const img = rows(200, 100, (y) => y < 20);
    const left = regionLine(img, { top: 0.2, bottom: 0.8, left: 0, right: 1 }, 160, 8);
    expect(Math.min(...column(left.pixels, 160, 2))).toBeLessThan(0);
    expect(Math.min(...column(left.pixels, 160, 157))).toBe(1);
    const right = regionLine(img, { top: 0.2, bottom: 0.8, left: 0, right: 1 }, 160, -8);
    expect(Math.min(...column(right.pixels, 160, 157))).toBeLessThan(0);
    expect(Math.min(...column(right.pixels, 160, 2))).toBe(1);
  });

  it('widths keep the region aspect times the stretch, in whole CTC frames, up to a limit', () => {
    const img = rows(200, 100, () => false);
    expect(aspectWidth(img, 0, 1, 1)).toBe(96);
    expect(aspectWidth(img, 0, 1, 2.2)).toBe(216);
    expect(aspectWidth(img, 0, 0.5, 2.2, 320)).toBe(320);
  });

  it('smoothing averages a lone noisy pixel into its neighbours and keeps flat areas', () => {
    const img = rows(10, 10, () => false);
    img.data[55] = 0;
    const s = smooth(img);
    expect(s.data[55]).toBe(227);
    expect(s.data[54]).toBe(227);
    expect(s.data[0]).toBe(255);
  });
});
