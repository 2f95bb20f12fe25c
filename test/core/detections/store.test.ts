import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Partition } from '../../../core/detections/partition.js';
import { compilePattern, matches } from '../../../core/detections/pattern.js';
import { PlateIndex } from '../../../core/detections/plate-index.js';
import type { DetectionStore } from '../../../core/detections/store.js';
import { CUSTODIAN, DAY, det, INVESTIGATOR, MemorySink, NOW, openStore, tempDir, testProfile, cleanUpAfterEach } from './support.js';

cleanUpAfterEach();
let store: DetectionStore;

function fresh(): { dir: string; s: DetectionStore } {
  const t = tempDir();
  store = openStore(t.dir);
  return { dir: t.dir, s: store };
}

describe('detection store: writes', () => {
  it('stores a batch durably, reports duplicates and keeps lastSeq across a reopen', async () => {
    const { dir, s } = fresh();
    const res = await s.appendBatch([det('cam-1', 1, '7ABC123', NOW - 1000), det('cam-1', 2, '7ABC124', NOW - 900), det('cam-2', 5, '5XYZ999', NOW - 800)]);
    expect(res.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect((await s.append(det('cam-1', 2, '7ABC124', NOW - 900))).status).toBe('duplicate');
    expect((await s.append(det('cam-1', 1, 'ZZZ', NOW))).status).toBe('duplicate');
    expect(s.lastSeq('cam-1')).toBe(2);
    expect(s.lastSeq('nobody')).toBe(-1);
    await s.close();
    store = openStore(dir);
    expect(store.lastSeq('cam-1')).toBe(2);
    expect(store.lastSeq('cam-2')).toBe(5);
    expect((await store.append(det('cam-2', 5, '5XYZ999', NOW))).status).toBe('duplicate');
    expect((await store.append(det('cam-2', 6, '5XYZ998', NOW))).status).toBe('stored');
  });

  it('issues a write to another partition only once the writes before it are durable', async () => {
    const { s } = fresh();
    const events: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const write = Partition.prototype.write;
    // Yesterday's partition commits slowly; a crash meanwhile must not find today's reads durable.
    const spy = vi.spyOn(Partition.prototype, 'write').mockImplementation(async function (this: Partition, batch) {
      const day = this.start < NOW - DAY / 2 ? 'yesterday' : 'today';
      events.push(`issued ${day}`);
      const done = write.call(this, batch);
      if (day === 'yesterday') await slow;
      await done;
      events.push(`durable ${day}`);
    });
    try {
      const backlog = s.appendBatch([det('car-7', 1, '7ABC101', NOW - DAY), det('car-7', 2, '7ABC102', NOW - DAY + 1)]);
      const live = s.appendBatch([det('car-7', 3, '7ABC103', NOW)]);
      const more = s.appendBatch([det('car-7', 4, '7ABC104', NOW + 1)]);
      await new Promise((r) => setTimeout(r, 50));
      expect(events).toEqual(['issued yesterday']);
      release();
      const results = await Promise.all([backlog, live, more]);
      expect(results.flat().map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      expect(events.slice(0, 3)).toEqual(['issued yesterday', 'durable yesterday', 'issued today']);
      expect(events.filter((e) => e === 'durable today')).toHaveLength(2);
    } finally {
      release();
      spy.mockRestore();
    }
    expect(s.lastSeq('car-7')).toBe(4);
  });

  it("issues each camera's reads in seq order when its clock steps back across a partition boundary within a batch", async () => {
    const { s } = fresh();
    const issued: string[][] = [];
    const write = Partition.prototype.write;
    const spy = vi.spyOn(Partition.prototype, 'write').mockImplementation(function (this: Partition, batch) {
      issued.push(Array.from({ length: batch.n }, (_, k) => `${batch.cams[k]}#${batch.seqs[k]}`));
      return write.call(this, batch);
    });
    try {
      // cam-b is on yesterday's backlog; cam-a's clock steps back from today to yesterday between seqs 10 and 11.
      const res = await s.appendBatch([det('cam-b', 5, '5XYZ995', NOW - DAY), det('cam-a', 10, '7ABC110', NOW), det('cam-a', 11, '7ABC111', NOW - DAY + 1), det('cam-b', 6, '5XYZ996', NOW - DAY + 2)]);
      expect(res.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
    } finally {
      spy.mockRestore();
    }
    // Writes commit as a prefix of this order, so no crash can keep cam-a#11 and lose cam-a#10.
    expect(issued).toEqual([['cam-b#5'], ['cam-a#10'], ['cam-a#11', 'cam-b#6']]);
    const order = issued.flat();
    expect(order.indexOf('cam-a#10')).toBeLessThan(order.indexOf('cam-a#11'));
    expect(s.lastSeq('cam-a')).toBe(11);
  });

  it('refuses reads already past retention or stamped far in the future', async () => {
    const { s } = fresh();
    expect((await s.append(det('c', 1, 'ABC123', NOW - 31 * DAY))).status).toBe('expired');
    expect(await s.append(det('c', 2, 'ABC123', NOW + 2 * 3_600_000))).toEqual({ status: 'rejected', code: 'PS_ERR_BAD_INPUT' });
  });

  it('puts each read in the partition of its capture time, named in its id', async () => {
    const { s } = fresh();
    const [a, b] = await s.appendBatch([det('c', 1, 'ABC123', NOW - 2 * DAY), det('c', 2, 'ABC124', NOW)]);
    expect(s.partitionList()).toHaveLength(2);
    const view = await s.get((a as { id: string }).id, INVESTIGATOR, new MemorySink());
    expect(view.ts).toBe(NOW - 2 * DAY);
    expect((a as { id: string }).id.split('-')[0]).not.toBe((b as { id: string }).id.split('-')[0]);
  });

  it('keeps every field of a read and its images', async () => {
    const { s } = fresh();
    const crop = { fmt: 'gray8' as const, w: 4, h: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    const read = {
      seq: 9, ts: NOW - 5, plate: '7ABC123', st: 'CA', conf: 0.913, cands: [['7A8C123', 0.05]] as [string, number][],
      chars: [0.9, 0.8], crop, img: new Uint8Array([9, 9, 9]), lat: 37.453821, lon: -122.182, hdg: 90, spd: 33, lane: 2,
      veh: { make: 'Toyota', model: 'Camry', color: 'silver', body: 'sedan' },
    };
    const r = await s.append({ cam: 'pole-7', read, received: NOW, ocr: { plate: '7ABC123', conf: 0.88, cands: [['7ABC128', 0.1]] } });
    const id = (r as { id: string }).id;
    const plain = await s.get(id, INVESTIGATOR, new MemorySink());
    expect(plain).toMatchObject({ id, cam: 'pole-7', seq: 9, ts: NOW - 5, received: NOW, plate: '7ABC123', st: 'CA', conf: 0.913, lat: 37.453821, lon: -122.182, hdg: 90, spd: 33, lane: 2, veh: read.veh, hasImages: true });
    expect(plain.cands).toEqual([['7A8C123', 0.05]]);
    expect(plain.ocr).toMatchObject({ plate: '7ABC123', conf: 0.88, cands: [['7ABC128', 0.1]] });
    expect(plain.crop).toEqual({ fmt: 'gray8', w: 4, h: 2 });
    expect(plain.img).toBeUndefined();
    const full = await s.get(id, INVESTIGATOR, new MemorySink(), { images: true });
    expect(Buffer.from(full.crop!.data!)).toEqual(Buffer.from(crop.data));
    expect(Buffer.from(full.img!)).toEqual(Buffer.from([9, 9, 9]));
  });
});

describe('detection store: search', () => {

  it('wipes the plaintext of the blocks it opened once a search or a view is done (POLICY R7)', async () => {
    const { s } = fresh();
    const res = await s.appendBatch([det('cam-1', 1, '7WIPE12', NOW - 1000), det('cam-1', 2, '7WIPE13', NOW - 900)]);
    const page = await s.search({ pattern: '7WIPE1?', from: NOW - DAY, to: NOW + 1 }, INVESTIGATOR, new MemorySink());
    expect(page.items.map((d) => d.plate).sort()).toEqual(['7WIPE12', '7WIPE13']);
    const p = s.partitionList()[0]!;
    const held = (): Buffer => (p as unknown as { blockBuf: Buffer }).blockBuf;
    expect(held().includes(Buffer.from('WIPE'))).toBe(false);
    expect((await s.get((res[0] as { id: string }).id, INVESTIGATOR, new MemorySink())).plate).toBe('7WIPE12');
    expect(held().includes(Buffer.from('WIPE'))).toBe(false);
    // The buffer did hold the block while it was read: the check above can fail.
    expect(p.record(0)!.includes(Buffer.from('7WIPE12'))).toBe(true);
    expect(held().includes(Buffer.from('WIPE'))).toBe(true);
    p.forgetRead();
  });
  const plates = ['7ABC123', '7ABX912', '7AB12', '8XYD30Q', '8XKD3O1', 'BX7O3Q1', 'ABC123', 'ZBC12Z', '4CBC125', '1TEST12'];

  async function seeded(): Promise<DetectionStore> {
    const { s } = fresh();
    await s.appendBatch(
      plates.map((p, i) =>
        det(i % 2 ? 'cam-odd' : 'cam-even', i, p, NOW - (plates.length - i) * 3_600_000 * 5, {
          st: i < 5 ? 'CA' : 'NV', conf: 0.5 + i / 20, lat: 37 + i / 100, lon: -122, veh: { make: i % 3 ? 'Ford' : 'Toyota', color: 'red', body: 'sedan' },
        }),
      ),
    );
    return s;
  }

  const search = (s: DetectionStore, q: Parameters<DetectionStore['search']>[0]) => s.search(q, INVESTIGATOR, new MemorySink());

  it('reopens partitions with their index frozen from the snapshot, searches them alike, and takes a late read', async () => {
    const { dir, s } = fresh();
    await s.appendBatch(plates.map((p, i) => det(i % 2 ? 'cam-odd' : 'cam-even', i, p, NOW - (plates.length - i) * 3_600_000 * 5, { st: 'CA' })));
    const queries = [{ pattern: '7AB*12' }, { pattern: '?BC12?' }, { pattern: '8X?D3[0O]?' }];
    const before = await Promise.all(queries.map((q) => search(s, q)));
    await s.checkpoint(NOW + 2 * DAY);
    await s.close();
    store = openStore(dir);
    for (const p of store.partitionList()) {
      const index = p.plateIndex.bitmaps;
      const present = Array.from({ length: index.keyCount }, (_, k) => index.get(k)).filter((b) => b !== undefined);
      expect(present.length).toBeGreaterThan(0);
      expect(present.every((b) => b.isFrozen)).toBe(true);
    }
    const after = await Promise.all(queries.map((q) => search(store, q)));
    expect(after.map((pg) => pg.items.map((d) => d.id))).toEqual(before.map((pg) => pg.items.map((d) => d.id)));
    expect((await store.append(det('cam-late', 1, '7ABQ912', NOW - 41 * 3_600_000, { st: 'CA' }))).status).toBe('stored');
    expect((await search(store, { pattern: '7AB*12' })).total).toBe(before[0]!.total + 1);
  });

  it('searches closed partitions whose index was frozen at a checkpoint, and a late read written into one', async () => {
    const s = await seeded();
    const queries = [{ pattern: '7AB*12' }, { pattern: '?BC12?' }, { pattern: '8X?D3[0O]?' }, { pattern: '*12', state: 'CA', cams: ['cam-odd'] }];
    const before = await Promise.all(queries.map((q) => search(s, q)));
    expect(await s.checkpoint(NOW + 2 * DAY)).toBe(s.partitionList().length);
    const frozen = s.partitionList()[0]!;
    expect(frozen.plateIndex.bitmaps.get(frozen.plateIndex.bitmaps.keyCount - 1)?.isFrozen).toBe(true);
    const after = await Promise.all(queries.map((q) => search(s, q)));
    expect(after.map((p) => p.items.map((d) => d.id))).toEqual(before.map((p) => p.items.map((d) => d.id)));
    expect(after.map((p) => p.total)).toEqual([2, 2, 2, 1]);
    // A camera uploading its backlog late writes into a frozen partition.
    expect((await s.append(det('cam-late', 1, '7ABQ912', NOW - 41 * 3_600_000, { st: 'CA' }))).status).toBe('stored');
    expect((await search(s, { pattern: '7AB*12' })).items.map((d) => d.plate)).toEqual(['7AB12', '7ABQ912', '7ABX912']);
    await s.checkpoint(NOW + 2 * DAY);
    expect((await search(s, { pattern: '7AB?912' })).total).toBe(2);
  });

  it('answers the issue\'s partial plates, newest first, with a total', async () => {
    const s = await seeded();
    const p = await search(s, { pattern: '7AB*12' });
    expect(p.items.map((d) => d.plate)).toEqual(['7AB12', '7ABX912']);
    expect(p.total).toBe(2);
    expect((await search(s, { pattern: '?BC12?' })).items.map((d) => d.plate)).toEqual(['ZBC12Z', 'ABC123']);
    expect((await search(s, { pattern: '*123' })).items.map((d) => d.plate)).toEqual(['ABC123', '7ABC123']);
    expect((await search(s, { pattern: '8X?D3[0O]?' })).items.map((d) => d.plate)).toEqual(['8XKD3O1', '8XYD30Q']);
    expect((await search(s, { pattern: '8X?D3[0O]?', fuzzy: true })).items.map((d) => d.plate)).toEqual(['BX7O3Q1', '8XKD3O1', '8XYD30Q']);
    expect((await search(s, { pattern: '*B*12*' })).items.map((d) => d.plate)).toEqual(['4CBC125', 'ZBC12Z', 'ABC123', '7AB12', '7ABX912', '7ABC123']);
  });

  it('filters by time, camera, state, vehicle, confidence and place', async () => {
    const s = await seeded();
    const all = (await search(s, { pattern: '*[0-9]*[0-9]*', limit: 1000 })).items;
    expect(all.length).toBeGreaterThan(5);
    const t0 = all[all.length - 1]!.ts;
    const sub = (q: object) => search(s, { pattern: '*[0-9]*[0-9]*', limit: 1000, ...q }).then((p) => p.items.map((d) => d.plate));
    expect(await sub({ from: t0 + 1, to: all[0]!.ts })).toEqual(all.slice(1, -1).map((d) => d.plate).filter((x) => x !== undefined));
    expect(await sub({ cams: ['cam-odd'] })).toEqual(all.filter((d) => d.cam === 'cam-odd').map((d) => d.plate));
    expect(await sub({ state: 'nv' })).toEqual(all.filter((d) => d.st === 'NV').map((d) => d.plate));
    expect(await sub({ make: 'toyota' })).toEqual(all.filter((d) => d.veh?.make === 'Toyota').map((d) => d.plate));
    expect(await sub({ minConf: 0.8 })).toEqual(all.filter((d) => d.conf! >= 0.8).map((d) => d.plate));
    expect(await sub({ box: { minLat: 37.03, maxLat: 37.06, minLon: -123, maxLon: -121 } })).toEqual(all.filter((d) => d.lat! >= 37.03 && d.lat! <= 37.06).map((d) => d.plate));
    expect(await sub({ near: { lat: 37.0, lon: -122, radiusM: 2500 } })).toEqual(all.filter((d) => d.lat! <= 37.02).map((d) => d.plate));
    expect(await sub({ cams: ['no-such-cam'] })).toEqual([]);
  });

  it('keeps plates shorter than a starred pattern out, however its ends overlap', async () => {
    const { s } = fresh();
    await s.appendBatch(['A', 'AB', 'ABC', 'ABCD', 'ABCDE', 'BAB', 'ABAB'].map((p, i) => det('c', i, p, NOW - i)));
    const plates = async (pattern: string) => (await search(s, { pattern, limit: 100 })).items.map((d) => d.plate).sort();
    expect(await plates('AB??*')).toEqual(['ABAB', 'ABCD', 'ABCDE']);
    expect(await plates('A?*B')).toEqual(['ABAB']);
    expect(await plates('*?AB')).toEqual(['ABAB', 'BAB']);
    expect(await plates('AB*AB')).toEqual(['ABAB']);
  });

  it('finds a plate the camera ranked second, unless candidates are excluded', async () => {
    const { s } = fresh();
    await s.append(det('c', 1, '7ABC123', NOW, { cands: [['7A8C128', 0.2]] }));
    expect((await search(s, { pattern: '7A8*' })).total).toBe(1);
    expect((await search(s, { pattern: '7A8*', candidates: false })).total).toBe(0);
    expect((await search(s, { pattern: '*C128' })).items[0]!.plate).toBe('7ABC123');
  });

  it('pages with a cursor bound to its query', async () => {
    const { s } = fresh();
    const n = 57;
    await s.appendBatch(Array.from({ length: n }, (_, i) => det('c', i, `7AB${String(i).padStart(3, '0')}`, NOW - i * 997_000)));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(s, { pattern: '7AB*', limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(n);
      seen.push(...page.items.map((d) => d.plate!));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `7AB${String(i).padStart(3, '0')}`));
    const first = await search(s, { pattern: '7AB*', limit: 10 });
    await expect(search(s, { pattern: '7AB0*', cursor: first.cursor })).rejects.toMatchObject({ code: 'PS_ERR_CURSOR_INVALID' });
    await expect(search(s, { pattern: '7AB*', cursor: 'garbage' })).rejects.toMatchObject({ code: 'PS_ERR_CURSOR_INVALID' });
  });

  it('agrees with a brute-force scan on random plates and patterns', async () => {
    const { dir, s } = fresh();
    const alphabet = 'AB01O8Z2';
    const plateArb = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 2, maxLength: 8 });
    const stored = fc.sample(plateArb, { numRuns: 400, seed: 7 });
    await s.appendBatch(stored.map((p, i) => det('c', i, p, NOW - i * 60_000)));
    await s.close();
    store = openStore(dir); // the second half of the checks run on a replayed index
    const patArb = fc.array(fc.constantFrom(...alphabet, '?', '*', '[0O]'), { minLength: 2, maxLength: 6 });
    for (const [fuzzy, again] of [[false, store], [true, store]] as const) {
      await fc.assert(
        fc.asyncProperty(patArb, async (parts) => {
          const pattern = parts.join('');
          let compiled;
          try {
            compiled = compilePattern(pattern, fuzzy);
          } catch {
            return;
          }
          const want = stored.filter((p) => matches(compiled, p)).length;
          const got = await again.search({ pattern, fuzzy, limit: 1 }, INVESTIGATOR, new MemorySink());
          expect(got.total, pattern).toBe(want);
        }),
        { numRuns: 150, seed: 11 },
      );
    }
  });
  it('counts whole partitions from their bitmaps and pages across partitions, as a scan does', async () => {
    const { s } = fresh();
    const alphabet = 'AB12O0';
    const stored = fc.sample(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 3, maxLength: 7 }), { numRuns: 600, seed: 3 });
    // Four days, so a range covers whole partitions and cuts others.
    const ts = stored.map((_, i) => NOW - i * 577_000);
    await s.appendBatch(stored.map((p, i) => det('c', i, p, ts[i]!)));
    const ranges: [number | undefined, number | undefined][] = [[undefined, undefined], [NOW - 2.5 * DAY, NOW - 0.3 * DAY], [NOW - 3 * DAY, undefined]];
    for (const pattern of ['A?1*', '*0B', '?B?2', 'B*1', '[AB]2*O']) {
      const compiled = compilePattern(pattern);
      for (const [from, to] of ranges) {
        const want = stored
          .map((p, i) => ({ p, t: ts[i]! }))
          .filter((x) => matches(compiled, x.p) && (from === undefined || x.t >= from) && (to === undefined || x.t < to))
          .sort((a, b) => b.t - a.t);
        const page = await search(s, { pattern, limit: 7, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
        expect(page.total, `${pattern} ${from} ${to}`).toBe(want.length);
        expect(page.items.map((d) => d.ts)).toEqual(want.slice(0, 7).map((x) => x.t));
      }
    }
  });
});

describe('detection store: access (POLICY R2)', () => {
  it('refuses an inquiry without case and purpose, and records the refusal', async () => {
    const { s } = fresh();
    await s.append(det('c', 1, '7ABC123', NOW));
    const sink = new MemorySink();
    await expect(s.search({ pattern: '7AB*' }, { user: 'u1', purpose: 'stolen_vehicle' }, sink)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_INCOMPLETE' });
    await expect(s.search({ pattern: '7AB*' }, { user: 'u1', case: '1' }, sink)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_INCOMPLETE' });
    await expect(s.search({ pattern: '7AB*' }, { user: 'u1', case: '1', purpose: 'curiosity' }, sink)).rejects.toMatchObject({ code: 'PS_ERR_PURPOSE_NOT_PERMITTED' });
    await expect(s.get('zz-0', { user: 'u1' }, sink)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_INCOMPLETE' });
    expect(sink.events.map((e) => e.outcome)).toEqual(['PS_ERR_INQUIRY_INCOMPLETE', 'PS_ERR_INQUIRY_INCOMPLETE', 'PS_ERR_PURPOSE_NOT_PERMITTED', 'PS_ERR_INQUIRY_INCOMPLETE']);
    expect(sink.events.every((e) => e.results === undefined)).toBe(true);
  });

  it('reads nothing at all for a refused inquiry', async () => {
    const { s } = fresh();
    const [r] = await s.appendBatch([det('c', 1, '7ABC123', NOW)]);
    const query = vi.spyOn(PlateIndex.prototype, 'query');
    const record = vi.spyOn(Partition.prototype, 'record');
    try {
      await expect(s.search({ pattern: '7AB*' }, { user: 'u1', purpose: 'stolen_vehicle' }, new MemorySink())).rejects.toThrow();
      await expect(s.get((r as { id: string }).id, { user: 'u1', case: '9' }, new MemorySink())).rejects.toThrow();
      expect(query).not.toHaveBeenCalled();
      expect(record).not.toHaveBeenCalled();
      await s.search({ pattern: '7AB*' }, INVESTIGATOR, new MemorySink());
      expect(query).toHaveBeenCalled();
      expect(record).toHaveBeenCalled();
    } finally {
      query.mockRestore();
      record.mockRestore();
    }
  });

  it('accepts either under an `either` profile', async () => {
    const t = tempDir();
    store = openStore(t.dir, { profile: testProfile({ inquiry: { requires: 'either' } }) });
    await store.append(det('c', 1, '7ABC123', NOW));
    const sink = new MemorySink();
    expect((await store.search({ pattern: '7AB*' }, { user: 'u1', purpose: 'stolen_vehicle' }, sink)).total).toBe(1);
    await expect(store.search({ pattern: '7AB*' }, { user: 'u1' }, sink)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_INCOMPLETE' });
  });

  it('records who asked what, from where, under which case and purpose, and the count', async () => {
    const { s } = fresh();
    const [r] = await s.appendBatch([det('c', 1, '7ABC123', NOW), det('c', 2, '7ABD123', NOW)]);
    const sink = new MemorySink();
    await s.search({ pattern: '7AB*', state: 'CA' }, INVESTIGATOR, sink);
    await s.search({ pattern: '7AB*' }, INVESTIGATOR, sink);
    await s.get((r as { id: string }).id, INVESTIGATOR, sink);
    expect(sink.events).toEqual([
      { action: 'detections.search', actor: 'det.ortiz', role: 'investigator', case: '26-0142', purpose: 'criminal_investigation', from: '10.0.0.7', subject: { pattern: '7AB*', state: 'CA' }, results: 0, outcome: 'ok' },
      expect.objectContaining({ action: 'detections.search', results: 2, outcome: 'ok' }),
      expect.objectContaining({ action: 'detections.view', subject: { id: (r as { id: string }).id, images: false }, results: 1 }),
    ]);
  });

  it('lets investigators and custodians place holds and only a custodian release one', async () => {
    const { s } = fresh();
    const [r] = await s.appendBatch([det('c', 1, '7ABC123', NOW)]);
    const sink = new MemorySink();
    const dispatcher = { ...INVESTIGATOR, user: 'disp.kim', role: 'dispatcher' };
    await expect(s.placeHold({ case: '26-1', ids: [(r as { id: string }).id] }, dispatcher, sink)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    const byInvestigator = await s.placeHold({ case: '26-1', ids: [(r as { id: string }).id] }, INVESTIGATOR, sink);
    expect(byInvestigator.by).toBe('det.ortiz');
    const hold = await s.placeHold({ case: '26-1', query: { pattern: '7AB*' } }, CUSTODIAN, sink);
    expect(hold.ids).toEqual([(r as { id: string }).id]);
    await expect(s.releaseHold(hold.id, INVESTIGATOR, sink)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await expect(s.releaseHold('nope', CUSTODIAN, sink)).rejects.toMatchObject({ code: 'PS_ERR_NOT_FOUND' });
    expect(sink.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'hold.place:PS_ERR_FORBIDDEN',
      'hold.place:ok',
      'hold.place:ok',
      'hold.release:PS_ERR_FORBIDDEN',
      'hold.release:PS_ERR_NOT_FOUND',
    ]);
  });
});
