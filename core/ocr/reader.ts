/**
 * Reads plate crops: decode, locate the registration, build its line, recognise a batch of
 * lines in one inference call, decode, rank candidates, calibrate. One reader per thread;
 * the worker pool (`workers/ocr-pool.ts`) runs one per core.
 */
import { isPlateSafeError } from '../errors.js';
import type { Crop } from '../reads/read.js';
import { calibrate, CALIBRATION, type CalibrationTable } from './calibration.js';
import { rankCandidates } from './candidates.js';
import { decodeLine } from './ctc.js';
import { decodeCrop, type GrayImage } from './image.js';
import { buildLine, DEFAULT_LAYOUT, plainLine, type Line, type LineLayout } from './line.js';
import { locateText } from './locate.js';
import { Recognizer, type ModelPaths, type RecognizerOptions } from './recognizer.js';

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

export class PlateReader {
  private constructor(private readonly recognizer: Recognizer) {}

  static async create(model: ModelPaths, options: RecognizerOptions = {}): Promise<PlateReader> {
    return new PlateReader(await Recognizer.create(model, options));
  }

  /** Text line of one grey crop, for the recogniser. */
  static lineOf(img: GrayImage, options: ReadOptions = {}): Line {
    if (options.mode === 'plain') return plainLine(img);
    const text = locateText(img);
    return text ? buildLine(text, options.layout ?? DEFAULT_LAYOUT) : plainLine(img);
  }

  async read(crops: readonly Crop[], options: ReadOptions = {}): Promise<OcrResult[]> {
    const started = performance.now();
    const lines: Line[] = [];
    const lineOf: number[] = new Array<number>(crops.length).fill(-1);
    const errors: Array<OcrResult['error']> = new Array(crops.length);
    for (let i = 0; i < crops.length; i++) {
      try {
        lineOf[i] = lines.push(PlateReader.lineOf(await decodeCrop(crops[i]!), options)) - 1;
      } catch (e) {
        // One bad crop must not cost the other reads of the batch their OCR.
        if (!isPlateSafeError(e)) throw e;
        errors[i] = { code: e.code, message: e.message };
      }
    }
    const frames = await this.recognizer.run(lines);
    const ms = performance.now() - started;
    const table = options.calibration ?? CALIBRATION;
    return crops.map((_, i) => {
      const li = lineOf[i]!;
      if (li < 0) return { ...NOTHING, ms, error: errors[i] };
      const ranked = rankCandidates(decodeLine(frames[li]!, lines[li]!), { state: options.states?.[i], top: options.top });
      if (ranked.length === 0) return { ...NOTHING, ms };
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
