/**
 * The CTC loss of one line (Graves et al., 2006): the negative log-probability of a label
 * summed over every frame alignment that spells it, and its gradient with respect to the
 * frames' logits. Forward and backward variables are rescaled at every frame, so lines of any
 * length stay in floating-point range. Used to fit the recogniser's output layer to plate
 * crops (`head-fit.ts`); decoding never needs it.
 */

export interface CtcLoss {
  /** −log P(label | frames). */
  readonly nll: number;
  /** ∂nll/∂logit, frames × classes: softmax minus the label's occupancy of each class. */
  readonly grad: Float64Array;
}

/**
 * `probs` holds `frames × classes` softmax outputs (class 0 the blank), `label` the classes
 * spelled (1-based, no blanks). Undefined when no alignment fits: a label longer than the
 * frames can spell, or one the frames give no probability at all.
 */
export function ctcLoss(probs: ArrayLike<number>, frames: number, classes: number, label: readonly number[]): CtcLoss | undefined {
  const states = 2 * label.length + 1;
  const lab = new Int32Array(states);
  label.forEach((k, i) => (lab[2 * i + 1] = k));
  // A state may be entered from two back when it is a character unlike the one two back.
  const skips = (s: number): boolean => s >= 2 && lab[s] !== 0 && lab[s] !== lab[s - 2];
  const alpha = forward(probs, frames, classes, lab, skips);
  if (!alpha) return undefined;
  const beta = backward(probs, frames, classes, lab, skips);
  const grad = new Float64Array(frames * classes);
  for (let t = 0; t < frames; t++) {
    let z = 0;
    for (let s = 0; s < states; s++) z += alpha.a[t * states + s]! * beta[t * states + s]!;
    for (let k = 0; k < classes; k++) grad[t * classes + k] = probs[t * classes + k]!;
    if (z <= 0) continue;
    for (let s = 0; s < states; s++) grad[t * classes + lab[s]!]! -= (alpha.a[t * states + s]! * beta[t * states + s]!) / z;
  }
  return { nll: -alpha.logP, grad };
}

/** Rescaled forward variables and log P(label). */
function forward(
  probs: ArrayLike<number>,
  frames: number,
  classes: number,
  lab: Int32Array,
  skips: (s: number) => boolean,
): { a: Float64Array; logP: number } | undefined {
  const states = lab.length;
  const a = new Float64Array(frames * states);
  if (frames === 0) return undefined;
  a[0] = probs[0]!;
  if (states > 1) a[1] = probs[lab[1]!]!;
  let logP = 0;
  for (let t = 0; t < frames; t++) {
    if (t > 0) {
      for (let s = 0; s < states; s++) {
        const prev = (t - 1) * states;
        let v = a[prev + s]!;
        if (s >= 1) v += a[prev + s - 1]!;
        if (skips(s)) v += a[prev + s - 2]!;
        a[t * states + s] = v * probs[t * classes + lab[s]!]!;
      }
    }
    let c = 0;
    for (let s = 0; s < states; s++) c += a[t * states + s]!;
    if (!(c > 0)) return undefined;
    for (let s = 0; s < states; s++) a[t * states + s]! /= c;
    logP += Math.log(c);
  }
  const last = (frames - 1) * states;
  const end = a[last + states - 1]! + (states > 1 ? a[last + states - 2]! : 0);
  return end > 0 ? { a, logP: logP + Math.log(end) } : undefined;
}

/** Rescaled backward variables, each the probability of the frames after t given state s at t. */
function backward(probs: ArrayLike<number>, frames: number, classes: number, lab: Int32Array, skips: (s: number) => boolean): Float64Array {
  const states = lab.length;
  const b = new Float64Array(frames * states);
  const last = (frames - 1) * states;
  b[last + states - 1] = 1;
  if (states > 1) b[last + states - 2] = 1;
  for (let t = frames - 2; t >= 0; t--) {
    const next = (t + 1) * states;
    const emit = (s: number): number => b[next + s]! * probs[(t + 1) * classes + lab[s]!]!;
    let c = 0;
    for (let s = 0; s < states; s++) {
      let v = emit(s);
      if (s + 1 < states) v += emit(s + 1);
      if (s + 2 < states && skips(s + 2)) v += emit(s + 2);
      b[t * states + s] = v;
      c += v;
    }
    if (c > 0) for (let s = 0; s < states; s++) b[t * states + s]! /= c;
  }
  return b;
}
