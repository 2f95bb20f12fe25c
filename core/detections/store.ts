/**
 * The detection store (DESIGN.md "Storage decisions"; POLICY R2, R7). Layout under
 * `<dataDir>/detections/`:
 *   partitions/<start hour>/  one encrypted LMDB environment per time partition
 *   evidence/<hold id>/       one encrypted LMDB environment per evidence hold
 *   keys.slots                the key store (keys sealed under the master key)
 *   master.key                only when no master key is configured (mode 0600)
 *   meta/                     per-camera seq floors carried over from purged partitions
 *
 * Public API (what the server calls):
 *   DetectionStore.open({ dir, profile, masterKey?, clock?, onWarning? })
 *   append(input) / appendBatch(inputs) → durable results: { status: 'stored', id } |
 *     { status: 'duplicate' } | { status: 'expired' } | { status: 'rejected', code }
 *   lastSeq(cam)                                — for the camera's `welcome` after a restart
 *   get(id, access, audit, { images })          — audited detection view (POLICY R2)
 *   search(query, access, audit)                — audited partial-plate search (POLICY R2)
 *   placeHold(req, access, audit) / releaseHold(id, access, audit) / holds()
 *   compact(now) → counts purged per partition (POLICY R7, R9) ; checkpoint() ; close()
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { AccessContext, AuditSink } from '../audit/sink.js';
import { ErrBadInput, ErrNotFound, ErrStorage, isPlateSafeError } from '../errors.js';
import type { Profile } from '../policy/profile.js';
import { tryNormalizePlate } from '../plates/normalize.js';
import { audited, checkHoldRole, checkInquiry } from './access.js';
import { EvidenceStore, type HoldInfo } from './evidence.js';
import { KeyStore, resolveMasterKey } from './keystore.js';
import { alternatesOf, Partition } from './partition.js';
import { decodeRecord, encodeImages, formatId, parseId, withImages, type Detection, type DetectionInput } from './record.js';
import { RESIDENT_PARTITIONS, Residency } from './residency.js';
import { MAX_PAGE, parseQuery, partitionsFor, runSearch, type SearchPage, type SearchQuery, type SearchQueryInput } from './search.js';
import { WriteBatch } from './write-batch.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A read stamped further ahead of the server clock than this is refused (bad camera clock). */
export const FUTURE_SLACK_MS = HOUR_MS;

export type AppendResult =
  | { readonly status: 'stored'; readonly id: string }
  | { readonly status: 'duplicate' }
  | { readonly status: 'expired' }
  | { readonly status: 'rejected'; readonly code: string };

export interface StoreOptions {
  readonly dir: string;
  readonly profile: Profile;
  readonly masterKey?: string;
  readonly clock?: () => number;
  /** Told about conditions an operator must act on (a generated master key). */
  readonly onWarning?: (message: string) => void;
  /** Partitions whose search index stays in memory (`residency.ts`; default `RESIDENT_PARTITIONS`). */
  readonly residentPartitions?: number;
}

export interface PurgedPartition {
  readonly partition: string;
  readonly detections: number;
  /** Of those, copies kept under evidence holds. */
  readonly held: number;
}

export interface CompactionReport {
  readonly cutoff: number;
  readonly purged: readonly PurgedPartition[];
}

export interface HoldRequest {
  readonly case: string;
  readonly note?: string;
  readonly ids?: readonly string[];
  readonly query?: SearchQueryInput;
}

interface Group {
  readonly part: Partition;
  readonly batch: WriteBatch;
}

/**
 * A batch's reads grouped into one write per partition, in the order the writes are issued.
 * A camera whose clock steps back across a partition boundary within the batch gets a new
 * group for the earlier partition after the group of its previous read, never a place in a
 * group issued before it: each camera's reads are then issued in seq order, and what is
 * durable after a crash is a prefix of every camera's reads (`issue`).
 */
class Groups {
  readonly order: Group[] = [];
  /** The group of each partition that takes more reads: its last. */
  private readonly open = new Map<number, number>();
  /** Index of the group of each camera's last read, kept once the batch spans two groups (before that, every read is in group 0). */
  private readonly camAt = new Map<string, number>();

