import { describe, expect, it } from 'vitest';
import type { Partition } from '../../../core/detections/partition.js';
import type { DetectionStore } from '../../../core/detections/store.js';
import { DAY, det, INVESTIGATOR, MemorySink, NOW, openStore, tempDir, cleanUpAfterEach } from './support.js';

cleanUpAfterEach();

const DAYS = 6;
const PER_DAY = 40;

/** `PER_DAY` reads on each of the `DAYS` days before today, `7AB` plates among others. */
async function fill(s: DetectionStore): Promise<void> {
  let seq = 0;
  for (let d = DAYS; d >= 1; d--) {
    const batch = Array.from({ length: PER_DAY }, (_, i) => det('cam-1', ++seq, `${i % 2 ? '7AB' : '5XY'}${String(100 + i).slice(-3)}${d}`, NOW - d * DAY + i * 1000));
    await s.appendBatch(batch);
  }
}

/** A filled, checkpointed store keeping one index in memory, and its oldest partition (hibernating). */
async function oneKept(dir: string): Promise<{ s: DetectionStore; oldest: Partition }> {
  const s = openStore(dir, { residentPartitions: 1 });
  await fill(s);
  await s.checkpoint();
  const oldest = s.partitionList()[0]!;
  expect(oldest.resident).toBe(false);
  return { s, oldest };
}

const resident = (s: DetectionStore): number => s.partitionList().filter((p) => p.resident).length;

async function allIds(s: DetectionStore, pattern: string): Promise<string[]> {
  const page = await s.search({ pattern, limit: 500 }, INVESTIGATOR, new MemorySink());
  return page.items.map((d) => d.id);
}

describe('detection store: partitions whose index stays in memory', () => {
  it('keeps at most the budget of closed partitions in memory once their snapshots are saved', async () => {
    const s = openStore(tempDir().dir, { residentPartitions: 2 });
    await fill(s);
    expect(resident(s)).toBe(DAYS);
    await s.checkpoint();
    expect(resident(s)).toBe(2);
    // The two kept are the ones used last: the most recent days.
    expect(s.partitionList().slice(-2).every((p) => p.resident)).toBe(true);
  });

  it('answers searches over hibernating partitions exactly as a store that keeps every index, then lets go again', async () => {
    const lean = openStore(tempDir().dir, { residentPartitions: 2 });
    const full = openStore(tempDir().dir, { residentPartitions: 1000 });
    await fill(lean);
    await fill(full);
    await lean.checkpoint();
    await full.checkpoint();
    for (const pattern of ['7AB*', '5XY1?5*', '5XY*3']) expect(await allIds(lean, pattern)).toEqual(await allIds(full, pattern));
    expect((await allIds(lean, '7AB*')).length).toBe((DAYS * PER_DAY) / 2);
    expect(resident(lean)).toBe(2);
    // A search wider than the budget keeps the newest partitions, which most searches ask for.
    expect(lean.partitionList().slice(-2).every((p) => p.resident)).toBe(true);
    expect(resident(full)).toBe(DAYS);
  });

  it('wakes only the partitions a query time range reaches', async () => {
    const { s, oldest } = await oneKept(tempDir().dir);
    const page = await s.search({ pattern: '7AB*', from: oldest.start, to: oldest.end, limit: 500 }, INVESTIGATOR, new MemorySink());
    expect(page.items).toHaveLength(PER_DAY / 2);
    expect(s.partitionList().filter((p) => p.resident)).toEqual([oldest]);
  });

  it('stores a late read in a hibernating partition, and finds it, after a checkpoint and after a reopen', async () => {
    const { dir } = tempDir();
    const { s, oldest } = await oneKept(dir);
    expect((await s.append(det('late-cam', 1, '7ABLATE', oldest.start + 5000))).status).toBe('stored');
    expect(oldest.count).toBe(PER_DAY + 1);
    expect(await allIds(s, '7ABLAT?')).toHaveLength(1);
    await s.checkpoint();
    expect(resident(s)).toBe(1);
    await s.close();
    const again = openStore(dir, { residentPartitions: 1 });
    // Reopened cold: no index read until used, yet every camera's highest seq is known.
    expect(resident(again)).toBe(0);
    expect(again.lastSeq('late-cam')).toBe(1);
    expect(again.lastSeq('cam-1')).toBe(DAYS * PER_DAY);
    expect(await allIds(again, '7ABLAT?')).toHaveLength(1);
    expect((await allIds(again, '7AB*')).length).toBe((DAYS * PER_DAY) / 2 + 1);
  });

  it('gives capture times of a hibernating partition to readers outside search (exports, reports)', async () => {
    const { oldest } = await oneKept(tempDir().dir);
    const ts = oldest.tsOffsets();
    expect(Array.from(ts.subarray(0, 3))).toEqual([0, 1000, 2000].map((t) => t + NOW - DAYS * DAY - oldest.start));
    expect(oldest.resident).toBe(true);
  });
});
