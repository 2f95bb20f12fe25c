import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPACT_CLASSES, PLATE_ALPHABET, plateClassIndex } from '../../../core/ocr/alphabet.js';
import { decodeLine, greedyPath } from '../../../core/ocr/ctc.js';
import { frameProbs, meanLoss, type FitLine } from '../../../core/ocr/head-fit.js';
import { compactHead, decodeHead, encodeHead, featureModel, shippedHead, type PlateHead } from '../../../core/ocr/head.js';
import { decodeCrop, smooth } from '../../../core/ocr/image.js';
import { regionLine, type Line } from '../../../core/ocr/line.js';
import { batchTensor, Recognizer, type Frames } from '../../../core/ocr/recognizer.js';
import { loadModel } from '../../../models/loader.js';
import { fixtureSet } from './fixtures.js';

const OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
const WIDTH = 160;

/** Frames of every line, `classes` columns a frame, the columns `take` kept (compact order). */
async function frames(session: ort.InferenceSession, lines: Line[], take: ArrayLike<number>): Promise<Frames[]> {
  const out = await session.run({ [session.inputNames[0]!]: batchTensor(lines, lines.map((_, i) => i), WIDTH) });
  const t = out[session.outputNames[0]!]!;
  const [, steps, classes] = t.dims as number[];
  const data = t.data as Float32Array;
  return lines.map((_, b) => {
    const probs = new Float32Array(steps! * COMPACT_CLASSES);
    for (let s = 0; s < steps!; s++) for (let k = 0; k < COMPACT_CLASSES; k++) probs[s * COMPACT_CLASSES + k] = data[(b * steps! + s) * classes! + take[k]!]!;
    return { count: steps!, columns: COMPACT_CLASSES, probs };
  });
}

function text(f: Frames): string {
  return greedyPath(f).map((e) => PLATE_ALPHABET[e.k]).join('');
}

describe('recogniser output layer cut to the plate classes', () => {
  const model = loadModel();
  const index = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
  const identity = Int32Array.from({ length: COMPACT_CLASSES }, (_, k) => k);
  let full: ort.InferenceSession;
  let compact: ort.InferenceSession;
  let lines: Line[];
  beforeAll(async () => {
    full = await ort.InferenceSession.create(model.recognizerPath, OPTIONS);
    compact = await ort.InferenceSession.create(compactHead(readFileSync(model.recognizerPath), index), OPTIONS);
    const fx = [...fixtureSet('noisy'), ...fixtureSet('hard')];
    lines = await Promise.all(fx.map(async (f) => regionLine(smooth(await decodeCrop(f.crop)), { top: 0.18, bottom: 0.82, left: 0, right: 1 }, WIDTH)));
  });
  afterAll(async () => {
    await full.release();
    await compact.release();
  });

  it('outputs 37 columns a frame where the full model outputs 6,625', () => {
    expect(compact.outputMetadata[0]).toMatchObject({ shape: [expect.anything(), expect.anything(), COMPACT_CLASSES] });
    expect(full.outputMetadata[0]).toMatchObject({ shape: [expect.anything(), expect.anything(), 6625] });
  });

  it('reads the committed crops as the full model does, with the same per-character probabilities', async () => {
    const before = await frames(full, lines, index);
    const after = await frames(compact, lines, identity);
    let differing = 0;
    before.forEach((f, i) => {
      const g = after[i]!;
      expect(text(g)).toBe(text(f));
      for (let t = 0; t < f.count; t++) {
        // The compact softmax is the full one renormalised over the plate classes.
        const row = f.probs.subarray(t * COMPACT_CLASSES, (t + 1) * COMPACT_CLASSES);
        const mass = row.reduce((a, b) => a + b, 0);
        for (let k = 0; k < COMPACT_CLASSES; k++) expect(g.probs[t * COMPACT_CLASSES + k]).toBeCloseTo(row[k]! / mass, 4);
        if (mass < 0.999) differing++;
      }
      const a = decodeLine(f, lines[i]!);
      const b = decodeLine(g, lines[i]!);
      expect(b.n).toBe(a.n);
      for (let k = 0; k < a.probs.length; k++) expect(b.probs[k]).toBeCloseTo(a.probs[k]!, 3);
    });
    // Some frames did give mass to other classes, so the comparison above is not vacuous.
    expect(differing).toBeGreaterThan(0);
  });

  it('refuses a model whose output is not a projection and softmax, with PS_ERR_MODEL_ALTERED', () => {
    expect(() => compactHead(new Uint8Array([0xff, 0xff, 0xff]), index)).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
    expect(() => compactHead(readFileSync(model.dictionaryPath), index)).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
    expect(() => compactHead(readFileSync(model.recognizerPath), Int32Array.of(0, 7000))).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });
});

