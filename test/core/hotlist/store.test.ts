import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRow } from '../../../core/hotlist/rows.js';
import { HotlistStore } from '../../../core/hotlist/store.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import { tempDir, writeFile } from './helpers.js';

const profile = loadProfile('menlo-park');
const roseville = loadProfile('roseville');
const dirs: string[] = [];
const stores: HotlistStore[] = [];

async function openStore(dir = tempDir('hotlist'), p = profile): Promise<{ dir: string; store: HotlistStore }> {
  dirs.push(dir);
  const store = await HotlistStore.open(dir, p);
  stores.push(store);
  return { dir, store };
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CSV = [
  'plate,state,reason,priority,case,entered_by,phone,synopsis,expires,source',
  '7ABC123,CA,stolen_vehicle,70,26-1,,,,,NCIC',
  'BAD$$,CA,stolen_vehicle,50,,,,,,NCIC',
  '8XYZ999,ZZ,stolen_vehicle,50,,,,,,NCIC',
  '5KLM321,NV,stolen_plate,101,,,,,,NCIC',
  'IMM0001,CA,wanted_person,50,,,,,,IMMIGRATION_VIOLATOR',
  '4DEF?56,,bolo,60,,,,,,LOCAL',
  'A?,,bolo,60,,,,,,LOCAL',
  '6GHJ777,TX,wanted,40,,,,,2020-01-01,NCIC',
  '2MNP444,AZ,Stolen Vehicle,55,,,,,,ncic',
].join('\n');

describe('hot-list import', () => {
  it('imports good rows, reports bad ones with line numbers and counts excluded sources', async () => {
    const { dir, store } = await openStore();
    const report = await store.importFile(writeFile(dir, 'feed.csv', CSV), { list: 'svs' });
    expect(report).toMatchObject({ list: 'svs', generation: 1, imported: 4, partials: 1, excluded: 1, rejectedCount: 4 });
    expect(report.rejected.map((r) => r.line)).toEqual([3, 4, 5, 8]);
    expect(report.rejected.every((r) => r.code === 'PS_ERR_HOTLIST_ROW')).toBe(true);
    expect(report.rejected[0]!.reason).toMatch(/plate/);
    expect(report.rejected[1]!.reason).toMatch(/state/);
    expect(report.rejected[2]!.reason).toMatch(/priority/);
    expect(report.rejected[3]!.reason).toMatch(/too broad/);
    expect(store.list('svs')).toMatchObject({ count: 4, excluded: 1, rejected: 4 });
    const m = store.matcher();
    expect(m.match({ plate: 'IMM0001' })).toEqual([]);
    expect(m.match({ plate: '4DEF956' })[0]).toMatchObject({ kind: 'partial' });
    expect(m.match({ plate: '6GHJ777' })).toEqual([]); // expired in 2020
    const hit = m.match({ plate: '2MNP444', st: 'AZ' })[0]!;
    expect(store.entry(hit.entryId)).toMatchObject({ plate: '2MNP444', reason: 'stolen_vehicle', source: 'ncic', list: 'svs' });
  });

  it('reads JSON Lines and other layouts through a column mapping', async () => {
    const { dir, store } = await openStore();
    const jsonl = ['{"LIC":"1ABC234","ST":"CA","WHY":"stolen"}', 'not json', '', '[1]', '{"LIC":"9ZZZ999"}'].join('\n');
    const report = await store.importFile(writeFile(dir, 'feed.jsonl', jsonl), {
      list: 'j',
      mapping: { plate: 'LIC', state: 'ST', reason: 'WHY' },
    });
    expect(report).toMatchObject({ imported: 2, rejectedCount: 2 });
    expect(report.rejected.map((r) => r.line)).toEqual([2, 4]);
    const csv = 'LIC_NO;x\n'.replace(';', ',') + '3DEF456,1\n';
    await store.importFile(writeFile(dir, 'other.csv', csv), { list: 'c', mapping: { plate: 'lic_no' } });
    expect(store.matcher().match({ plate: '3DEF456' })).toHaveLength(1);
  });

  it('refuses a file without a plate column, an unknown mapping field and a missing file, leaving the list as it was', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'ok.csv', 'plate\nABC123\n'), { list: 'l' });
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: string }) => e.code);
    expect(await code(store.importFile(writeFile(dir, 'bad.csv', 'tag,st\nX,CA\n'), { list: 'l', replace: true }))).toBe('PS_ERR_HOTLIST_FORMAT');
    expect(await code(store.importFile(join(dir, 'ok.csv'), { list: 'l', mapping: { colour: 'c' } }))).toBe('PS_ERR_HOTLIST_FORMAT');
    expect(await code(store.importFile(join(dir, 'none.csv'), { list: 'l' }))).toBe('PS_ERR_NOT_FOUND');
    expect(await code(store.importFile(join(dir, 'ok.csv'), { list: 'bad name' }))).toBe('PS_ERR_BAD_INPUT');
    expect(store.list('l')).toMatchObject({ gen: 1, count: 1 });
    expect(store.matcher().match({ plate: 'ABC123' })).toHaveLength(1);
  });

  it('refuses manual hot plates without who, phone, case and synopsis, and caps their expiry', async () => {
    const { dir, store } = await openStore(undefined, roseville);
    const day = 24 * 3600 * 1000;
    const now = Date.UTC(2026, 10, 1);
    const csv = [
      'plate,case,entered_by,phone,synopsis,expires',
      'MAN001,26-9,Ofc. A,555-0100,Suspect vehicle,',
      'MAN002,,Ofc. A,555-0100,Suspect vehicle,',
      `MAN003,26-9,Ofc. A,555-0100,Suspect vehicle,${now + 60 * day}`,
    ].join('\n');
    const report = await store.importFile(writeFile(dir, 'manual.csv', csv), { list: 'manual', settings: { kind: 'manual' }, now });
    expect(report.imported).toBe(1);
    expect(report.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, expect.stringMatching(/case/)],
      [4, expect.stringMatching(/30 days/)],
    ]);
    const [hit] = store.matcher().match({ plate: 'MAN001' }, now);
    expect(store.entry(hit!.entryId)!.expires).toBe(now + 30 * day);
    expect(store.matcher().match({ plate: 'MAN001' }, now + 31 * day)).toEqual([]);
  });

  it('keeps special lists pending until approved', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'dept.csv', 'plate\nDEPT01\n'), { list: 'dept', settings: { kind: 'special' } });
    expect(store.list('dept').settings).toMatchObject({ status: 'pending', informational: true });
    expect(store.matcher().match({ plate: 'DEPT01' })).toEqual([]);
    await store.configureList('dept', { status: 'live' });
    expect(store.matcher().match({ plate: 'DEPT01' })[0]).toMatchObject({ informational: true });
    await store.configureList('dept', { maxDistance: 2 }); // deeper index: rebuilt from storage
    expect(store.matcher().match({ plate: 'DXPT0' })).toHaveLength(1);
  });

  it('imports the demo list without a rejected row', async () => {
    const { store } = await openStore();
    const report = await store.importFile(join(import.meta.dirname, '../../../fixtures/hotlists/demo.csv'), { list: 'demo' });
    expect(report.rejectedCount).toBe(0);
    expect(report.imported).toBeGreaterThan(250);
    expect(report.partials).toBeGreaterThan(10);
    expect(report.excluded).toBeGreaterThan(0);
  });
});

