/**
 * Memory and search time of a detection store whose partitions' indexes are not all kept in
 * memory (`core/detections/residency.ts`), against the same store keeping every index, in
 * the same run on the same data.
 *
 *   npm run bench:residency -- [--detections 4000000] [--hours 4] [--budget 30]
 *
 * The detections span 30 days in partitions of `--hours` hours (180 at 4 h: as many
 * partitions as half a year of daily ones). The store is filled and checkpointed once, then
 * opened twice: keeping every index, and keeping `--budget`. Each time the same one-day and
 * 30-day queries run (three passes, the first untimed for the first store) and the indexes'
 * memory is read after a full collection (`arrayBuffers`: frozen bitmaps and capture times
 * live in buffers). Final line:
 * {"bench":"residency","partitions":…,"budget":…,"index_mb_all":…,"index_mb_budget":…,
 *  "day_p50_ms_all":…,"day_p50_ms_budget":…,"month_p50_ms_all":…,"month_p50_ms_budget":…,"wake_ms":…}
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditSink } from '../core/audit/sink.js';
import { DetectionStore } from '../core/detections/store.js';
import type { Profile } from '../core/policy/profile.js';
import { loadProfile } from '../core/policy/profiles.js';
import { numericArgs, percentile, printEnvironment, round } from './env.js';
import { DAY_MS, DAYS, detectionBatches, makeFleet, queryPatterns } from './search-data.js';

const SEED = 462;
const CAMERAS = 400;
const ACCESS = { user: 'bench', role: 'investigator', case: 'BENCH-1', purpose: 'criminal_investigation', from: 'bench' };
const sink: AuditSink = { record: async () => 0 };
const KEY = 'bench-master-key-not-a-secret-0123456789';

/** Buffers held, after full collections: a bitmap view's native object lets go of its bytes only once collected itself. */
async function indexMiB(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3 && gc; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().arrayBuffers / 2 ** 20;
}

interface Timing {
  day: number[];
  month: number[];
}

async function timeQueries(store: DetectionStore, patterns: string[], end: number, passes: number): Promise<Timing> {
  const t: Timing = { day: [], month: [] };
  for (let pass = 0; pass < passes; pass++) {
    for (const [span, into] of [[DAY_MS, t.day], [DAYS * DAY_MS, t.month]] as const) {
      for (const pattern of patterns) {
        const start = performance.now();
        await store.search({ pattern, from: end - span, to: end, limit: 100 }, ACCESS, sink);
        if (pass > 0) into.push(performance.now() - start);
      }
    }
  }
  return t;
}

interface Measured {
  t: Timing;
  /** Buffers held after opening, and after the queries (MiB). */
  openMiB: number;
  miB: number;
  /** Milliseconds to wake a hibernating partition, on average. */
  wakeMs: number;
}

/** One store opened with a budget, queried, measured and closed: nothing of it outlives the call. */
async function measure(open: (budget: number) => DetectionStore, budget: number, patterns: string[], end: number): Promise<Measured> {
  const before = await indexMiB();
  const store = open(budget);
  const openMiB = (await indexMiB()) - before;
  const t = await timeQueries(store, patterns, end, 3);
  const miB = (await indexMiB()) - before;
  const cold = store.partitionList().filter((p) => !p.resident);
  const wake = performance.now();
  for (const p of cold) p.wake();
  const wakeMs = cold.length > 0 ? (performance.now() - wake) / cold.length : 0;
  await store.close();
  return { t, openMiB, miB, wakeMs };
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  const o = numericArgs({ detections: 4_000_000, hours: 4, budget: 30 });
  printEnvironment('residency');
  const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const base = loadProfile('menlo-park');
  const profile: Profile = { ...base, retention: { ...base.retention, partitionHours: o.hours } };
  const dir = mkdtempSync(join(tmpdir(), 'ps-bench-resident-'));
  const open = (budget: number): DetectionStore => DetectionStore.open({ dir, profile, clock: () => end, masterKey: KEY, residentPartitions: budget });
  const fill = open(1_000_000);
  for (const batch of detectionBatches(makeFleet(o.detections, CAMERAS, SEED), o.detections, end, 5000, SEED + 1)) await fill.appendBatch(batch);
  await fill.checkpoint(end);
  const partitions = fill.partitionList().length;
  await fill.close();
  const patterns = queryPatterns(5, SEED + 2);
  console.log(`${o.detections} detections over ${DAYS} days in ${partitions} partitions of ${o.hours} h; ${patterns.length} patterns, one day and 30 days`);

  const all = await measure(open, 1_000_000, patterns, end);
  const kept = await measure(open, o.budget, patterns, end);
  rmSync(dir, { recursive: true, force: true });

  console.log(`every index kept: ${round(all.miB, 1)} MiB of buffers; one day p50 ${round(median(all.t.day))} ms, 30 days p50 ${round(median(all.t.month))} ms`);
  console.log(
    `${o.budget} of ${partitions} kept: ${round(kept.openMiB, 1)} MiB after opening, ${round(kept.miB, 1)} MiB after the queries; ` +
      `one day p50 ${round(median(kept.t.day))} ms, 30 days p50 ${round(median(kept.t.month))} ms; waking a partition ${round(kept.wakeMs)} ms`,
  );
  console.log(
    JSON.stringify({
      bench: 'residency',
      partitions,
      budget: o.budget,
      index_mb_all: round(all.miB, 1),
      index_mb_budget: round(kept.miB, 1),
      day_p50_ms_all: round(median(all.t.day)),
      day_p50_ms_budget: round(median(kept.t.day)),
      month_p50_ms_all: round(median(all.t.month)),
      month_p50_ms_budget: round(median(kept.t.month)),
      wake_ms: round(kept.wakeMs),
    }),
  );
}

await main();
