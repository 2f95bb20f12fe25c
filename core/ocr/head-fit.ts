/**
 * Fits the recogniser's output layer to plate crops: the weight and bias that project each
 * frame's features onto the blank and the 36 plate classes, by the CTC loss of lines whose
 * registration is known, with Adam. Everything before the layer stays as shipped, so the fit
 * has 4,477 numbers to move and tens of thousands of lines to move them with; it starts from
 * the shipped layer's plate columns and is pulled back towards them (an L2 term), so the
 * recogniser keeps what it learned from real text and only its plate classes are re-weighed.
 */
import { z } from 'zod';
import { rng } from '../plates/synthetic.js';
import { COMPACT_CLASSES } from './alphabet.js';
import { ctcLoss } from './ctc-loss.js';
import type { PlateHead } from './head.js';

/** One line read by the feature model: `frames × rows` features and the registration's classes. */
export interface FitLine {
  readonly frames: number;
  readonly features: Float32Array;
  /** Compact classes of the registration (1 + index in the plate alphabet). */
  readonly label: readonly number[];
}

export const FitOptionsSchema = z.object({
  /** Passes over the lines: the loss of held-out lines stops falling after about six. */
  epochs: z.number().int().positive().default(6),
  rate: z.number().positive().default(1e-3),
  /**
   * Weight of the pull back towards the starting layer, ½·pull·‖θ − θ₀‖². At 0.01 the fitted
   * weight moves about a third of the shipped one's norm, at 0.001 half, for the same accuracy
   * on held-out crops: the closer layer keeps more of what real text taught the recogniser.
   */
  pull: z.number().nonnegative().default(0.01),
  batch: z.number().int().positive().default(32),
  /** Seed of the order lines are visited in: the same lines and seed give the same head. */
  seed: z.number().int().default(1),
});
export type FitOptions = z.input<typeof FitOptionsSchema>;

const C = COMPACT_CLASSES;

/** Softmax over the compact classes of every frame of `line` under weight `w` and bias `b`. */
export function frameProbs(line: FitLine, rows: number, w: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const p = new Float64Array(line.frames * C);
  for (let t = 0; t < line.frames; t++) {
    const f = t * rows;
    const at = t * C;
    let max = -Infinity;
    for (let k = 0; k < C; k++) {
      let z = b[k]!;
      for (let r = 0; r < rows; r++) z += line.features[f + r]! * w[r * C + k]!;
      p[at + k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < C; k++) sum += p[at + k] = Math.exp(p[at + k]! - max);
    for (let k = 0; k < C; k++) p[at + k]! /= sum;
  }
  return p;
}

/** Mean CTC loss of the lines under `head`, over the lines whose label fits their frames. */
export function meanLoss(lines: readonly FitLine[], head: PlateHead): { nll: number; lines: number } {
  let nll = 0;
  let n = 0;
  for (const line of lines) {
    const loss = ctcLoss(frameProbs(line, head.rows, head.weight, head.bias), line.frames, C, line.label);
    if (!loss) continue;
    nll += loss.nll;
    n++;
  }
  return { nll: n > 0 ? nll / n : 0, lines: n };
}

/** Adam's moments of one parameter array. */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(n: number) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  /** One step of `theta` along `grad` (already averaged) plus the pull towards `start`. */
  step(theta: Float64Array, grad: Float64Array, start: ArrayLike<number>, step: number, o: z.output<typeof FitOptionsSchema>): void {
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (let j = 0; j < theta.length; j++) {
      const g = grad[j]! + o.pull * (theta[j]! - start[j]!);
      this.m[j] = 0.9 * this.m[j]! + 0.1 * g;
      this.v[j] = 0.999 * this.v[j]! + 0.001 * g * g;
      theta[j]! -= (o.rate * (this.m[j]! / c1)) / (Math.sqrt(this.v[j]! / c2) + 1e-8);
    }
  }
}

/** Add one line's gradient to `gw`, `gb`; false when its label cannot be aligned. */
function accumulate(line: FitLine, rows: number, w: Float64Array, b: Float64Array, gw: Float64Array, gb: Float64Array): boolean {
  const loss = ctcLoss(frameProbs(line, rows, w, b), line.frames, C, line.label);
  if (!loss) return false;
  for (let t = 0; t < line.frames; t++) {
    for (let k = 0; k < C; k++) {
      const g = loss.grad[t * C + k]!;
      gb[k]! += g;
      for (let r = 0; r < rows; r++) gw[r * C + k]! += g * line.features[t * rows + r]!;
    }
  }
  return true;
}

function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The head fitted to `lines`, starting from `start`; `onEpoch` sees each pass's head. */
export function fitHead(lines: readonly FitLine[], start: PlateHead, options: FitOptions = {}, onEpoch?: (epoch: number, head: PlateHead) => void): PlateHead {
  const o = FitOptionsSchema.parse(options);
  const rows = start.rows;
  const w = Float64Array.from(start.weight);
  const b = Float64Array.from(start.bias);
  const adamW = new Adam(w.length);
  const adamB = new Adam(b.length);
  const random = rng(o.seed);
  let step = 0;
  const current = (): PlateHead => ({ rows, weight: Float32Array.from(w), bias: Float32Array.from(b) });
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = shuffled(lines.length, random);
    for (let from = 0; from < order.length; from += o.batch) {
      const gw = new Float64Array(w.length);
      const gb = new Float64Array(b.length);
      let n = 0;
      for (const i of order.slice(from, from + o.batch)) if (accumulate(lines[i]!, rows, w, b, gw, gb)) n++;
      if (n === 0) continue;
      for (let j = 0; j < gw.length; j++) gw[j]! /= n;
      for (let k = 0; k < gb.length; k++) gb[k]! /= n;
      step++;
      adamW.step(w, gw, start.weight, step, o);
      adamB.step(b, gb, start.bias, step, o);
    }
    onEpoch?.(epoch, current());
  }
  return current();
}
