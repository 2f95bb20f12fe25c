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
import { decodeCrop, smooth, type GrayImage } from './image.js';
import { aspectWidth, buildLine, regionLine, type Line } from './line.js';
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
  /**
   * `centre` (default): the crop's centre band first, the located characters and the whole
   * crop as second looks; `plain`: the whole crop as PP-OCR would (the benchmark baseline).
   */
  readonly mode?: 'centre' | 'plain';
  /** Jurisdiction per crop, when the camera sent one. */
  readonly states?: ReadonlyArray<string | undefined>;
  readonly top?: number;
  /** Map from raw score to confidence (the shipped table unless refitting it). */
  readonly calibration?: CalibrationTable;
}

const NOTHING: Omit<OcrResult, 'ms'> = { plate: '', conf: 0, cands: [], chars: [] };
/** Below this likelihood × format prior a reading gets a second look from other lines. */
const SECOND_LOOK_BELOW = 0.3;
/**
 * Rows of the crop the registration sits in: the state name is above them, the slogan
 * below. Measured on generated noisy crops, this band read alone beats the whole crop (the
 * recogniser no longer reads the state name into the plate) and the located characters.
 */
const CENTRE_TOP = 0.18;
const CENTRE_BOTTOM = 0.82;
/**
 * Width of the centre band's line, whatever the crop's size: plate crops are about 2:1, so
 * characters get about the aspect a regular face has (condensed faces stretched about 1.1×),
 * and every first look of a batch has one width, so the recogniser reads them in one call.
 * 160 px reads as well as 200 px on the noisy set and costs a fifth less.
 */
const CENTRE_WIDTH = 160;
/** Horizontal stretch of the whole crop as a second look (condensed faces). */
const WHOLE_STRETCH = 2.2;
/** Rounds of further looks, the turn and the shift of the centre band in the second. */
const LOOK_ROUNDS = 2;
const TURN_DEG = 4;
const SHIFT = 0.08;

export class PlateReader {
  private constructor(private readonly recognizer: Recognizer) {}

  static async create(model: ModelPaths, options: RecognizerOptions = {}): Promise<PlateReader> {
    return new PlateReader(await Recognizer.create(model, options));
  }

  /**
   * The line every crop is read from first, sampled from the crop smoothed by one 3×3 box
   * pass (`soft`): sensor noise and JPEG blocks cost the recogniser 7 points on the hard set.
   */
  static firstLook(img: GrayImage, soft: GrayImage, options: ReadOptions = {}): Line {
    return options.mode === 'plain' ? regionLine(img, 0, 1, aspectWidth(img, 0, 1, 1)) : regionLine(soft, CENTRE_TOP, CENTRE_BOTTOM, CENTRE_WIDTH);
  }

  /**
   * Lines for a reading still doubtful after `stage` earlier rounds (none when there are no
   * more rounds). Round 1: the located characters laid out at a fixed pitch (a registration
   * off the centre, or tilted out of the band) and the whole crop stretched. Round 2: the
   * centre band turned ±4° (rotation the band cannot hold) and shifted up or down by a tenth
   * of the crop (a registration off its middle).
   */
  static moreLooks(stage: number, img: GrayImage, soft: GrayImage, options: ReadOptions = {}): Line[] {
    if (options.mode === 'plain') return [];
    if (stage === 1) {
      const text = locateText(img);
      const whole = regionLine(soft, 0, 1, aspectWidth(soft, 0, 1, WHOLE_STRETCH));
      return text ? [buildLine(text), whole] : [whole];
    }
    if (stage !== 2) return [];
    return [
      regionLine(soft, CENTRE_TOP, CENTRE_BOTTOM, CENTRE_WIDTH, TURN_DEG),
      regionLine(soft, CENTRE_TOP, CENTRE_BOTTOM, CENTRE_WIDTH, -TURN_DEG),
      regionLine(soft, CENTRE_TOP - SHIFT, CENTRE_BOTTOM - SHIFT, CENTRE_WIDTH),
      regionLine(soft, CENTRE_TOP + SHIFT, CENTRE_BOTTOM + SHIFT, CENTRE_WIDTH),
    ];
  }

  async read(crops: readonly Crop[], options: ReadOptions = {}): Promise<OcrResult[]> {
    const started = performance.now();
    const images: Array<GrayImage | undefined> = new Array<GrayImage | undefined>(crops.length);
    const errors: Array<OcrResult['error']> = new Array(crops.length);
    for (let i = 0; i < crops.length; i++) {
      try {
        images[i] = await decodeCrop(crops[i]!);
      } catch (e) {
        // One bad crop must not cost the other reads of the batch their OCR.
        if (!isPlateSafeError(e)) throw e;
        errors[i] = { code: e.code, message: e.message };
      }
    }
    const rank = (line: Line, f: Frames, i: number): Candidate[] =>
      rankCandidates(decodeLine(f, line), { state: options.states?.[i], top: options.top });
    const readable: number[] = [];
    const firsts: Line[] = [];
    const soft: GrayImage[] = new Array<GrayImage>(crops.length);
    images.forEach((img, i) => {
      if (!img) return;
      readable.push(i);
      soft[i] = smooth(img);
      firsts.push(PlateReader.firstLook(img, soft[i], options));
    });
    const firstFrames = await this.recognizer.run(firsts);
    const best: Candidate[][] = new Array<Candidate[]>(crops.length);
    readable.forEach((i, k) => {
      best[i] = rank(firsts[k]!, firstFrames[k]!, i);
    });
    // More looks for doubtful reads only, batched together: the clear majority pays nothing.
    let doubtful = readable;
    for (let stage = 1; stage <= LOOK_ROUNDS; stage++) {
      doubtful = doubtful.filter((i) => (best[i]![0]?.score ?? 0) < SECOND_LOOK_BELOW);
      const owner: number[] = [];
      const lines: Line[] = [];
      for (const i of doubtful) {
        for (const line of PlateReader.moreLooks(stage, images[i]!, soft[i]!, options)) {
          owner.push(i);
          lines.push(line);
        }
      }
      const frames = await this.recognizer.run(lines);
      lines.forEach((line, k) => {
        const i = owner[k]!;
        const c = rank(line, frames[k]!, i);
        if ((c[0]?.score ?? 0) > (best[i]![0]?.score ?? 0)) best[i] = c;
      });
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
