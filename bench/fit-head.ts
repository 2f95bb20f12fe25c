/**
 * Fits the recogniser's output layer to plate crops and writes `models/plate-head.f32`.
 *
 *   npm run fit:head -- [--hard 2000] [--noisy 1200] [--held 500] [--epochs 6] [--pull 0.01]
 *
 * Every look the reader takes (centre band, located characters, whole crop, turned and
 * shifted bands) of generated hard and noisy crops is read once by the recogniser cut before
 * its output layer; the layer is then fitted to those features by the CTC loss of each
 * line's registration (`core/ocr/head-fit.ts`). The training seeds are their own: the
 * reported figures come from seed 1001, the calibration from 2002, the pipeline's tuning from
 * 3003. Held-out hard crops of another seed show the loss and the centre band's greedy
 * accuracy before and after every pass. Prints the file's sha256 and size for
 * `models/manifest.ts`; final line {"fit":"head",…}.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { COMPACT_CLASSES, PLATE_ALPHABET, plateClassIndex } from '../core/ocr/alphabet.js';
import { greedyPath } from '../core/ocr/ctc.js';
import { fitHead, frameProbs, meanLoss, type FitLine } from '../core/ocr/head-fit.js';
import { encodeHead, shippedHead, type PlateHead } from '../core/ocr/head.js';
import { decodeCrop, smooth } from '../core/ocr/image.js';
import { PlateReader, type Look } from '../core/ocr/reader.js';
import { Recognizer } from '../core/ocr/recognizer.js';
import { generateSet, type Preset } from '../fixtures/crops/generate.js';
import { loadPackage, modelsDir } from '../models/loader.js';
import { OCR_MODEL } from '../models/manifest.js';

const TRAIN: ReadonlyArray<{ preset: Preset; seed: number; arg: string; n: number }> = [
  { preset: 'hard', seed: 4001, arg: 'hard', n: 2000 },
  { preset: 'noisy', seed: 4002, arg: 'noisy', n: 1200 },
];
const HELD = { preset: 'hard' as Preset, seed: 4004, n: 500 };

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

interface KindLine extends FitLine {
  readonly kind: Look['kind'];
  readonly plate: string;
}

/** Every look of `n` crops of a preset and seed, as features the output layer reads. */
async function looksOf(features: Recognizer, preset: Preset, seed: number, n: number): Promise<KindLine[]> {
  const samples = await generateSet(preset, seed, n);
  const out: KindLine[] = [];
  for (let from = 0; from < samples.length; from += 16) {
    const looks: Array<Look & { plate: string }> = [];
    for (const s of samples.slice(from, from + 16)) {
      const img = await decodeCrop(s.crop);
      const soft = smooth(img);
      looks.push({ kind: 'centre', line: PlateReader.firstLook(img, soft), plate: s.plate });
      for (const stage of [1, 2]) for (const look of PlateReader.moreLooks(stage, img, soft)) looks.push({ ...look, plate: s.plate });
    }
    const frames = await features.run(looks.map((l) => l.line));
    looks.forEach((l, i) => {
      const label = [...l.plate].map((c) => 1 + PLATE_ALPHABET.indexOf(c));
      out.push({ kind: l.kind, plate: l.plate, label, frames: frames[i]!.count, features: frames[i]!.probs });
    });
  }
  return out;
}

/** Greedy reading of the centre bands right, and the mean CTC loss of every look. */
function score(lines: readonly KindLine[], head: PlateHead): { centre: number; nll: number } {
  let right = 0;
  let centres = 0;
  for (const line of lines) {
    if (line.kind !== 'centre') continue;
    centres++;
    const probs = Float32Array.from(frameProbs(line, head.rows, head.weight, head.bias));
    const text = greedyPath({ count: line.frames, columns: COMPACT_CLASSES, probs })
      .map((e) => PLATE_ALPHABET[e.k])
      .join('');
    if (text === line.plate) right++;
  }
  return { centre: Math.round((10000 * right) / centres) / 100, nll: Math.round(meanLoss(lines, head).nll * 10000) / 10000 };
}

async function main(): Promise<void> {
  const model = loadPackage();
  const features = await Recognizer.features(model, { threads: availableParallelism() });
  const started = performance.now();
  const train: KindLine[] = [];
  for (const t of TRAIN) train.push(...(await looksOf(features, t.preset, t.seed, arg(t.arg) ?? t.n)));
  const held = await looksOf(features, HELD.preset, HELD.seed, arg('held') ?? HELD.n);
  await features.release();
  const readS = (performance.now() - started) / 1000;
  console.log(`features: ${train.length} training lines, ${held.length} held out, ${readS.toFixed(0)} s`);
  const index = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
  const start = shippedHead(readFileSync(model.recognizerPath), index);
  const before = score(held, start);
  console.log(`held-out hard crops (seed ${HELD.seed}), shipped layer: centre band ${before.centre} %, loss ${before.nll}`);
  const head = fitHead(train, start, { epochs: arg('epochs'), pull: arg('pull') }, (epoch, h) => {
    const s = score(held, h);
    console.log(`  pass ${epoch + 1}: centre band ${s.centre} %, loss ${s.nll}`);
  });
  const after = score(held, head);
  const bytes = encodeHead(head);
  const file = join(modelsDir(), OCR_MODEL.head.path);
  writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(`wrote ${file}: ${bytes.byteLength} bytes, sha256 ${sha256} (models/manifest.ts pins both)`);
  const fitS = (performance.now() - started) / 1000 - readS;
  console.log(JSON.stringify({ fit: 'head', lines: train.length, held_centre_before: before.centre, held_centre_after: after.centre, held_nll_before: before.nll, held_nll_after: after.nll, read_s: Math.round(readS), fit_s: Math.round(fitS) }));
}

await main();
