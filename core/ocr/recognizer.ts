/**
 * The PP-OCRv4 recogniser on onnxruntime-node (CPU), run on batches of lines. Each line is
 * right-padded with paper to its width bucket (a multiple of 16 px) and a batch holds lines of
 * one bucket only: the recogniser's attention sees the padding, so a line padded by its
 * batch-mates would read differently in another batch. This way a crop reads the same alone
 * or in any batch. The model's output layer is cut to the 37 plate classes when the session is
 * created (`head.ts`), so each frame comes out as the compact columns decoding reads.
 */
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { COMPACT_CLASSES, plateClassIndex } from './alphabet.js';
import { compactHead, decodeHead, featureModel } from './head.js';
import { FRAME_STRIDE, LINE_H, type Line } from './line.js';

/** Paths of a model the loader has verified against its manifest. */
export interface ModelPaths {
  readonly recognizerPath: string;
  readonly dictionaryPath: string;
  /** The output layer fitted to plate crops (`head.ts` `PlateHead`, as `encodeHead` stores it). */
  readonly headPath: string;
}

export interface RecognizerOptions {
  /** onnxruntime intra-op threads; 1 when a pool runs one recogniser per core. */
  readonly threads?: number;
  /**
   * Most lines in one inference call. Four is where one core does best: a batch of 4 costs
   * ~8 % less a line than single lines, a batch of 16 ~20 % more (its activations leave the cache).
   */
  readonly batch?: number;
}

/**
 * One line's output, `count` frames × `columns`: the softmax over the plate classes
 * (COMPACT_CLASSES columns), or the output layer's input features (`Recognizer.features`).
 */
export interface Frames {
  readonly count: number;
  readonly probs: Float32Array;
  readonly columns: number;
}

/** Width a line is padded to: the next multiple of 16 pixels (two CTC frames). */
export function bucketWidth(width: number): number {
  return Math.ceil(width / BUCKET_PX) * BUCKET_PX;
}

const BUCKET_PX = 16;

/** The recogniser's input for lines `idx`: batch × 3 × LINE_H × width, right-padded with paper. */
export function batchTensor(lines: readonly Line[], idx: readonly number[], width: number): ort.Tensor {
  const plane = LINE_H * width;
  const input = new Float32Array(idx.length * 3 * plane).fill(1);
  idx.forEach((li, b) => {
    const line = lines[li]!;
    for (let v = 0; v < LINE_H; v++) {
      const src = line.pixels.subarray(v * line.width, (v + 1) * line.width);
      // Grey in, so blue, green and red planes are the same.
      for (let c = 0; c < 3; c++) input.set(src, (b * 3 + c) * plane + v * width);
    }
  });
  return new ort.Tensor('float32', input, [idx.length, 3, LINE_H, width]);
}

export class Recognizer {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly batch: number,
  ) {}

  static async create(model: ModelPaths, options: RecognizerOptions = {}): Promise<Recognizer> {
    const classIndex = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
    const head = decodeHead(readFileSync(model.headPath), COMPACT_CLASSES);
    return Recognizer.open(compactHead(readFileSync(model.recognizerPath), classIndex, head), options);
  }

  /** A recogniser whose frames are the features its output layer reads (for fitting a plate head). */
  static async features(model: Pick<ModelPaths, 'recognizerPath'>, options: RecognizerOptions = {}): Promise<Recognizer> {
    return Recognizer.open(featureModel(readFileSync(model.recognizerPath)), options);
  }

  private static async open(bytes: Uint8Array, options: RecognizerOptions): Promise<Recognizer> {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new Recognizer(session, options.batch ?? 4);
  }

  async run(lines: readonly Line[]): Promise<Frames[]> {
    const buckets = new Map<number, number[]>();
    lines.forEach((line, i) => {
      const w = bucketWidth(line.width);
      const list = buckets.get(w);
      if (list) list.push(i);
      else buckets.set(w, [i]);
    });
    const out: Frames[] = new Array<Frames>(lines.length);
    for (const [width, members] of buckets) {
      for (let start = 0; start < members.length; start += this.batch) await this.runBatch(lines, members.slice(start, start + this.batch), width, out);
    }
    return out;
  }

  private async runBatch(lines: readonly Line[], idx: number[], width: number, out: Frames[]): Promise<void> {
    const feeds = { [this.session.inputNames[0]!]: batchTensor(lines, idx, width) };
    const result = await this.session.run(feeds);
    const tensor = result[this.session.outputNames[0]!]!;
    const steps = tensor.dims[1]!;
    const columns = tensor.dims[2]!;
    const data = tensor.data as Float32Array;
    idx.forEach((li, b) => {
      const count = Math.min(steps, lines[li]!.width / FRAME_STRIDE);
      const from = b * steps * columns;
      out[li] = { count, columns, probs: data.slice(from, from + count * columns) };
    });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
