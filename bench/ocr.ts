/**
 * OCR benchmark: accuracy on generated clean, noisy and hard crops (exact plate and top-3),
 * the confidence calibration, latency, and throughput of the worker pool, each speed step
 * measured against the plain PP-OCR baseline in the same run.
 *
 *   npm run bench:ocr -- [--n 600] [--speed 240] [--fit] [--seed 3003] [--failures]
 *
 * `--fit` refits the calibration table on a separate seed (2,400 crops a preset) and writes
 * `core/ocr/calibration.json`; the reliability table is always reported on the evaluation
 * seed, which the fit never sees. `--seed` generates the sets from another seed: every
 * choice of the pipeline (regions, widths, look weights and gates) was tuned on seed
 * 3003 (`--seed 3003`), never on the reported seed. `--failures` prints each wrong hard read: truth,
 * reading, the other candidates and how many looks were taken. Final line:
 * {"bench":"ocr","clean":…,"noisy":…,"hard":…,"top3_noisy":…,"ms_p50":…,"crops_per_s":…,"head_ratio":…,"hard_shipped_layer":…}
 * where `head_ratio` is the recogniser's time with its output layer cut to the plate classes
 * over its time as shipped (`headStep`), and `hard_shipped_layer` the hard set's accuracy with
 * the output layer as shipped instead of the plate head fitted to plate crops.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { plateClassIndex } from '../core/ocr/alphabet.js';
import { fitIsotonic, reliability, type CalibrationTable } from '../core/ocr/calibration.js';
import { compactHead, encodeHead, shippedHead } from '../core/ocr/head.js';
import { decodeCrop, smooth } from '../core/ocr/image.js';
import { PlateReader, type OcrResult, type ReadOptions } from '../core/ocr/reader.js';
import { batchTensor } from '../core/ocr/recognizer.js';
import { generateSet, PRESETS, type Preset, type Sample } from '../fixtures/crops/generate.js';
import { loadModel, type VerifiedModel } from '../models/loader.js';
import { createOcrPool } from '../workers/ocr-pool.js';

/** Seed of the reported figures; the pipeline is tuned on seed 3003, the calibration fitted on `FIT_SEED`. */
const EVAL_SEED = 1001;
const FIT_SEED = 2002;
/**
 * Crops a preset the calibration is fitted on, whatever `--n`: on 600 a preset its middle bins
 * held 20–70 reads each and missed by up to 0.12 on the reported seed (stated 0.76, observed
 * 0.89 over 2,400 crops a preset); on 2,400 they miss by 0.04 at most.
 */
const FIT_N = 2400;
const IDENTITY: CalibrationTable = { method: 'identity', fittedOn: 'none', x: [0, 1], y: [0, 1] };
/** Times the pool reads the speed set for its throughput (see the pool step). */
const POOL_ROUNDS = 4;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function pct(v: number): number {
  return Math.round(v * 10000) / 100;
}

/**
 * 95 % Wilson interval of a proportion, in percent: on 600 hard crops one seed's figure moves
 * about a point either way (eight blocks of 300 crops of one seed ranged 90.7–94.0 %), so a
 * figure near a target is quoted with its interval.
 */
function wilson(k: number, n: number): [number, number] {
  const z = 1.96;
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [pct(mid - half), pct(mid + half)];
}

function quantile(values: number[], q: number): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface Accuracy {
  exact: number;
  top3: number;
}

function accuracy(samples: readonly Sample[], results: readonly OcrResult[]): Accuracy {
  let exact = 0;
  let top3 = 0;
  samples.forEach((s, i) => {
    const r = results[i]!;
    if (r.plate === s.plate) exact++;
    if (r.cands.slice(0, 3).some(([p]) => p === s.plate)) top3++;
  });
  return { exact: exact / samples.length, top3: top3 / samples.length };
}

/** Wrong reads: truth, reading with its confidence, the other candidates, looks taken. */
function printFailures(samples: readonly Sample[], results: readonly OcrResult[]): void {
  samples.forEach((s, i) => {
    const r = results[i]!;
    if (r.plate === s.plate) return;
    const others = r.cands.slice(1).map(([p, c]) => `${p === s.plate ? '*' : ''}${p} ${c.toFixed(2)}`);
    console.log(`    ${s.plate.padEnd(8)} read ${r.plate.padEnd(8)} ${r.conf.toFixed(2)}  looks ${r.looks}  [${others.join(', ')}]  ${s.state} ${s.font} ${s.crop.w}×${s.crop.h}`);
  });
}

interface Run {
  results: OcrResult[];
  perCrop: number[];
  wall: number;
  /** CPU milliseconds of the whole process (all threads) per crop. */
  cpu: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Read samples on this thread in batches of `batch`; per-crop milliseconds of each call. */
async function readLocal(reader: PlateReader, samples: readonly Sample[], batch: number, options: ReadOptions): Promise<Run> {
  const results: OcrResult[] = [];
  const perCrop: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < samples.length; i += batch) {
    const chunk = samples.slice(i, i + batch);
    const t = performance.now();
    results.push(...(await reader.read(chunk.map((s) => s.crop), options)));
    perCrop.push((performance.now() - t) / chunk.length);
  }
  return { results, perCrop, wall: performance.now() - t0, cpu: cpuMs(c0) / samples.length };
}