  /** The group the camera's next read of the partition goes in, or undefined when a new one is needed. */
  find(startHour: number, cam: string): Group | undefined {
    const at = this.open.get(startHour);
    if (at === undefined || at < (this.camAt.get(cam) ?? 0)) return undefined;
    if (this.order.length > 1) this.camAt.set(cam, at);
    return this.order[at];
  }

  add(startHour: number, cam: string, g: Group): Group {
    const at = this.order.push(g) - 1;
    this.open.set(startHour, at);
    if (this.order.length > 1) this.camAt.set(cam, at);
    return g;
  }
}

const partKey = (startHour: number): string => `part:${startHour}`;
const NO_TEXTS: (string | undefined)[] = [];

export class DetectionStore {
  private readonly partitions = new Map<number, Partition>();
  private readonly residency: Residency<Partition>;
  private readonly lastSeqs = new Map<string, number>();
  /** Highest seq accepted per camera, including writes still in flight. */
  private readonly acceptedSeqs = new Map<string, number>();
  /** Settles after every write issued so far. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The last group write: its partition, and when it was issued and when durable (`issue`). */
  private lastWrite: { startHour: number; issued: Promise<void>; durable: Promise<void> } = {
    startHour: Number.NaN,
    issued: Promise.resolve(),
    durable: Promise.resolve(),
  };
  /** Reads older than this were purged and are never stored again. */
  private purgedBefore = -Infinity;
  private closed = false;

  private constructor(
    private readonly opts: StoreOptions,
    private readonly root: string,
    private readonly keys: KeyStore,
    private readonly meta: RootDatabase,
    private readonly floors: Database<number, string>,
    readonly evidence: EvidenceStore,
  ) {
    this.residency = new Residency(opts.residentPartitions ?? RESIDENT_PARTITIONS);
  }

