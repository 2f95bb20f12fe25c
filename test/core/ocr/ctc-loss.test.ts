import { describe, expect, it } from 'vitest';
import { ctcLoss } from '../../../core/ocr/ctc-loss.js';
import { rng } from '../../../core/plates/synthetic.js';

function softmax(logits: number[], frames: number, classes: number): Float64Array {
  const p = new Float64Array(frames * classes);
  for (let t = 0; t < frames; t++) {
    const row = logits.slice(t * classes, (t + 1) * classes);
    const max = Math.max(...row);
    const e = row.map((z) => Math.exp(z - max));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => (p[t * classes + k] = v / sum));
  }
  return p;
}

/** P(label) by enumerating every path of `frames` classes and collapsing it (repeats merged, blanks dropped). */
function bruteForce(p: Float64Array, frames: number, classes: number, label: number[]): number {
  let total = 0;
  const path = new Array<number>(frames).fill(0);
  const visit = (t: number, prob: number): void => {
    if (t === frames) {
      const out: number[] = [];
      path.forEach((k, i) => {
        if (k !== 0 && (i === 0 || path[i - 1] !== k)) out.push(k);
      });
      if (out.join() === label.join()) total += prob;
      return;
    }
    for (let k = 0; k < classes; k++) {
      path[t] = k;
      visit(t + 1, prob * p[t * classes + k]!);
    }
  };
  visit(0, 1);
  return total;
}

function randomLogits(n: number, seed: number): number[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => 4 * random() - 2);
}

describe('CTC loss', () => {
  const frames = 6;
  const classes = 4;

  it.each([[[1, 2]], [[1, 1]], [[3]], [[2, 1, 2]], [[1, 1, 1]]])('equals −log of every alignment of %j summed', (label) => {
    const p = softmax(randomLogits(frames * classes, label.length * 7 + label[0]!), frames, classes);
    const loss = ctcLoss(p, frames, classes, label);
    expect(loss).toBeDefined();
    expect(loss!.nll).toBeCloseTo(-Math.log(bruteForce(p, frames, classes, label)), 9);
  });

  it('has the gradient finite differences give, with respect to every logit', () => {
    const label = [2, 2, 3];
    const logits = randomLogits(frames * classes, 42);
    const loss = ctcLoss(softmax(logits, frames, classes), frames, classes, label)!;
    const h = 1e-6;
    for (let j = 0; j < logits.length; j++) {
      const up = [...logits];
      const down = [...logits];
      up[j]! += h;
      down[j]! -= h;
      const numeric = (ctcLoss(softmax(up, frames, classes), frames, classes, label)!.nll - ctcLoss(softmax(down, frames, classes), frames, classes, label)!.nll) / (2 * h);
      expect(loss.grad[j]).toBeCloseTo(numeric, 5);
    }
  });

  it('stays finite on a long line whose probabilities underflow without rescaling', () => {
    const long = 400;
    const p = softmax(randomLogits(long * classes, 7), long, classes);
    const loss = ctcLoss(p, long, classes, [1, 2, 3, 1, 2, 3]);
    expect(loss).toBeDefined();
    expect(Number.isFinite(loss!.nll)).toBe(true);
    expect(loss!.nll).toBeGreaterThan(300);
  });

  it('is undefined when the label cannot be spelled in the frames', () => {
    const p = softmax(randomLogits(2 * classes, 3), 2, classes);
    // A doubled character needs a blank between its two frames: three frames at least.
    expect(ctcLoss(p, 2, classes, [1, 1])).toBeUndefined();
    expect(ctcLoss(p, 2, classes, [1, 2])).toBeDefined();
  });
});
