/**
 * Reads plate crops: decode, locate the registration, build its line, recognise a batch of
 * lines in one inference call, decode, rank candidates, calibrate. One reader per thread;
 * the worker pool (`workers/ocr-pool.ts`) runs one per core.
 */
import { isPlateSafeError } from '../errors.js';
import type { Crop } from '../reads/read.js';
import { calibrate, CALIBRATION, type CalibrationTable } from './calibration.js';
import { rankCandidates, withReadings, type Candidate } from './candidates.js';
import { decodeLine, prefixSearch } from './ctc.js';
import { decodeCrop, smooth, type GrayImage } from './image.js';
import { LookTally, type LookKind } from './looks.js';
import { aspectWidth, buildLine, regionLine, type Line, type Region } from './line.js';
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
  /** Lines read for this crop: 1 when its first look was sure enough, up to 7. */
  readonly looks: number;
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

const NOTHING: Omit<OcrResult, 'ms'> = { plate: '', conf: 0, cands: [], chars: [], looks: 0 };
/**
 * A crop whose leading reading holds less than this share of the looks' likelihood so far
 * (`LookTally.support`) gets round 1, then round 2 of further looks. A share of 0.6 is stated
 * about 0.74 by the calibration, so a first look stated 0.74 or more is kept alone. On generated
 * crops of a tuning seed, read with the fitted plate head, noisy crops take 0.003 further looks
 * each on average, and gates from 0.5 / 0.4 to 0.9 / 0.7 or every look taken move hard crops
 * by −2 … +3 of 1,200 (docs/ocr.md).
 */
const ROUND_BELOW: readonly number[] = [0.6, 0.5];
/**
 * Part of the crop the registration sits in: rows 18–82 % (the state name is above them, the
 * slogan below) and columns 10–90 % (the frame, the bolts and the crop's margin are beside
 * them; most plates keep their characters out of their outer tenth, and a crop cut tighter is
 * read whole by the second looks when the first is doubtful). Measured on generated crops of
 * a tuning seed, this band read alone beats the whole crop (the recogniser no longer reads
 * the state name or a frame edge into the plate) and the located characters.
 */
const CENTRE: Region = { top: 0.18, bottom: 0.82, left: 0.1, right: 0.9 };
const WHOLE: Region = { top: 0, bottom: 1, left: 0, right: 1 };
/**
 * Width of the centre band's line, whatever the crop's size: the band is about 2.5:1 on a
 * 2:1 crop, so characters come out stretched about 1.2× (condensed faces get the aspect a
 * regular face has), and every first look of a batch has one width, so the recogniser reads
 * them in one call. 144 px of the trimmed band reads better than 160 px of the full width
 * (larger characters, no frame edges) and costs a tenth less.
 */
const CENTRE_WIDTH = 144;
/** Horizontal stretch of the whole crop as a second look (condensed faces). */
const WHOLE_STRETCH = 2.2;
/** The turn and the shift of the centre band in the second round of looks. */
const TURN_DEG = 4;
const SHIFT = 0.08;

/** One line to read and which look at the crop it is. */
export interface Look {
  readonly kind: LookKind;
  readonly line: Line;
}

/** Candidates kept per crop unless asked otherwise. */
const TOP = 5;

/**
 * A look whose beam's leading reading holds this share of its likelihood takes no prefix
 * search: on the tuning seed the search changed no such look's choice (hard 559 of 600 with or
 * without it) and it runs on 1 noisy look in 9 instead of every one.
 */
const SURE_LOOK = 0.9;

/** One look's candidates: the slots' beam (`candidates.ts`) and, when it is not sure, the readings the prefix search adds. */
function lookCandidates(frames: Frames, line: Line, state: string | undefined, top: number): Candidate[] {
  const cands = rankCandidates(decodeLine(frames, line), { state, top });
  return (cands[0]?.share ?? 0) >= SURE_LOOK ? cands : withReadings(cands, prefixSearch(frames), { state });
}

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
    return options.mode === 'plain' ? regionLine(img, WHOLE, aspectWidth(img, 0, 1, 1)) : regionLine(soft, CENTRE, CENTRE_WIDTH);
  }

  /**
   * Lines for a reading still doubtful after `stage` earlier rounds (none when there are no
   * more rounds). Round 1: the located characters laid out at a fixed pitch (a registration
   * off the centre, or tilted out of the band) and the whole crop stretched. Round 2: the
   * centre band turned ±4° (rotation the band cannot hold) and shifted up or down by a tenth
   * of the crop (a registration off its middle).
   */
  static moreLooks(stage: number, img: GrayImage, soft: GrayImage, options: ReadOptions = {}): Look[] {
    if (options.mode === 'plain') return [];
    if (stage === 1) {
      const text = locateText(img);
      const whole: Look = { kind: 'whole', line: regionLine(soft, WHOLE, aspectWidth(soft, 0, 1, WHOLE_STRETCH)) };
      return text ? [{ kind: 'located', line: buildLine(text) }, whole] : [whole];
    }
    if (stage !== 2) return [];
    return [
      { kind: 'turned', line: regionLine(soft, CENTRE, CENTRE_WIDTH, TURN_DEG) },
      { kind: 'turned', line: regionLine(soft, CENTRE, CENTRE_WIDTH, -TURN_DEG) },
      { kind: 'shifted', line: regionLine(soft, { ...CENTRE, top: CENTRE.top - SHIFT, bottom: CENTRE.bottom - SHIFT }, CENTRE_WIDTH) },
      { kind: 'shifted', line: regionLine(soft, { ...CENTRE, top: CENTRE.top + SHIFT, bottom: CENTRE.bottom + SHIFT }, CENTRE_WIDTH) },
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
    const top = options.top ?? TOP;
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
    const tallies: LookTally[] = new Array<LookTally>(crops.length);
    readable.forEach((i, k) => {
      tallies[i] = new LookTally();
      tallies[i].add('centre', lookCandidates(firstFrames[k]!, firsts[k]!, options.states?.[i], top));
    });
    // More looks for doubtful reads only, all doubtful crops of the batch in one call: the clear majority pays nothing.
    let doubtful = readable;
    for (let stage = 1; stage <= ROUND_BELOW.length; stage++) {
      doubtful = doubtful.filter((i) => tallies[i]!.support < ROUND_BELOW[stage - 1]!);
      const owner: number[] = [];
      const looks: Look[] = [];
      for (const i of doubtful) {
        for (const look of PlateReader.moreLooks(stage, images[i]!, soft[i]!, options)) {
          owner.push(i);
          looks.push(look);
        }
      }
      const frames = await this.recognizer.run(looks.map((l) => l.line));
      looks.forEach((look, k) => {
        const i = owner[k]!;
        tallies[i]!.add(look.kind, lookCandidates(frames[k]!, look.line, options.states?.[i], top));
      });
    }
    const ms = performance.now() - started;
    const table = options.calibration ?? CALIBRATION;
    return crops.map((_, i) => {
      const ranked = tallies[i]?.ranked(top) ?? [];
      if (ranked.length === 0) return errors[i] ? { ...NOTHING, ms, error: errors[i] } : { ...NOTHING, looks: tallies[i]?.looks ?? 0, ms };
      return {
        plate: ranked[0]!.plate,
        conf: calibrate(ranked[0]!.share, table),
        cands: ranked.map((c): [string, number] => [c.plate, calibrate(c.share, table)]),
        chars: [...ranked[0]!.chars],
        looks: tallies[i]!.looks,
        ms,
      };
    });
  }

  async close(): Promise<void> {
    await this.recognizer.release();
  }
}