  static open(opts: StoreOptions): DetectionStore {
    const root = join(opts.dir, 'detections');
    mkdirSync(join(root, 'partitions'), { recursive: true });
    const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m));
    const master = resolveMasterKey(root, opts.masterKey, (path) =>
      warn(`no master key configured: generated ${path} (mode 0600); move it to a secret and set masterKey`),
    );
    const keys = KeyStore.open(root, master);
    const meta = open({ path: join(root, 'meta'), compression: false, maxDbs: 2 });
    const floors = meta.openDB<number, string>({ name: 'seqs', encoding: 'msgpack' });
    const store = new DetectionStore(opts, root, keys, meta, floors, EvidenceStore.open(join(root, 'evidence'), keys));
    store.openPartitions();
    return store;
  }

  private openPartitions(): void {
    for (const { key, value } of this.floors.getRange()) this.lastSeqs.set(key, value);
    const dir = join(this.root, 'partitions');
    for (const name of readdirSync(dir)) {
      const startHour = Number(name);
      const key = this.keys.get(partKey(startHour));
      // A partition whose key is gone was purged by a run cut short before removing files.
      if (key === undefined || !Number.isInteger(startHour)) {
        rmSync(join(dir, name), { recursive: true, force: true });
        continue;
      }
      // Left on disk until used: a year of partitions opens without a year of indexes.
      const p = new Partition(join(dir, name), startHour, this.widthHours, key, { resident: false });
      this.partitions.set(startHour, p);
      this.residency.touch(p);
      for (const [cam, seq] of p.lastSeqs) if ((this.lastSeqs.get(cam) ?? -1) < seq) this.lastSeqs.set(cam, seq);
    }
    for (const [cam, seq] of this.lastSeqs) this.acceptedSeqs.set(cam, seq);
    // A key whose partition never got its files (a crash right after sealing it) is dropped.
    for (const name of this.keys.names()) {
      if (name.startsWith('part:') && !this.partitions.has(Number(name.slice(5)))) this.keys.destroy(name);
    }
  }

  private get widthHours(): number {
    return this.opts.profile.retention.partitionHours;
  }

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** Highest seq of the camera stored durably, or -1 (the `welcome` ack after a restart). */
  lastSeq(cam: string): number {
    return this.lastSeqs.get(cam) ?? -1;
  }

  /** Partitions open now, oldest first (for reports and tests). */
  partitionList(): readonly Partition[] {
    return [...this.partitions.values()].sort((a, b) => a.startHour - b.startHour);
  }

  private partitionFor(startHour: number): Partition {
    let p = this.partitions.get(startHour);
    if (p === undefined) {
      // The key is sealed and fsynced before the environment exists (crash order matters).
      const key = this.keys.create(partKey(startHour));
      p = new Partition(join(this.root, 'partitions', String(startHour)), startHour, this.widthHours, key);
      this.partitions.set(startHour, p);
    }
    this.residency.touch(p);
    return p;
  }

  /** Every partition, those a query's time range reaches woken: what `runSearch` reads. */
  private searchable(q: SearchQuery): Partition[] {
    const all = [...this.partitions.values()];
    // Oldest first, so the newest, which most searches ask for, are the last let go.
    for (const p of partitionsFor(all, q).reverse()) {
      p.wake();
      this.residency.touch(p);
    }
    return all;
  }

  async append(input: DetectionInput): Promise<AppendResult> {
    return (await this.appendBatch([input]))[0]!;
  }

  /**
   * Stores a batch; resolves once every stored read is durable (group commit: concurrent
   * batches share LMDB transactions). A read whose (camera, seq) is not above the camera's
   * highest is a duplicate and stores nothing.
   */
  async appendBatch(inputs: readonly DetectionInput[]): Promise<AppendResult[]> {
    const now = this.now();
    const expiredBefore = Math.max(this.purgedBefore, now - this.opts.profile.retention.detectionDays * DAY_MS);
    const results: AppendResult[] = new Array(inputs.length);
    const groups = new Groups();
    let duplicates = false;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const { read, cam } = input;
      if (read.seq <= (this.acceptedSeqs.get(cam) ?? -1)) {
        results[i] = { status: 'duplicate' };
        duplicates = true;
      } else if (read.ts > (input.received ?? now) + FUTURE_SLACK_MS) {
        results[i] = { status: 'rejected', code: ErrBadInput.code };
      } else if (read.ts < expiredBefore) {
        results[i] = { status: 'expired' };
      } else {
        this.acceptedSeqs.set(cam, read.seq);
        this.prepare(input, i, now, inputs.length, groups);
      }
    }
    const write = this.writeGroups(groups.order, results);
    // A duplicate is reported only once the original it duplicates is durable.
    const done = duplicates ? Promise.all([write, this.tail]) : write;
    this.tail = Promise.all([this.tail, write]).catch(() => undefined);
    await done;
    return results;
  }

  private prepare(input: DetectionInput, slot: number, now: number, capacity: number, groups: Groups): void {
    const { read, cam, ocr } = input;
    const startHour = Math.floor(read.ts / HOUR_MS / this.widthHours) * this.widthHours;
    let g = groups.find(startHour, cam);
    if (g === undefined) {
      const part = this.partitionFor(startHour);
      // Numbers are handed out as the batch fills, so a batch holds consecutive ones.
      g = groups.add(startHour, cam, { part, batch: new WriteBatch(part.nextNum, capacity) });
    }
    const p = g.part;
    const plate = tryNormalizePlate(read.plate ?? ocr?.plate ?? '') ?? undefined;
    let texts: (string | undefined)[] = NO_TEXTS;
    if (ocr !== undefined || read.cands !== undefined) {
      texts = [];
      if (ocr && ocr.plate !== read.plate) texts.push(ocr.plate);
      for (const c of read.cands ?? []) texts.push(c[0]);
      for (const c of ocr?.cands ?? []) texts.push(c[0]);
    }
    p.nextNum++;
    g.batch.add(input, slot, p.start, p.camNo(cam), plate, alternatesOf(plate, texts), input.received ?? now, encodeImages(read));
  }

  /**
   * Issues every group's transaction in the order its numbers were handed out, so each
   * partition commits its numbers in ascending order (records are appended, never inserted).
   */
  private writeGroups(groups: readonly Group[], results: AppendResult[]): Promise<unknown> {
    return Promise.all(groups.map((g) => this.issue(g, results)));
  }

  /**
   * One partition's transactions commit in the order they are issued; two partitions' do
   * not. So a write to another partition than the last write waits until that one is durable
   * (a write to the same one only until it is issued): what is durable is then always a
   * prefix of what was issued. Issued at once, a crash could leave a camera's later reads
   * durable in one partition and its earlier ones lost in another, and the camera, told the
   * highest seq stored (`welcome.ack`), would never resend them: a camera reaching today's
   * reads at the end of yesterday's backlog. The wait comes once per change of partition.
   */
  private issue(g: Group, results: AppendResult[]): Promise<void> {
    const last = this.lastWrite;
    const gate = last.startHour === g.part.startHour ? last.issued : last.durable;
    let issued!: () => void;
    const write = gate.then(() => {
      const w = this.writeGroup(g, results);
      issued();
      return w;
    });
    this.lastWrite = { startHour: g.part.startHour, issued: new Promise<void>((r) => (issued = r)), durable: write.catch(() => undefined) };
    return write;
  }

  private async writeGroup(g: Group, results: AppendResult[]): Promise<void> {
    const b = g.batch;
    try {
      await g.part.write(b);
    } catch (e) {
      // Nothing of this group is durable: let the cameras resend it.
      for (let k = 0; k < b.n; k++) this.acceptedSeqs.set(b.cams[k]!, this.lastSeq(b.cams[k]!));
      throw isPlateSafeError(e) ? e : new ErrStorage(`detection write failed: ${(e as Error).message}`);
    }
    for (let k = 0; k < b.n; k++) {
      results[b.slots[k]!] = { status: 'stored', id: formatId(g.part.startHour, b.first + k) };
      if (this.lastSeq(b.cams[k]!) < b.seqs[k]!) this.lastSeqs.set(b.cams[k]!, b.seqs[k]!);
    }
  }

  /** One detection, for a person with a case and a purpose (POLICY R2); audited. */
  get(id: string, access: AccessContext, audit: AuditSink, opts: { images?: boolean } = {}): Promise<Detection> {
    // Named as the authorization table names them, so the random audit draws them (POLICY R3).
    const action = opts.images === true ? 'images.view' : 'detections.view';
    return audited(audit, access, action, { id, images: opts.images === true }, () => checkInquiry(this.opts.profile, access), async () => ({
      value: this.read(id, opts.images === true),
      results: 1,
    }));
  }

  private read(id: string, images: boolean): Detection {
    const { startHour, num } = parseId(id);
    const p = this.partitions.get(startHour);
    const buf = p?.record(num);
    if (p !== undefined && buf !== undefined) {
      const d = decodeRecord(id, buf, p.start, p.camNames);
      p.forgetRead();
      return images ? withImages(d, p.images(num)) : d;
    }
    const held = this.evidence.get(id);
    if (held === undefined) throw new ErrNotFound(`no detection ${id} (never stored, or purged)`, { id });
    if (images) return held;
    const view: { -readonly [K in keyof Detection]: Detection[K] } = { ...held };
    delete view.img;
    if (held.crop) view.crop = { fmt: held.crop.fmt, w: held.crop.w, h: held.crop.h };
    return view;
  }

  /** Partial-plate search (see search.ts); refused before any read without case and purpose. */
  search(query: SearchQueryInput, access: AccessContext, audit: AuditSink): Promise<SearchPage> {
    return audited(audit, access, 'detections.search', query, () => checkInquiry(this.opts.profile, access), async () => {
      const q = parseQuery(query);
      try {
        const page = runSearch(this.searchable(q), q);
        return { value: page, results: page.items.length };
      } finally {
        this.residency.trim();
      }
    });
  }

  /** Places an evidence hold on detections by id and/or by a search (investigator or records custodian). */
  placeHold(req: HoldRequest, access: AccessContext, audit: AuditSink): Promise<HoldInfo> {
    const gate = (): void => {
      checkHoldRole(access, 'holds.place');
      if (req.case.trim().length === 0) throw new ErrBadInput('a hold needs a case number');
    };
    return audited(audit, access, 'hold.place', req, gate, async () => {
      const ids = new Set(req.ids ?? []);
      if (req.query) for (const id of this.allMatches(req.query)) ids.add(id);
      const dets = [...ids].map((id) => this.read(id, true));
      const info = await this.evidence.place({ case: req.case, by: access.user, at: this.now(), ...(req.note ? { note: req.note } : {}) }, dets);
      return { value: info, results: dets.length };
    });
  }

  private allMatches(query: SearchQueryInput): string[] {
    const ids: string[] = [];
    let q = parseQuery({ ...query, limit: MAX_PAGE, cursor: undefined });
    try {
      for (;;) {
        const page = runSearch(this.searchable(q), q);
        for (const d of page.items) ids.push(d.id);
        if (page.cursor === undefined) return ids;
        q = { ...q, cursor: page.cursor };
      }
    } finally {
      this.residency.trim();
    }
  }

  /** Releases a hold: its copies are erased like a purged partition (POLICY R7). */
  releaseHold(holdId: string, access: AccessContext, audit: AuditSink): Promise<HoldInfo> {
    return audited(audit, access, 'hold.release', { hold: holdId }, () => checkHoldRole(access, 'holds.release'), async () => {
      const info = await this.evidence.release(holdId);
      return { value: info, results: info.ids.length };
    });
  }

  holds(): HoldInfo[] {
    return this.evidence.list();
  }

  /**
   * Drops every partition wholly older than the profile's retention (POLICY R7, MP 462.5):
   * held detections are already copied out; the key is destroyed, then the files removed.
   * Ingest and search go on meanwhile. Returns what was purged, for the quarterly report.
   */
  async compact(now = this.now()): Promise<CompactionReport> {
    const cutoff = now - this.opts.profile.retention.detectionDays * DAY_MS;
    const purged: PurgedPartition[] = [];
    for (const p of this.partitionList()) {
      if (p.end > cutoff) break;
      purged.push(await this.purge(p));
    }
    return { cutoff, purged };
  }

  private async purge(p: Partition): Promise<PurgedPartition> {
    // Keep each camera's highest seq so dedup survives the purge of its last partition.
    await this.floors.transaction(() => {
      for (const [cam, seq] of p.lastSeqs) if ((this.floors.get(cam) ?? -1) < seq) this.floors.putSync(cam, seq);
    });
    await this.meta.flushed;
    this.partitions.delete(p.startHour);
    this.residency.forget(p);
    this.purgedBefore = Math.max(this.purgedBefore, p.end);
    const prefix = `${p.startHour.toString(36)}-`;
    const held = this.evidence.list().reduce((n, h) => n + h.ids.filter((id) => id.startsWith(prefix)).length, 0);
    const detections = p.count;
    await this.tail;
    await p.close();
    this.keys.destroy(partKey(p.startHour));
    rmSync(p.path, { recursive: true, force: true });
    return { partition: new Date(p.start).toISOString(), detections, held };
  }

  /**
   * Saves the search index of partitions whose time window is over, so reopening is fast,
   * and frees their write buffers.
   */
  async checkpoint(now = this.now()): Promise<number> {
    let n = 0;
    for (const p of this.partitionList()) {
      if (p.end > now) continue;
      // Frozen first (a slice at a time between event-loop turns): the snapshot then copies
      // the frozen bytes, which are already in its format, instead of serialising every
      // bitmap a second time in one go.
      await p.freezeIndex();
      await p.snapshot();
      p.releaseBuffers();
      n++;
    }
    // Snapshots are current now, so the least used closed partitions can let go of their index.
    this.residency.trim();
    return n;
  }

  /** Saves indexes and closes everything; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    for (const p of this.partitions.values()) {
      await p.snapshot();
      await p.close();
    }
    this.partitions.clear();
    await this.evidence.close();
    await this.meta.close();
    this.keys.close();
  }
}