/**
 * One speed step: accuracy, latency, wall throughput, and CPU per crop — on a machine shared
 * with other work the CPU time is the steadier measure; cores × 1000 / CPU ms is what the
 * step would sustain with the cores to itself.
 */
function reportStep(name: string, samples: readonly Sample[], run: Run, base?: Run): void {
  const acc = accuracy(samples, run.results);
  const perS = (samples.length / run.wall) * 1000;
  const ratio = base ? `  ${(base.cpu / run.cpu).toFixed(2)}× plain CPU` : '';
  console.log(
    `  ${name.padEnd(36)} exact ${pct(acc.exact).toFixed(1).padStart(5)}%  ms/crop p50 ${quantile(run.perCrop, 0.5).toFixed(2).padStart(6)}` +
      `  ${perS.toFixed(1).padStart(6)} crops/s  CPU ${run.cpu.toFixed(2).padStart(6)} ms/crop  (${((cpus().length * 1000) / run.cpu).toFixed(0)} crops/s on idle cores)${ratio}`,
  );
}

/**
 * The output layer cut to the plate classes (`head.ts`) against the model as shipped: the
 * same batches of four centre-band lines (the first looks) through both sessions, interleaved, one
 * thread each; median milliseconds a batch.
 */
async function headStep(model: VerifiedModel, samples: readonly Sample[]): Promise<number> {
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
  const full = await ort.InferenceSession.create(model.recognizerPath, options);
  const index = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
  const compact = await ort.InferenceSession.create(compactHead(readFileSync(model.recognizerPath), index), options);
  const lines = await Promise.all(
    samples.map(async (s) => {
      const img = await decodeCrop(s.crop);
      return PlateReader.firstLook(img, smooth(img));
    }),
  );
  const width = lines[0]!.width;
  const times = { full: [] as number[], compact: [] as number[] };
  for (let i = 0; i + 4 <= lines.length; i += 4) {
    const feeds = { [full.inputNames[0]!]: batchTensor(lines, [i, i + 1, i + 2, i + 3], width) };
    const order = (i / 4) % 2 === 0 ? (['full', 'compact'] as const) : (['compact', 'full'] as const);
    for (const which of order) {
      const t = performance.now();
      await (which === 'full' ? full : compact).run(feeds);
      times[which].push(performance.now() - t);
    }
  }
  await full.release();
  await compact.release();
  const f = quantile(times.full, 0.5);
  const c = quantile(times.compact, 0.5);
  console.log(`  recogniser, batch of 4 × ${width} px: 6,625 classes ${f.toFixed(2)} ms, 37 classes ${c.toFixed(2)} ms (median of ${times.full.length}, interleaved): ${(100 * (1 - c / f)).toFixed(1)} % less`);
  return c / f;
}

/**
 * A reader whose recogniser keeps its output layer as shipped instead of the plate head fitted
 * to plate crops (`npm run fit:head`): the plain baseline is PP-OCR as it comes, and the hard
 * set read by it is the baseline of the fitted head, in this run.
 */
async function shippedLayerReader(model: VerifiedModel): Promise<PlateReader> {
  const dir = mkdtempSync(join(tmpdir(), 'ps-head-'));
  const headPath = join(dir, 'shipped-head.f32');
  const index = plateClassIndex(readFileSync(model.dictionaryPath, 'utf8'));
  writeFileSync(headPath, encodeHead(shippedHead(readFileSync(model.recognizerPath), index)));
  const reader = await PlateReader.create({ ...model, headPath }, { threads: 1 });
  rmSync(dir, { recursive: true, force: true });
  return reader;
}

async function shippedLayerStep(reader: PlateReader, samples: readonly Sample[]): Promise<number> {
  const { results } = await readLocal(reader, samples, 16, {});
  const a = accuracy(samples, results);
  const looks = results.reduce((s, r) => s + r.looks, 0) / results.length;
  console.log(`  hard, output layer as shipped: ${pct(a.exact).toFixed(2)}% / ${pct(a.top3).toFixed(2)}%  (${looks.toFixed(3)} looks a crop; the fitted plate head's figure is above)`);
  return a.exact;
}

