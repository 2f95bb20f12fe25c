import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { canonicalPlate } from '../../../core/plates/confusion.js';
import { startCompaction } from '../../../core/detections/compaction.js';
import type { DetectionStore } from '../../../core/detections/store.js';
import { KeyStore } from '../../../core/detections/keystore.js';
import { CUSTODIAN, DAY, det, INVESTIGATOR, MASTER_KEY, MemorySink, NOW, openStore, tempDir, cleanUpAfterEach } from './support.js';

cleanUpAfterEach();
let store: DetectionStore;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Every encoding in which the store could have written the plate text. */
function encodings(marker: string): Buffer[] {
  const packr = new Packr({ useRecords: false });
  const forms = new Set([marker, canonicalPlate(marker)]);
  const out: Buffer[] = [];
  for (const f of forms) {
    out.push(Buffer.from(f, 'latin1'), Buffer.from(f, 'utf16le'), Buffer.from(f.toLowerCase(), 'latin1'));
    out.push(packr.pack(f), packr.pack([f, 0]).subarray(1));
  }
  return out;
}

function occurrences(dir: string, markers: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const m of markers) if (encodings(m).some((enc) => bytes.includes(enc))) found.push(`${m} in ${file}`);
  }
  return found;
}

const markers = Array.from({ length: 40 }, (_, i) => `Q${String.fromCharCode(75 + (i % 10))}X${String(i).padStart(3, '0')}J`);

