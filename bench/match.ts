/**
 * `npm run bench:match [-- --entries N --reads N]`: hot-list matching at scale on one thread.
 * Builds realistic US plates over several lists (through the real store: LMDB writes and
 * index compilation) plus partial entries, matches reads that are mostly misses with
 * planted exact, confused, shortened and partial-pattern hits, and compares with the
 * approach of today's open-source tools (Levenshtein against every entry) measured on a
 * sample in the same run. Then replaces the largest list with a 1M-row CSV while a second
 * thread keeps matching. Prints the environment first and one JSON line last.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PlateDistance } from '../core/hotlist/distance.js';
import type { RawRow } from '../core/hotlist/rows.js';
import { HotlistStore } from '../core/hotlist/store.js';
import { loadProfile } from '../core/policy/profiles.js';
import { PlateGenerator } from '../core/plates/synthetic.js';

const args = parseArgs(process.argv.slice(2));
const ENTRIES = args.entries ?? 1_000_000;
const READS = args.reads ?? 1_000_000;
const PARTIALS = args.partials ?? Math.round(ENTRIES / 100);
const REPLACE = args.replace ?? ENTRIES;
/** Longest the baseline may run; it is slow by design, so it runs on a sample. */
const BASELINE_SECONDS = args['baseline-seconds'] ?? 10;

/**
 * Lists of a California agency: share of entries, accepted distance, share of partials.
 * Distance 1 takes one or two confusions, or one dropped or unrelated character; the BOLO
 * list also takes a confusion beside a dropped doubled character (1.2, a depth-2 index).
 * Distance 2 (any two characters) is left to small lists: against a million plates it
 * would flag most reads.
 */
const LISTS = [
  { name: 'ncic-svs', share: 0.6, maxDistance: 1, partials: 0.5 },
  { name: 'ncic-slr', share: 0.2, maxDistance: 1, partials: 0 },
  { name: 'cleas-sfr', share: 0.15, maxDistance: 1, partials: 0.2 },
  { name: 'local-bolo', share: 0.05, maxDistance: 1.2, partials: 0.3 },
] as const;

interface Planted {
  plate: string;
  state: string;
  id: string;
  maxDistance: number;
}

