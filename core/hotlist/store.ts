/**
 * The persistent hot-list store: lists and entries in LMDB under `<dataDir>/hotlists`, and
 * the compiled index of every list in shared memory. A list is replaced whole and
 * atomically (POLICY R4, MP 462.4 g 4): the new generation's entries are written beside
 * the old ones and compiled, then one transaction points the list at them, the snapshot is
 * swapped and subscribers (the match workers) get it; the old generation is removed after.
 * A crash before the swap leaves the old generation live and the half-written one is
 * removed at the next open.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { open, type Database, type RootDatabase } from 'lmdb';
import { z } from 'zod';
import { ErrBadInput, ErrHotlistRow, ErrHotlistUnknown, ErrStorage } from '../errors.js';
import type { Profile } from '../policy/profile.js';
import { jurisdictionId } from '../plates/jurisdictions.js';
import { RowAdmission } from './admit.js';
import type { HotlistEntry } from './entry.js';
import { LIST_NAME, ListSettingsSchema, type ListSettings, type ListSettingsInput } from './list.js';
import { CompiledStore } from './compiled-store.js';
import { depthFor } from './keys.js';
import { ListIndexBuilder, withSettings, type IndexSnapshot, type ListIndexData } from './list-index.js';
import { Matcher } from './matcher.js';
import { formatOf, readRows, type ColumnMapping, type RawRow, type RowFormat } from './rows.js';

/** Rows written per LMDB transaction; the event loop gets a turn between batches. */
const BATCH = 10_000;
/** Rejections reported row by row; beyond this only counted. */
const MAX_REPORTED = 1000;

export type ListOptions = Partial<Omit<ListSettingsInput, 'name' | 'lastImport'>>;

export interface ImportOptions {
  readonly list: string;
  /** Replace the list whole; otherwise the rows are added to its current entries. */
  readonly replace?: boolean;
  readonly mapping?: ColumnMapping;
  readonly format?: RowFormat;
  /** Settings to create the list with, or to change on it. */
  readonly settings?: ListOptions;
  /** Called every BATCH rows read, and once at the end. */
  readonly onProgress?: (rows: number) => void;
  readonly now?: number;
}

export interface RowRejection {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly list: string;
  readonly generation: number;
  readonly imported: number;
  readonly partials: number;
  readonly excluded: number;
  readonly rejectedCount: number;
  /** The first MAX_REPORTED rejections, with line numbers. */
  readonly rejected: readonly RowRejection[];
  readonly seconds: number;
}

export interface ListInfo {
  readonly settings: ListSettings;
  /** Generation of the list's entries now live; 0 before its first import finished. */
  readonly gen: number;
  readonly count: number;
  readonly partials: number;
  /** Rows dropped at the last import because their source is excluded (POLICY R4). */
  readonly excluded: number;
  readonly rejected: number;
  /** A generation being written; removed at open if the process died before the swap. */
  readonly pendingGen?: number;
  /** The generation a swap replaced, until its entries are removed (again at open after a crash). */
  readonly retiredGen?: number;
}

type EntryKey = [string, number, number];