describe('hot-list persistence and replacement', () => {
  it('survives a restart without re-import', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'a.csv', 'plate,state\nABC123,CA\nXY?789,\n'), { list: 'a', settings: { maxDistance: 2 } });
    await store.close();
    const again = (await openStore(dir)).store;
    expect(again.lists().map((l) => [l.settings.name, l.count, l.partials, l.settings.maxDistance])).toEqual([['a', 2, 1, 2]]);
    expect(again.matcher().match({ plate: 'ABC123', st: 'CA' })[0]).toMatchObject({ kind: 'exact', state: 'same' });
    expect(again.matcher().match({ plate: 'XYZ789' })[0]).toMatchObject({ kind: 'partial' });
  });

  it('reopens from the stored compiled index, and compiles from the entries when it is missing', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'a.csv', 'plate\nABC123\nXY?789\n'), { list: 'a' });
    await store.close();
    const compiledKeys = () => {
      const env = open({ path: join(dir, 'hotlists'), maxDbs: 8 });
      const db = env.openDB({ name: 'compiled', encoding: 'binary' });
      return { env, db, keys: [...db.getKeys()].map((k) => (k as unknown[]).join(':')) };
    };
    let raw = compiledKeys();
    expect(raw.keys).toContain('a:1:meta');
    expect(raw.keys).toContain('a:1:fuzzy');
    await raw.db.remove(['a', 1, 'meta']);
    await raw.env.close();
    let again = (await openStore(dir)).store; // no complete stored index: compiled from the entries
    expect(again.matcher().match({ plate: 'ABC123' })).toHaveLength(1);
    await again.close();
    raw = compiledKeys();
    expect(raw.keys).toContain('a:1:meta'); // …and stored again
    await raw.env.close();
    again = (await openStore(dir)).store;
    expect(again.matcher().match({ plate: 'XYZ789' })[0]).toMatchObject({ kind: 'partial' });
    expect(again.matcher().match({ plate: 'A8C123' })[0]).toMatchObject({ kind: 'fuzzy' });
  });

  it('compiles again an index stored in an earlier layout', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'a.csv', 'plate\nABC123\nXY?789\n'), { list: 'a' });
    await store.close();
    let env = open({ path: join(dir, 'hotlists'), maxDbs: 8 });
    let db = env.openDB({ name: 'compiled', encoding: 'binary' });
    // The first layout had no format number (and no trigram offsets).
    await db.put(['a', 1, 'meta'], Buffer.from(JSON.stringify({ count: 2, partials: 1, depth: 1, shapeCount: 0, gramKinds: 1 })));
    await env.close();
    const again = (await openStore(dir)).store;
    expect(again.matcher().match({ plate: 'XYZ789' })[0]).toMatchObject({ kind: 'partial', entryPlate: 'XY?789' });
    await again.close();
    env = open({ path: join(dir, 'hotlists'), maxDbs: 8 });
    db = env.openDB({ name: 'compiled', encoding: 'binary' });
    expect(JSON.parse(db.getBinary(['a', 1, 'meta'])!.toString('utf8'))).toMatchObject({ format: 3 }); // stored again
    await env.close();
  });

  it('removes at open what a crash left: a half-written generation and a retired one', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'a.csv', 'plate\nKEEP01\n'), { list: 'l', settings: { maxDistance: 0 } });
    await store.close();
    const raw = () => {
      const env = open({ path: join(dir, 'hotlists'), maxDbs: 4 });
      return { env, lists: env.openDB({ name: 'lists' }), entries: env.openDB({ name: 'entries' }) };
    };
    let db = raw();
    await db.entries.put(['l', 2, 0], { plate: 'HALF02', list: 'l' });
    await db.entries.put(['l', 7, 0], { plate: 'RETIRED', list: 'l' });
    await db.lists.put('l', { ...db.lists.get('l'), pendingGen: 2, retiredGen: 7 });
    await db.env.close();
    const again = (await openStore(dir)).store;
    expect(again.matcher().match({ plate: 'KEEP01' })).toHaveLength(1);
    expect(again.matcher().match({ plate: 'HALF02' })).toEqual([]);
    await again.close();
    db = raw();
    expect([...db.entries.getKeys()]).toEqual([['l', 1, 0]]);
    expect(db.lists.get('l')).not.toHaveProperty('pendingGen');
    await db.env.close();
  });

  it('replaces a list whole, appends without --replace, and removes the old generation', async () => {
    const { dir, store } = await openStore();
    await store.importFile(writeFile(dir, 'v1.csv', 'plate\nOLD111\nOLD222\n'), { list: 'l' });
    const old = store.matcher().match({ plate: 'OLD111' })[0]!.entryId;
    await store.importFile(writeFile(dir, 'add.csv', 'plate\nADD333\n'), { list: 'l' });
    expect(store.list('l')).toMatchObject({ gen: 2, count: 3 });
    expect(store.matcher().match({ plate: 'OLD111' })).toHaveLength(1);
    await store.importFile(writeFile(dir, 'v2.csv', 'plate\nNEW444\n'), { list: 'l', replace: true });
    expect(store.list('l')).toMatchObject({ gen: 3, count: 1 });
    expect(store.matcher().match({ plate: 'OLD111' })).toEqual([]);
    expect(store.entry(old)).toBeUndefined();
  });

  it('swaps atomically while lookups continue: each lookup sees the old generation or the new, never a mix', async () => {
    const { store } = await openStore();
    const N = 25_000;
    const rows = (prefix: string): RawRow[] =>
      Array.from({ length: N }, (_, i) => ({ line: i + 2, fields: { plate: `${prefix}${String(i).padStart(5, '0')}` } }));
    await store.importRows(rows('AA'), { list: 'l', settings: { maxDistance: 0 } });
    const snapshots: number[] = [];
    store.onGeneration((s) => snapshots.push(s.generation));
    const seen = new Set<string>();
    let done = false;
    const progress: number[] = [];
    const replacing = store
      .importRows(rows('BB'), { list: 'l', replace: true, onProgress: (n) => progress.push(n) })
      .finally(() => (done = true));
    let lookups = 0;
    while (!done) {
      const m = store.matcher();
      // One snapshot answers both: exactly one of the generations holds entry 7.
      const oldHit = m.match({ plate: 'AA00007' }).length;
      const newHit = m.match({ plate: 'BB00007' }).length;
      seen.add(`${oldHit}${newHit}`);
      lookups++;
      await tick();
    }
    await replacing;
    expect(progress).toEqual([10_000, 20_000, 25_000]);
    expect(lookups).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual(['01', '10']);
    expect(snapshots).toHaveLength(1);
    expect(store.matcher().match({ plate: 'AA00007' })).toEqual([]);
  });

  it('notifies subscribers with a snapshot a worker can match against', async () => {
    const { dir, store } = await openStore();
    const got: number[] = [];
    const off = store.onGeneration((s) => got.push(s.lists.length));
    await store.importFile(writeFile(dir, 'a.csv', 'plate\nAAA111\n'), { list: 'a' });
    await store.importFile(writeFile(dir, 'b.csv', 'plate\nBBB222\n'), { list: 'b' });
    off();
    await store.importFile(writeFile(dir, 'c.csv', 'plate\nCCC333\n'), { list: 'c' });
    expect(got).toEqual([1, 2]);
    expect(store.snapshot().lists.map((l) => l.settings.name).sort()).toEqual(['a', 'b', 'c']);
  });
});