async function main(): Promise<void> {
  const n = arg('n', 600);
  const speedN = arg('speed', 240);
  const seed = arg('seed', EVAL_SEED);
  console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`sets: ${n} crops per preset (seed ${seed}); speed steps on ${speedN} noisy crops`);
  const model = loadModel();
  const sets = new Map<Preset, Sample[]>();
  for (const p of PRESETS) sets.set(p, await generateSet(p, seed, n));

  // Speed steps on one thread, then the pool, each against the plain baseline.
  const reader = await PlateReader.create(model, { threads: 1 });
  const shipped = await shippedLayerReader(model);
  const speedSet = sets.get('noisy')!.slice(0, speedN);
  await reader.read(speedSet.slice(0, 8).map((s) => s.crop));
  await shipped.read(speedSet.slice(0, 8).map((s) => s.crop));
  console.log('speed (noisy):');
  const headRatio = await headStep(model, speedSet);
  const plain = await readLocal(shipped, speedSet, 1, { mode: 'plain' });
  reportStep('plain PP-OCR, batch 1 (baseline)', speedSet, plain);
  const located1 = await readLocal(reader, speedSet, 1, {});
  reportStep('centre band + second looks, batch 1', speedSet, located1, plain);
  reportStep('centre band + second looks, batch 8', speedSet, await readLocal(reader, speedSet, 8, {}), plain);
  const threads = availableParallelism();
  const pool = createOcrPool({ model, threads, maxQueue: 1024 });
  await pool.read(speedSet.slice(0, 32).map((s) => s.crop));
  // Sustained throughput, as ingest feeds the pool: the speed set POOL_ROUNDS times over, so
  // the tail (the last tasks, when one worker has finished and the other has not) weighs
  // little. Read once, its 15 tasks split 8 and 7, and the last ran alone: 6-7 % of the wall.
  const poolSet = Array.from({ length: POOL_ROUNDS }, () => speedSet).flat();
  const c0 = process.cpuUsage();
  const tPool = performance.now();
  const pooled = await Promise.all(Array.from({ length: Math.ceil(poolSet.length / 16) }, (_, i) => pool.read(poolSet.slice(i * 16, i * 16 + 16).map((s) => s.crop))));
  const poolWall = performance.now() - tPool;
  const poolRun: Run = { results: pooled.flat(), perCrop: [poolWall / poolSet.length], wall: poolWall, cpu: cpuMs(c0) / poolSet.length };
  const cropsPerS = (poolSet.length / poolWall) * 1000;
  reportStep(`pool, ${threads} threads, batch 16, ${POOL_ROUNDS} rounds`, poolSet, poolRun, plain);

  // Accuracy on every preset through the pool.
  const acc = new Map<Preset, Accuracy>();
  const calib: Array<[number, boolean]> = [];
  console.log('accuracy (exact / top-3):');
  for (const p of PRESETS) {
    const samples = sets.get(p)!;
    const results = (await Promise.all(Array.from({ length: Math.ceil(samples.length / 16) }, (_, i) => pool.read(samples.slice(i * 16, i * 16 + 16).map((s) => s.crop))))).flat();
    const a = accuracy(samples, results);
    acc.set(p, a);
    if (p !== 'clean') results.forEach((r, i) => calib.push([r.conf, r.plate === samples[i]!.plate]));
    const looks = results.reduce((s, r) => s + r.looks, 0) / results.length;
    const [lo, hi] = wilson(Math.round(a.exact * samples.length), samples.length);
    console.log(`  ${p.padEnd(6)} ${pct(a.exact).toFixed(2)}% (95 % interval ${lo.toFixed(1)}–${hi.toFixed(1)}) / ${pct(a.top3).toFixed(2)}%  (${looks.toFixed(3)} looks a crop)`);
    if (p === 'hard' && process.argv.includes('--failures')) printFailures(samples, results);
  }
  await pool.close();
  const shippedHard = await shippedLayerStep(shipped, sets.get('hard')!);
  await shipped.close();

  if (process.argv.includes('--fit')) {
    const fit: Array<[number, boolean]> = [];
    for (const p of ['noisy', 'hard'] as const) {
      const samples = await generateSet(p, FIT_SEED, FIT_N);
      const { results } = await readLocal(reader, samples, 16, { calibration: IDENTITY });
      results.forEach((r, i) => fit.push([r.conf, r.plate === samples[i]!.plate]));
    }
    const table = fitIsotonic(fit, `noisy + hard, seed ${FIT_SEED}, ${fit.length} crops`);
    const file = fileURLToPath(new URL('../../core/ocr/calibration.json', import.meta.url));
    writeFileSync(file, `${JSON.stringify(table)}\n`);
    // The pool's confidences are already calibrated with the table this build ships, so the
    // new table is not applied over them: the table below is this build's, the next run shows
    // the refitted one.
    console.log(`calibration refitted on ${fit.length} crops → core/ocr/calibration.json (rebuild and run again to see it below)`);
  }
  console.log('calibration on noisy + hard, as this build ships it (stated confidence → observed accuracy):');
  for (const row of reliability(calib)) {
    console.log(`  [${row.lo.toFixed(2)}, ${row.hi.toFixed(2)})  n ${String(row.n).padStart(5)}  mean conf ${row.meanConf.toFixed(3)}  accuracy ${row.accuracy.toFixed(3)}`);
  }
  await reader.close();

  console.log(
    JSON.stringify({
      bench: 'ocr',
      clean: pct(acc.get('clean')!.exact),
      noisy: pct(acc.get('noisy')!.exact),
      hard: pct(acc.get('hard')!.exact),
      top3_noisy: pct(acc.get('noisy')!.top3),
      ms_p50: Math.round(quantile(located1.perCrop, 0.5) * 100) / 100,
      crops_per_s: Math.round(cropsPerS * 10) / 10,
      head_ratio: Math.round(headRatio * 1000) / 1000,
      hard_shipped_layer: pct(shippedHard),
    }),
  );
}

await main();