export class HotlistStore {
  private readonly compiled = new Map<string, ListIndexData>();
  private readonly infos = new Map<string, ListInfo>();
  private readonly listeners = new Set<(s: IndexSnapshot) => void>();
  private current: IndexSnapshot = { generation: 0, lists: [] };
  private currentMatcher: Matcher | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly env: RootDatabase,
    private readonly listDb: Database<ListInfo, string>,
    private readonly entryDb: Database<HotlistEntry, EntryKey>,
    private readonly compiledDb: CompiledStore,
    private readonly profile: Profile,
  ) {}

  /** Opens (or creates) the store and compiles every stored list: no re-import after a restart. */
  static async open(dataDir: string, profile: Profile): Promise<HotlistStore> {
    const path = join(dataDir, 'hotlists');
    let env: RootDatabase;
    try {
      mkdirSync(path, { recursive: true });
      env = open({ path, maxDbs: 8 });
    } catch (e) {
      throw new ErrStorage(`cannot open the hot-list store in ${path}: ${(e as Error).message}`);
    }
    const store = new HotlistStore(
      env,
      env.openDB({ name: 'lists' }),
      env.openDB({ name: 'entries' }),
      new CompiledStore(env),
      profile,
    );
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    for (const { key, value } of this.listDb.getRange()) {
      const { pendingGen, retiredGen, ...info } = value;
      for (const leftover of [pendingGen, retiredGen]) {
        if (leftover !== undefined) await this.removeGeneration(key, leftover);
      }
      if (pendingGen !== undefined || retiredGen !== undefined) await this.listDb.put(key, info);
      if (info.gen === 0) continue;
      this.infos.set(key, info);
      const stored = this.compiledDb.load(key, info.gen, info.settings, depthFor(info.settings.maxDistance));
      this.compiled.set(key, stored ?? (await this.compileAndSave(key, info.gen, info.settings)));
    }
    this.publish();
  }

  lists(): ListInfo[] {
    return [...this.infos.values()].sort((a, b) => a.settings.name.localeCompare(b.settings.name));
  }

  list(name: string): ListInfo {
    const info = this.infos.get(name);
    if (!info) throw new ErrHotlistUnknown(`no hot list ${JSON.stringify(name)}`, { list: name });
    return info;
  }

  /** The full entry behind a match's `entryId`, or undefined once its generation is gone. */
  entry(id: string): HotlistEntry | undefined {
    const m = /^(.+):(\d+):(\d+)$/.exec(id);
    if (!m) throw new ErrBadInput(`not an entry id: ${JSON.stringify(id)}`);
    return this.entryDb.get([m[1]!, Number(m[2]), Number(m[3])]);
  }

  snapshot(): IndexSnapshot {
    return this.current;
  }

  /** A matcher over the current snapshot, for this thread. */
  matcher(): Matcher {
    if (this.currentMatcher?.generation !== this.current.generation) this.currentMatcher = new Matcher(this.current);
    return this.currentMatcher;
  }

  /** Calls `cb` with every new snapshot; returns the unsubscribe function. */
  onGeneration(cb: (s: IndexSnapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async importFile(path: string, opts: ImportOptions): Promise<ImportReport> {
    return this.importRows(readRows(path, formatOf(path, opts.format), opts.mapping), opts);
  }

  /** Imports rows as a new generation of the list and swaps it in. Imports run one at a time. */
  importRows(rows: AsyncIterable<RawRow> | Iterable<RawRow>, opts: ImportOptions): Promise<ImportReport> {
    const run = this.writes.then(() => this.runImport(rows, opts));
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Changes a list's settings (approval, confidence, distance); rebuilds only if the index must deepen. */
  configureList(name: string, patch: ListOptions): Promise<ListInfo> {
    const run = this.writes.then(async () => {
      const info = this.list(name);
      const settings = parseSettings({ ...info.settings, ...patch, name });
      const data =
        withSettings(this.compiled.get(name)!, settings) ?? (await this.compileAndSave(name, info.gen, settings));
      const next = { ...info, settings };
      await this.listDb.put(name, next);
      this.infos.set(name, next);
      this.compiled.set(name, data);
      this.publish();
      return next;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.writes;
    this.listeners.clear();
    await this.env.close();
  }

  private async runImport(rows: AsyncIterable<RawRow> | Iterable<RawRow>, opts: ImportOptions): Promise<ImportReport> {
    const started = performance.now();
    const now = opts.now ?? Date.now();
    if (!LIST_NAME.test(opts.list)) throw new ErrBadInput(`bad list name ${JSON.stringify(opts.list)}`);
    const old = this.infos.get(opts.list);
    const settings = parseSettings({ ...old?.settings, ...opts.settings, name: opts.list, lastImport: now });
    const gen = (old?.gen ?? 0) + 1;
    await this.listDb.put(opts.list, { ...(old ?? emptyInfo(settings)), pendingGen: gen });
    try {
      return await this.writeGeneration(rows, opts, settings, gen, old, started);
    } catch (e) {
      // Nothing was swapped: drop what was written so a retry starts from a clean generation.
      await this.removeGeneration(opts.list, gen);
      if (old) await this.listDb.put(opts.list, old);
      else await this.listDb.remove(opts.list);
      throw e;
    }
  }

  private async writeGeneration(
    rows: AsyncIterable<RawRow> | Iterable<RawRow>,
    opts: ImportOptions,
    settings: ListSettings,
    gen: number,
    old: ListInfo | undefined,
    started: number,
  ): Promise<ImportReport> {
    const now = settings.lastImport;
    const writer = new GenerationWriter(this.env, this.entryDb, opts.list, gen);
    if (old && !opts.replace) {
      for (const { value } of this.entryDb.getRange(generationRange(opts.list, old.gen))) {
        if (writer.add(value)) await writer.flush();
      }
    }
    const admission = new RowAdmission(settings, this.profile, now);
    const rejected: RowRejection[] = [];
    let rejectedCount = 0;
    let excluded = 0;
    let seen = 0;
    for await (const row of rows) {
      if (++seen % BATCH === 0) opts.onProgress?.(seen);
      const verdict = row.fields ? admission.admit(row.fields) : undefined;
      if (verdict?.ok) {
        if (writer.add(verdict.entry)) await writer.flush();
        continue;
      }
      if (verdict?.excluded) {
        excluded++;
        continue;
      }
      rejectedCount++;
      if (rejected.length < MAX_REPORTED) {
        rejected.push({ line: row.line, code: verdict?.code ?? ErrHotlistRow.code, reason: verdict?.reason ?? row.error ?? '' });
      }
    }
    opts.onProgress?.(seen);
    await writer.flush();

    const data = writer.builder.build(settings, gen);
    const info: ListInfo = { settings, gen, count: data.count, partials: data.partials, excluded, rejected: rejectedCount };
    // The swap: one LMDB transaction makes the new generation the list's, then one reference
    // change makes it the matchers'. The record names the retired generation until it is
    // gone, so a crash in between cannot leave it behind.
    await this.listDb.put(opts.list, old ? { ...info, retiredGen: old.gen } : info);
    this.infos.set(opts.list, info);
    this.compiled.set(opts.list, data);
    this.publish();
    await this.compiledDb.save(opts.list, data);
    if (old) {
      await this.removeGeneration(opts.list, old.gen);
      await this.listDb.put(opts.list, info);
    }
    return {
      list: opts.list,
      generation: gen,
      imported: data.count - (old && !opts.replace ? old.count : 0),
      partials: data.partials,
      excluded,
      rejectedCount,
      rejected,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Compiles a stored generation from its entries, and keeps the result for the next open. */
  private async compileAndSave(name: string, gen: number, settings: ListSettings): Promise<ListIndexData> {
    const builder = new ListIndexBuilder(this.infos.get(name)?.count);
    for (const { value: e } of this.entryDb.getRange(generationRange(name, gen))) {
      builder.add(e.plate, jurisdictionId(e.state), e.priority, e.expires, e.covert, e.informational);
    }
    const data = builder.build(settings, gen);
    await this.compiledDb.remove(name, gen);
    await this.compiledDb.save(name, data);
    return data;
  }

  private publish(): void {
    this.current = { generation: this.current.generation + 1, lists: [...this.compiled.values()] };
    for (const cb of this.listeners) cb(this.current);
  }

  private async removeGeneration(name: string, gen: number): Promise<void> {
    await this.compiledDb.remove(name, gen);
    for (;;) {
      const keys = [...this.entryDb.getKeys({ ...generationRange(name, gen), limit: BATCH })];
      if (keys.length === 0) return;
      await this.env.transaction(() => {
        for (const k of keys) this.entryDb.removeSync(k);
      });
      await yieldToLoop();
    }
  }
}

/** Writes one generation's entries in batches and compiles them as they come. */
class GenerationWriter {
  readonly builder = new ListIndexBuilder(64 * 1024);
  private batch: HotlistEntry[] = [];
  private written = 0;

  constructor(
    private readonly env: RootDatabase,
    private readonly db: Database<HotlistEntry, EntryKey>,
    private readonly list: string,
    private readonly gen: number,
  ) {}

  /** Adds an entry; true when the batch is full and should be flushed. */
  add(entry: HotlistEntry): boolean {
    this.builder.add(entry.plate, jurisdictionId(entry.state), entry.priority, entry.expires, entry.covert, entry.informational);
    this.batch.push(entry);
    return this.batch.length >= BATCH;
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const base = this.written;
    this.batch = [];
    this.written += batch.length;
    await this.env.transaction(() => {
      for (let i = 0; i < batch.length; i++) this.db.putSync([this.list, this.gen, base + i], batch[i]!);
    });
  }
}

function generationRange(name: string, gen: number): { start: EntryKey; end: EntryKey } {
  return { start: [name, gen, 0], end: [name, gen + 1, 0] };
}

function emptyInfo(settings: ListSettings): ListInfo {
  return { settings, gen: 0, count: 0, partials: 0, excluded: 0, rejected: 0 };
}

function parseSettings(input: unknown): ListSettings {
  const parsed = ListSettingsSchema.safeParse(input);
  if (!parsed.success) throw new ErrBadInput(`list settings: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
