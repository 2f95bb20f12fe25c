/**
 * Reads plate crops: decode, locate the registration, build its line, recognise a batch of
 * lines in one inference call, decode, rank candidates, calibrate. One reader per thread;
 * the worker pool (`workers/ocr-pool.ts`) runs one per core.
 */
import { isPlateSafeError } from '../errors.js';
import type { Crop } from '../reads/read.js';
import { calibrate, CALIBRATION, type CalibrationTable } from './calibration.js';
import { rankCandidates, type Candidate } from './candidates.js';
import { decodeLine } from './ctc.js';
import { decodeCrop, type GrayImage } from './image.js';
import { buildLine, DEFAULT_LAYOUT, plainLine, type Line, type LineLayout } from './line.js';
import { locateText } from './locate.js';
import { Recognizer, type Frames, type ModelPaths, type RecognizerOptions } from './recognizer.js';

export interface OcrResult {
  /** Best reading ('' when nothing could be read). */
  readonly plate: string;
  /** Calibrated probability that `plate` is right. */
  readonly conf: number;
  /** Top-N readings with calibrated confidences, best first (the first is `plate`). */
  readonly cands: Array<[string, number]>;
  /** Probability of each character of `plate`. */
  readonly chars: number[];
  /** Wall time of the batch this crop was read in, milliseconds. */
  readonly ms: number;
  /** Why a crop could not be read (bad crop data), with its stable code. */
  readonly error?: { code: string; message: string };
}

export interface ReadOptions {
  /** `located` (default): find the characters first; `plain`: whole crop as PP-OCR would. */
  readonly mode?: 'located' | 'plain';
  readonly layout?: LineLayout;
  /** Jurisdiction per crop, when the camera sent one. */
  readonly states?: ReadonlyArray<string | undefined>;
  readonly top?: number;
  /** Map from raw score to confidence (the shipped table unless refitting it). */
  readonly calibration?: CalibrationTable;
}

const NOTHING: Omit<OcrResult, 'ms'> = { plate: '', conf: 0, cands: [], chars: [] };
/** Below this likelihood × format prior a reading gets a second look from other lines. */
const SECOND_LOOK_BELOW = 0.3;
/** Horizontal stretch of a whole-crop line, so condensed characters span enough frames. */
const PLAIN_STRETCH = 1.6;

export class PlateReader {
  private constructor(private readonly recognizer: Recognizer) {}

  static async create(model: ModelPaths, options: RecognizerOptions = {}): Promise<PlateReader> {
    return new PlateReader(await Recognizer.create(model, options));
  }

  /**
   * The lines to read a crop from, best first: the located registration, then second looks
   * for when its reading is doubtful (the registration as one band, the whole crop stretched).
   */
  static linesOf(img: GrayImage, options: ReadOptions = {}): Line[] {
    if (options.mode === 'plain') return [plainLine(img)];
    const layout = options.layout ?? DEFAULT_LAYOUT;
    const text = locateText(img);
    if (!text) return [plainLine(img, PLAIN_STRETCH), plainLine(img)];
    const first = buildLine(text, layout);
    return first.wide.length > 1 ? [first, buildLine(text, layout, true), plainLine(img, PLAIN_STRETCH)] : [first, plainLine(img, PLAIN_STRETCH)];
  }

  async read(crops: readonly Crop[], options: ReadOptions = {}): Promise<OcrResult[]> {
    const started = performance.now();
    const looks: Line[][] = new Array<Line[]>(crops.length);
    const errors: Array<OcrResult['error']> = new Array(crops.length);
    for (let i = 0; i < crops.length; i++) {
      try {
        looks[i] = PlateReader.linesOf(await decodeCrop(crops[i]!), options);
      } catch (e) {
        // One bad crop must not cost the other reads of the batch their OCR.
        if (!isPlateSafeError(e)) throw e;
        errors[i] = { code: e.code, message: e.message };
        looks[i] = [];
      }
    }
    const rank = (line: Line, f: Frames, i: number): Candidate[] =>
      rankCandidates(decodeLine(f, line), { state: options.states?.[i], top: options.top });
    const firsts = looks.flatMap((l) => l.slice(0, 1));
    const firstFrames = await this.recognizer.run(firsts);
    const best: Candidate[][] = new Array<Candidate[]>(crops.length);
    const doubtful: number[] = [];
    for (let i = 0, k = 0; i < crops.length; i++) {
      if (looks[i]!.length === 0) continue;
      best[i] = rank(looks[i]![0]!, firstFrames[k++]!, i);
      if ((best[i]![0]?.score ?? 0) < SECOND_LOOK_BELOW && looks[i]!.length > 1) doubtful.push(i);
    }
    // Second looks for doubtful reads only, batched together: the clear majority pays nothing.
    const seconds = doubtful.flatMap((i) => looks[i]!.slice(1));
    const secondFrames = await this.recognizer.run(seconds);
    for (let d = 0, k = 0; d < doubtful.length; d++) {
      const i = doubtful[d]!;
      for (const line of looks[i]!.slice(1)) {
        const c = rank(line, secondFrames[k++]!, i);
        if ((c[0]?.score ?? 0) > (best[i]![0]?.score ?? 0)) best[i] = c;
      }
    }
    const ms = performance.now() - started;
    const table = options.calibration ?? CALIBRATION;
    return crops.map((_, i) => {
      const ranked = best[i];
      if (!ranked || ranked.length === 0) return errors[i] ? { ...NOTHING, ms, error: errors[i] } : { ...NOTHING, ms };
      return {
        plate: ranked[0]!.plate,
        conf: calibrate(ranked[0]!.share, table),
        cands: ranked.map((c): [string, number] => [c.plate, calibrate(c.share, table)]),
        chars: [...ranked[0]!.chars],
        ms,
      };
    });
  }

  async close(): Promise<void> {
    await this.recognizer.release();
  }
}