describe('plate head fitted to plate crops', () => {
  const model = loadModel();
  const bytes = readFileSync(model.recognizerPath);
  const index = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
  const identity = Int32Array.from({ length: COMPACT_CLASSES }, (_, k) => k);
  const fitted = decodeHead(readFileSync(model.headPath), COMPACT_CLASSES);
  const shipped = shippedHead(bytes, index);
  let lines: FitLine[];
  let centre: Line[];
  beforeAll(async () => {
    const fx = [...fixtureSet('noisy'), ...fixtureSet('hard')];
    centre = await Promise.all(fx.map(async (f) => regionLine(smooth(await decodeCrop(f.crop)), { top: 0.18, bottom: 0.82, left: 0.1, right: 0.9 }, 144)));
    const features = await Recognizer.features(model);
    const frames = await features.run(centre);
    await features.release();
    lines = frames.map((f, i) => ({ frames: f.count, features: f.probs, label: [...fx[i]!.plate].map((c) => 1 + PLATE_ALPHABET.indexOf(c)) }));
  });

  it('is the layer the recogniser applies to the features its cut copy puts out', async () => {
    expect(lines[0]!.features.length).toBe(lines[0]!.frames * fitted.rows);
    const recognizer = await Recognizer.create(model);
    const out = await recognizer.run(centre);
    await recognizer.release();
    out.forEach((f, i) => {
      const expected = frameProbs(lines[i]!, fitted.rows, fitted.weight, fitted.bias);
      for (let j = 0; j < expected.length; j++) expect(f.probs[j]).toBeCloseTo(expected[j]!, 4);
    });
  });

  it('leaves the model as the plain cut when given the shipped columns', async () => {
    const plain = await ort.InferenceSession.create(compactHead(bytes, index), OPTIONS);
    const same = await ort.InferenceSession.create(compactHead(bytes, index, shipped), OPTIONS);
    const [a, b] = [await frames(plain, centre.slice(0, 4), identity), await frames(same, centre.slice(0, 4), identity)];
    await Promise.all([plain.release(), same.release()]);
    a.forEach((f, i) => expect(Array.from(b[i]!.probs)).toEqual(Array.from(f.probs)));
  });

  it('explains the committed crops better than the shipped layer: lower CTC loss of their registrations', () => {
    const before = meanLoss(lines, shipped);
    const after = meanLoss(lines, fitted);
    expect(after.lines).toBe(lines.length);
    expect(after.nll).toBeLessThan(before.nll * 0.8);
  });

  it('round-trips through its file format and refuses a layer that does not fit the model', () => {
    const again = decodeHead(encodeHead(fitted), COMPACT_CLASSES);
    expect(Array.from(again.weight)).toEqual(Array.from(fitted.weight));
    expect(Array.from(again.bias)).toEqual(Array.from(fitted.bias));
    expect(() => decodeHead(new Uint8Array(10), COMPACT_CLASSES)).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
    const narrow: PlateHead = { rows: 60, weight: new Float32Array(60 * COMPACT_CLASSES), bias: new Float32Array(COMPACT_CLASSES) };
    expect(() => compactHead(bytes, index, narrow)).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });

  it('cuts the model before its output layer for fitting', async () => {
    const session = await ort.InferenceSession.create(featureModel(bytes), OPTIONS);
    expect(session.outputMetadata[0]).toMatchObject({ shape: [expect.anything(), expect.anything(), shipped.rows] });
    await session.release();
  });
});
