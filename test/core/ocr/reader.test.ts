import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { calibrate } from '../../../core/ocr/calibration.js';
import { decodeCrop, smooth } from '../../../core/ocr/image.js';
import { PlateReader } from '../../../core/ocr/reader.js';
import { loadModel } from '../../../models/loader.js';
import { fixtureSet } from './fixtures.js';

/**
 * Accuracy floors on the committed crops (seeded, 12 per preset). They sit a little under
 * what the reader achieves so that a regression fails them, not a lucky crop.
 */
const FLOORS: Record<string, number> = { clean: 11, noisy: 11, hard: 10, png: 3, gray8: 2 };

describe('plate reader on committed crops', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await PlateReader.create(loadModel());
  });
  afterAll(() => reader.close());

  for (const [set, floor] of Object.entries(FLOORS)) {
    it(`reads at least ${floor} of the ${set} crops exactly`, async () => {
      const fx = fixtureSet(set);
      const results = await reader.read(fx.map((f) => f.crop));
      const right = results.filter((r, i) => r.plate === fx[i]!.plate).length;
      expect(right).toBeGreaterThanOrEqual(floor);
      for (const r of results) {
        expect(r.cands[0]?.[0]).toBe(r.plate);
        expect(r.chars).toHaveLength(r.plate.length);
        expect(r.conf).toBeGreaterThanOrEqual(0);
        expect(r.conf).toBeLessThanOrEqual(1);
      }
    });
  }

  it('beats the plain whole-crop reading on the noisy crops', async () => {
    const fx = fixtureSet('noisy').concat(fixtureSet('hard'));
    const located = await reader.read(fx.map((f) => f.crop));
    const plain = await reader.read(fx.map((f) => f.crop), { mode: 'plain' });
    const score = (rs: typeof plain): number => rs.filter((r, i) => r.plate === fx[i]!.plate).length;
    expect(score(located)).toBeGreaterThan(score(plain));
  });

  it('looks again in rounds: located characters and the whole crop, then the band turned and shifted', async () => {
    const img = await decodeCrop(fixtureSet('hard')[0]!.crop);
    const soft = smooth(img);
    const first = PlateReader.firstLook(img, soft);
    const round1 = PlateReader.moreLooks(1, img, soft);
    const round2 = PlateReader.moreLooks(2, img, soft);
    expect(round1.length).toBeGreaterThanOrEqual(1);
    expect(round1.length).toBeLessThanOrEqual(2);
    expect(round1[round1.length - 1]!.kind).toBe('whole');
    expect(round1[round1.length - 1]!.line.width).toBeGreaterThan(first.width);
    expect(round2.map((l) => l.kind)).toEqual(['turned', 'turned', 'shifted', 'shifted']);
    for (const { line } of round2) {
      expect(line.width).toBe(first.width);
      expect(line.pixels).not.toEqual(first.pixels);
    }
    expect(PlateReader.moreLooks(3, img, soft)).toEqual([]);
    expect(PlateReader.moreLooks(1, img, soft, { mode: 'plain' })).toEqual([]);
  });

  it('keeps a sure first look alone and looks again at doubtful crops only', async () => {
    const fx = fixtureSet('clean').concat(fixtureSet('hard'));
    // A crop with no plate in it, only speckle: no look can be sure of it.
    const speckle = new Uint8Array(200 * 100).map((_, i) => ((i * 2654435761) >>> 24) & 255);
    const results = await reader.read([...fx.map((f) => f.crop), { fmt: 'gray8', w: 200, h: 100, data: speckle }]);
    expect(results[fx.length]!.looks).toBeGreaterThan(1);
    const alone = results.filter((r) => r.looks === 1);
    const again = results.filter((r) => r.looks > 1);
    expect(alone.length).toBeGreaterThan(0);
    expect(again.length).toBeGreaterThan(0);
    // A first look is kept alone only when its share of the likelihood reaches the gate.
    for (const r of alone) expect(r.conf).toBeGreaterThanOrEqual(calibrate(0.6) - 1e-9);
    // Round 1 adds the whole crop (and the located characters when found), round 2 four bands.
    for (const r of again) expect([2, 3, 6, 7]).toContain(r.looks);
    expect(results.filter((r, i) => r.looks === 1 && fx[i]!.file.includes('/clean/')).length).toBeGreaterThanOrEqual(10);
  });

  it('reads a crop the same alone as in a batch whose first looks share one inference call', async () => {
    const fx = fixtureSet('noisy').concat(fixtureSet('hard'));
    const batched = await reader.read(fx.map((f) => f.crop));
    for (let i = 0; i < fx.length; i++) {
      const [alone] = await reader.read([fx[i]!.crop]);
      expect(alone!.plate).toBe(batched[i]!.plate);
      expect(alone!.conf).toBeCloseTo(batched[i]!.conf, 4);
      expect(alone!.cands.map(([p]) => p)).toEqual(batched[i]!.cands.map(([p]) => p));
    }
  });

  it('reads a doubled character in a condensed face', async () => {
    const fx = fixtureSet('noisy').filter((f) => /(.)\1/.test(f.plate));
    expect(fx.length).toBeGreaterThan(2);
    const results = await reader.read(fx.map((f) => f.crop));
    expect(results.filter((r, i) => r.plate === fx[i]!.plate).length).toBeGreaterThanOrEqual(fx.length - 1);
  });

  it('answers a bad crop with its stable code and still reads the rest of the batch', async () => {
    const good = fixtureSet('clean')[0]!;
    const results = await reader.read([
      { fmt: 'gray8', w: 10, h: 10, data: new Uint8Array(7) },
      { fmt: 'png', w: 1, h: 1, data: new Uint8Array([1, 2, 3, 4]) },
      good.crop,
    ]);
    expect(results[0]!.error?.code).toBe('PS_ERR_CROP_INVALID');
    expect(results[1]!.error?.code).toBe('PS_ERR_CROP_INVALID');
    expect(results[2]!.plate).toBe(good.plate);
  });

  it('decodes gray8, PNG and JPEG crops to the same grey size', async () => {
    for (const set of ['gray8', 'png', 'clean']) {
      const img = await decodeCrop(fixtureSet(set)[0]!.crop);
      expect(img.data.length).toBe(img.w * img.h);
      expect(img.w).toBeGreaterThan(img.h);
    }
  });

  it('turns colour and grey-with-alpha crops into luma', async () => {
    // Four bands of four columns: red, green, blue, light grey.
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 200, 200]];
    const pixels = Array.from({ length: 16 * 8 }, (_, i) => colours[Math.floor((i % 16) / 4)]!).flat();
    const rgb = await sharp(Buffer.from(pixels), { raw: { width: 16, height: 8, channels: 3 } }).png().toBuffer();
    const img = await decodeCrop({ fmt: 'png', w: 16, h: 8, data: rgb });
    // BT.601 weights in 8-bit fixed point: red 77, green 149, blue 29; grey stays grey.
    expect([img.data[0], img.data[4], img.data[8], img.data[12]]).toEqual([77, 149, 29, 200]);
    const greyAlpha = await sharp(Buffer.from(Array.from({ length: 16 * 8 }, () => [90, 255]).flat()), { raw: { width: 16, height: 8, channels: 2 } }).png().toBuffer();
    const ga = await decodeCrop({ fmt: 'png', w: 16, h: 8, data: greyAlpha });
    expect(ga.data.length).toBe(128);
    expect(new Set(ga.data)).toEqual(new Set([90]));
  });
});