function parseArgs(argv: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = Number(argv[i + 1]);
  return out;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Rows of one list; every 10th plate and every partial is kept for planting reads. */
function* listRows(g: PlateGenerator, list: (typeof LISTS)[number], planted: Planted[], partials: Planted[]): Iterable<RawRow> {
  const plates = Math.round(ENTRIES * list.share);
  const pats = Math.round(PARTIALS * list.partials);
  for (let i = 0; i < plates + pats; i++) {
    const { plate, state } = g.next();
    const id = `${list.name}:1:${i}`;
    if (i < plates) {
      if (i % 10 === 0) planted.push({ plate, state, id, maxDistance: list.maxDistance });
      yield { line: i + 2, fields: { plate, state, reason: 'stolen_vehicle', priority: 50 } };
    } else {
      const pattern = g.partial(plate);
      partials.push({ plate: pattern, state, id, maxDistance: list.maxDistance });
      yield { line: i + 2, fields: { plate: pattern, reason: 'bolo', priority: 60 } };
    }
  }
}

/** A plate that fits a pattern: wildcards filled with random characters. */
function fill(g: PlateGenerator, pattern: string): string {
  return pattern.replace(/\?/g, () => g.char('ABCDEFGHJKLMNPRSTUVWXYZ0123456789')).replace(/\*/g, () => String(g.int(1000)));
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Unweighted Levenshtein distance: what open-source ALPR tools compute against each entry. */
function levenshtein(a: string, b: string, row: Uint16Array): number {
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

async function main(): Promise<void> {
  log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  // A shared machine: the load says how much of the wall-clock figures is waiting for a core.
  log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  log(`entries ${ENTRIES}, partials ${PARTIALS}, reads ${READS}, replacement ${REPLACE} rows`);
  const dir = mkdtempSync(join(tmpdir(), 'ps-bench-match-'));
  const store = await HotlistStore.open(dir, loadProfile('menlo-park'));
  const g = new PlateGenerator(7);
  const planted: Planted[] = [];
  const partials: Planted[] = [];

  const t0 = performance.now();
  for (const list of LISTS) {
    const report = await store.importRows(listRows(g, list, planted, partials), {
      list: list.name,
      replace: true,
      settings: { maxDistance: list.maxDistance },
    });
    log(`  ${list.name}: ${report.imported} entries (${report.partials} partial) in ${report.seconds.toFixed(1)} s`);
  }
  const buildS = (performance.now() - t0) / 1000;
  const matcher = store.matcher();

  // Reads: 70 % misses, 10 % exact (some in another state), 8 % one or two confusions,
  // 5 % a dropped character, 2 % fitting a partial entry, 5 % misses with OCR candidates.
  const rg = new PlateGenerator(11);
  const dist = new PlateDistance();
  const bytes = new Uint8Array(16);
  const lat = new Float64Array(READS);
  let plantedCount = 0;
  let found = 0;
  let hits = 0;
  const cpu0 = process.cpuUsage().user;
  for (let i = 0; i < READS; i++) {
    const r = rg.random();
    let read: { plate: string; st?: string; cands?: [string, number][] };
    let want: Planted | undefined;
    if (r < 0.7) read = { plate: rg.next().plate, st: rg.state() };
    else if (r < 0.95) {
      want = r < 0.93 ? planted[rg.int(planted.length)]! : partials[rg.int(partials.length)]!;
      const plate =
        r < 0.8 ? want.plate : r < 0.88 ? rg.confuse(want.plate, 1 + rg.int(2)) : r < 0.93 ? rg.drop(want.plate) : fill(rg, want.plate);
      read = { plate, st: rg.random() < 0.9 ? want.state : rg.state() };
    } else {
      const plate = rg.next().plate;
      read = { plate, cands: [[rg.confuse(plate, 1), 0.6], [rg.confuse(plate, 2), 0.3]] };
    }
    const start = performance.now();
    const result = matcher.match(read);
    lat[i] = performance.now() - start;
    if (result.length > 0) hits++;
    if (want && withinDistance(want, read.plate)) {
      plantedCount++;
      if (result.some((m) => m.entryId === want.id)) found++;
    }
  }
  const cpuMicros = process.cpuUsage().user - cpu0;
  const totalS = lat.reduce((s, v) => s + v, 0) / 1000;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  lat.sort();
  log(
    `  ${READS} reads in ${totalS.toFixed(2)} s of matching (the loop, read generation included, ` +
      `used ${(cpuMicros / READS).toFixed(2)} µs of CPU a read); ${hits} with hits; planted ${plantedCount}, found ${found}`,
  );

  function withinDistance(want: Planted, plate: string): boolean {
    if (/[?*[]/.test(want.plate)) return true;
    for (let k = 0; k < want.plate.length; k++) bytes[k] = want.plate.charCodeAt(k);
    for (let k = 0; k < plate.length; k++) bytes[8 + k] = plate.charCodeAt(k);
    return dist.compute(bytes, 0, want.plate.length, bytes.subarray(8), plate.length, want.maxDistance) !== Infinity;
  }

  // Baseline on a sample: regenerate every entry's plate and compare each read with all.
  const bg = new PlateGenerator(7);
  const all: string[] = [];
  for (const list of LISTS) {
    const n = Math.round(ENTRIES * list.share) + Math.round(PARTIALS * list.partials);
    for (let i = 0; i < n; i++) all.push(bg.next().plate);
  }
  const row = new Uint16Array(32);
  const sg = new PlateGenerator(13);
  let baseReads = 0;
  let baseHits = 0;
  const b0 = performance.now();
  while (performance.now() - b0 < BASELINE_SECONDS * 1000 && baseReads < READS) {
    const plate = sg.random() < 0.7 ? sg.next().plate : sg.confuse(planted[sg.int(planted.length)]!.plate, 1);
    for (let k = 0; k < all.length; k++) if (levenshtein(all[k]!, plate, row) <= 1) baseHits++;
    baseReads++;
  }
  const baselineRps = baseReads / ((performance.now() - b0) / 1000);
  log(`  baseline: ${baseReads} reads against ${all.length} entries, ${baseHits} hits, ${baselineRps.toFixed(1)} reads/s`);
  all.length = 0;

  const replaceS = await replacement(store);
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const readsPerS = READS / totalS;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'match',
      entries: ENTRIES,
      partials: PARTIALS,
      p50_us: round(percentile(lat, 0.5) * 1000),
      p99_us: round(percentile(lat, 0.99) * 1000),
      reads_per_s: Math.round(readsPerS),
      build_s: round(buildS),
      rss_mb: Math.round(rssMb),
      recall: plantedCount === 0 ? 1 : round(found / plantedCount, 4),
      baseline_reads_per_s: round(baselineRps),
      speedup: Math.round(readsPerS / baselineRps),
      replace_s: round(replaceS),
    })}\n`,
  );
}

/** Replaces the largest list from a CSV file while a worker thread keeps matching. */
async function replacement(store: HotlistStore): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ps-bench-csv-'));
  const csv = join(dir, 'svs.csv');
  const g = new PlateGenerator(23);
  const lines = ['plate,state,reason,priority,case,source'];
  for (let i = 0; i < REPLACE; i++) {
    const { plate, state } = g.next();
    lines.push(`${plate},${state},stolen_vehicle,50,26-${i},NCIC`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  lines.length = 0;
  const list = LISTS[0].name;
  const worker = new Worker(new URL('./match-worker.js', import.meta.url), { workerData: { snapshot: store.snapshot(), list } });
  const unsubscribe = store.onGeneration((snapshot) => worker.postMessage({ snapshot }));
  const t0 = performance.now();
  const report = await store.importFile(csv, { list, replace: true });
  const seconds = (performance.now() - t0) / 1000;
  worker.postMessage({ stop: true });
  const result = await new Promise<{ lookups: number; mixed: number; generations: number[] }>((resolve) => worker.once('message', resolve));
  unsubscribe();
  await worker.terminate();
  rmSync(dir, { recursive: true, force: true });
  log(
    `  replacement: ${report.imported} rows in ${seconds.toFixed(1)} s; the lookup thread matched ${result.lookups} reads ` +
      `over generations ${result.generations.join(', ')}, ${result.mixed} saw a mix; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
  );
  return seconds;
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

await main();