describe('compaction (POLICY R7)', () => {
  it('leaves no byte of an expired marker plate anywhere under the data folder', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    await store.appendBatch(markers.map((m, i) => det('cam-m', i, m, NOW - 3 * DAY + i * 1000, { cands: [[`${m}7`, 0.1]], veh: { make: m } })));
    await store.appendBatch([det('cam-k', 1, 'KEEP123', NOW)]);
    await store.checkpoint(NOW); // index snapshots of the old partition are on disk too
    expect((await store.search({ pattern: 'Q*J' }, INVESTIGATOR, new MemorySink())).total).toBe(40);
    // The scan must be able to fail: a control file with one packed marker is found.
    const control = join(t.dir, 'control.bin');
    writeFileSync(control, new Packr({ useRecords: false }).pack([markers[3]]));
    expect(occurrences(t.dir, markers)).toEqual([`${markers[3]} in ${control}`]);
    rmSync(control);
    const startHour = store.partitionList()[0]!.startHour;
    const keysBefore = KeyStore.open(join(t.dir, 'detections'), MASTER_KEY);
    const partitionKey = keysBefore.get(`part:${startHour}`)!;
    keysBefore.close();
    expect(partitionKey).toHaveLength(32);
    now = NOW + 28 * DAY;
    const report = await store.compact();
    expect(report.purged).toEqual([{ partition: new Date(Math.floor((NOW - 3 * DAY) / DAY) * DAY).toISOString(), detections: 40, held: 0 }]);
    expect((await store.search({ pattern: 'Q*J' }, INVESTIGATOR, new MemorySink())).total).toBe(0);
    expect((await store.search({ pattern: 'KEEP*' }, INVESTIGATOR, new MemorySink())).total).toBe(1);
    expect(occurrences(t.dir, markers)).toEqual([]);
    // The partition key is destroyed: not in the key store, nowhere on disk in the clear.
    const keysAfter = KeyStore.open(join(t.dir, 'detections'), MASTER_KEY);
    expect(keysAfter.get(`part:${startHour}`)).toBeUndefined();
    keysAfter.close();
    expect(occurrences(t.dir, [partitionKey])).toEqual([]);
    await store.close();
    store = openStore(t.dir, { clock: () => now });
    expect(occurrences(t.dir, markers)).toEqual([]);
    expect((await store.search({ pattern: 'KEEP*' }, INVESTIGATOR, new MemorySink())).total).toBe(1);
    // A late read for the purged window is never stored again.
    expect((await store.append(det('cam-late', 1, markers[0]!, NOW - 3 * DAY))).status).toBe('expired');
  });

  it('keeps held detections past the purge and erases them on release', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    const crop = { fmt: 'png' as const, w: 2, h: 1, data: Buffer.from('QHELD-CROP-BYTES') };
    const res = await store.appendBatch([
      det('cam-m', 1, 'QMX001J', NOW - 2 * DAY, { crop }),
      det('cam-m', 2, 'QMX002J', NOW - 2 * DAY + 1),
    ]);
    const heldId = (res[0] as { id: string }).id;
    const sink = new MemorySink();
    const hold = await store.placeHold({ case: '26-0142', ids: [heldId], note: 'shooting suspect' }, CUSTODIAN, sink);
    now = NOW + 30 * DAY;
    const report = await store.compact();
    expect(report.purged.map((p) => [p.detections, p.held])).toEqual([[2, 1]]);
    const view = await store.get(heldId, INVESTIGATOR, sink, { images: true });
    expect(view.plate).toBe('QMX001J');
    expect(Buffer.from(view.crop!.data!).toString()).toBe('QHELD-CROP-BYTES');
    await expect(store.get((res[1] as { id: string }).id, INVESTIGATOR, sink)).rejects.toMatchObject({ code: 'PS_ERR_NOT_FOUND' });
    expect(occurrences(t.dir, ['QMX002J'])).toEqual([]);
    await store.close();
    store = openStore(t.dir, { clock: () => now });
    expect(store.holds().map((h) => h.id)).toEqual([hold.id]);
    expect((await store.get(heldId, INVESTIGATOR, sink)).plate).toBe('QMX001J');
    await store.releaseHold(hold.id, CUSTODIAN, sink);
    await expect(store.get(heldId, INVESTIGATOR, sink)).rejects.toMatchObject({ code: 'PS_ERR_NOT_FOUND' });
    expect(store.holds()).toEqual([]);
    expect(occurrences(t.dir, ['QMX001J', 'QHELD-CROP-BYTES'])).toEqual([]);
  });

  it('keeps dedup after the last partition of a camera is purged', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    await store.append(det('cam-q', 41, 'ABC123', NOW - DAY));
    now = NOW + 31 * DAY;
    await store.compact();
    await store.close();
    store = openStore(t.dir, { clock: () => now });
    expect(store.lastSeq('cam-q')).toBe(41);
  });

  it('lets ingest and search go on while a partition is dropped', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    await store.appendBatch(Array.from({ length: 500 }, (_, i) => det('old', i, `OLD${i}`, NOW - 2 * DAY + i)));
    now = NOW + 29 * DAY;
    const writes = Array.from({ length: 20 }, (_, b) =>
      store.appendBatch(Array.from({ length: 50 }, (_, i) => det('live', b * 50 + i, `LIVE${b}X${i}`, now - 1000 + b))),
    );
    const searching = store.search({ pattern: 'LIVE*', limit: 5 }, INVESTIGATOR, new MemorySink());
    const [report, ...results] = await Promise.all([store.compact(), ...writes]);
    expect(report.purged.map((p) => p.detections)).toEqual([500]);
    expect(results.flat().every((r) => r.status === 'stored')).toBe(true);
    await searching;
    expect((await store.search({ pattern: 'LIVE*', limit: 5 }, INVESTIGATOR, new MemorySink())).total).toBe(1000);
    expect((await store.search({ pattern: 'OLD*', limit: 5 }, INVESTIGATOR, new MemorySink())).total).toBe(0);
  });

  it('runs on a schedule, one run at a time', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    await store.append(det('c', 1, 'ABC123', NOW - DAY));
    now = NOW + 40 * DAY;
    const reports: number[] = [];
    const job = startCompaction(store, { everyMs: 3_600_000, onReport: (r) => reports.push(r.purged.length) });
    const [a, b] = await Promise.all([job.runNow(), job.runNow()]);
    expect(a?.purged).toHaveLength(1);
    expect(b).toBeNull();
    await job.stop();
    expect(reports).toEqual([1]);
  });

  it('runs first soon after start when asked, purging what expired while the server was down and freezing the closed partitions', async () => {
    const t = tempDir();
    let now = NOW;
    store = openStore(t.dir, { clock: () => now });
    await store.append(det('c', 1, 'ABC123', NOW - 25 * DAY));
    await store.append(det('c', 2, 'XYZ789', NOW - DAY));
    await store.close();
    now = NOW + 10 * DAY;
    store = openStore(t.dir, { clock: () => now });
    const reports: number[] = [];
    const ran = new Promise<void>((resolve) => {
      const job = startCompaction(store!, { everyMs: 3_600_000, firstAfterMs: 0, onReport: (r) => (reports.push(r.purged.length), void job.stop().then(resolve)) });
    });
    await ran;
    expect(reports).toEqual([1]);
    const index = store.partitionList()[0]!.plateIndex.bitmaps;
    const present = Array.from({ length: index.keyCount }, (_, k) => index.get(k)).filter((b) => b !== undefined);
    expect(present.length).toBeGreaterThan(0);
    expect(present.every((b) => b.isFrozen)).toBe(true);
  });
});
