import { describe, expect, it } from 'vitest';
import { COMPACT_CLASSES, PLATE_ALPHABET } from '../../../core/ocr/alphabet.js';
import { greedyPath } from '../../../core/ocr/ctc.js';
import { fitHead, frameProbs, meanLoss, type FitLine } from '../../../core/ocr/head-fit.js';
import type { PlateHead } from '../../../core/ocr/head.js';
import { rng } from '../../../core/plates/synthetic.js';

/**
 * Lines over three features: a blank frame is (1, 0, 0), an `A` frame (0, 1, 0), a `B` frame
 * (0, 0, 1), plus noise. A head that has learned this reads every line's registration.
 */
const ROWS = 3;
const A = 1 + PLATE_ALPHABET.indexOf('A');
const B = 1 + PLATE_ALPHABET.indexOf('B');

function lines(n: number, seed: number): FitLine[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => {
    const label = Array.from({ length: 3 + Math.floor(random() * 3) }, () => (random() < 0.5 ? A : B));
    const frames: number[] = [];
    for (const k of label) frames.push(0, k, k);
    frames.push(0);
    const features = new Float32Array(frames.length * ROWS);
    frames.forEach((k, t) => {
      const hot = k === 0 ? 0 : k === A ? 1 : 2;
      for (let r = 0; r < ROWS; r++) features[t * ROWS + r] = (r === hot ? 1 : 0) + 0.1 * (random() - 0.5);
    });
    return { frames: frames.length, features, label };
  });
}

const BLANK_HEAD: PlateHead = { rows: ROWS, weight: new Float32Array(ROWS * COMPACT_CLASSES), bias: new Float32Array(COMPACT_CLASSES) };

function reads(line: FitLine, head: PlateHead): number[] {
  const probs = Float32Array.from(frameProbs(line, head.rows, head.weight, head.bias));
  return greedyPath({ count: line.frames, columns: COMPACT_CLASSES, probs }).map((e) => e.k + 1);
}

describe('fitting the output layer by CTC loss', () => {
  const train = lines(200, 1);
  const held = lines(50, 2);

  it('learns to read held-out lines from a layer that reads nothing', () => {
    const before = meanLoss(held, BLANK_HEAD);
    const head = fitHead(train, BLANK_HEAD, { epochs: 20, rate: 0.05, pull: 0 });
    const after = meanLoss(held, head);
    expect(after.lines).toBe(held.length);
    expect(after.nll).toBeLessThan(before.nll / 10);
    for (const line of held) expect(reads(line, head)).toEqual(line.label);
  });

  it('gives the same layer for the same lines and seed, another for another seed', () => {
    const options = { epochs: 2, rate: 0.05, pull: 0 };
    const a = fitHead(train, BLANK_HEAD, options);
    const b = fitHead(train, BLANK_HEAD, options);
    const c = fitHead(train, BLANK_HEAD, { ...options, seed: 9 });
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(b.weight.buffer))).toBe(true);
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(c.weight.buffer))).toBe(false);
  });

  it('stays nearer the starting layer the harder it is pulled back', () => {
    const distance = (h: PlateHead): number => Math.hypot(...h.weight);
    const loose = fitHead(train, BLANK_HEAD, { epochs: 5, rate: 0.05, pull: 0 });
    const held = fitHead(train, BLANK_HEAD, { epochs: 5, rate: 0.05, pull: 5 });
    expect(distance(held)).toBeLessThan(distance(loose) / 2);
  });

  it('passes over lines whose registration cannot fit their frames', () => {
    const short: FitLine = { frames: 1, features: new Float32Array(ROWS), label: [A, A] };
    expect(meanLoss([short, ...held], BLANK_HEAD).lines).toBe(held.length);
    expect(() => fitHead([short], BLANK_HEAD, { epochs: 1 })).not.toThrow();
  });
});
