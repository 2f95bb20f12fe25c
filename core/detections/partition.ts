/**
 * One time partition of detections: its own LMDB environment whose every value is sealed
 * under the partition's own random key (DESIGN.md; `sealer.ts` says why the partition seals
 * rather than LMDB), holding record blocks (`blocks.ts`), image bytes, the camera dictionary
 * and a snapshot of the in-memory search index. Records are the truth: the highest seq per
 * camera (dedup after a restart) is read back from them, and the snapshot only saves
 * re-indexing at open; records past its watermark are replayed.
 *
 * Writes go through `env.transaction`, which lmdb-js batches with every other write queued
 * meanwhile (group commit); a write resolves only once `env.flushed` says the commit is on
 * disk, never on mere visibility.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrStorage } from '../errors.js';
import { tryNormalizePlate } from '../plates/normalize.js';
import { BitmapArray, BitmapMap, RoaringBitmap32, type Bitmap } from './bitmaps.js';
import { BlockDirectory, blockCount, blockRecord, packBlocks } from './blocks.js';
import { PlateIndex } from './plate-index.js';
import { packr, readFields, recordTexts, recordVehicle } from './record.js';
import { Sealer } from './sealer.js';
import type { WriteBatch } from './write-batch.js';

/** Alternate readings (OCR candidates) indexed per detection, entry = num × 4 + k. */
export const MAX_ALTERNATES = 4;

export const term = {
  state: (s: string): string => `s${s.toUpperCase()}`,
  make: (s: string): string => `m${s.toLowerCase()}`,
  color: (s: string): string => `k${s.toLowerCase()}`,
  body: (s: string): string => `b${s.toLowerCase()}`,
};

/** Layout of the index keys; a snapshot of another layout is ignored and the records replayed. */
const INDEX_LAYOUT = 2;

/** What each sealed value is, bound into its seal with its key (`sealer.ts`). */
const SEALED_RECORDS = 1;
const SEALED_IMAGES = 2;
const SEALED_CAMERA = 3;
const SEALED_SNAPSHOT = 4;

interface Snapshot {
  v?: number;
  wm: number;
  seqs: [string, number][];
  ts: Uint8Array;
  plate: [number, Uint8Array][];
  alt: [number, Uint8Array][];
  terms: [string, Uint8Array][];
  cams: [number, Uint8Array][];
}

const NONE: readonly string[] = Object.freeze([]);

/** A partition's search index: what a search reads, and what hibernation lets go of. */
interface Index {
  readonly plate: PlateIndex;
  readonly alt: PlateIndex;
  readonly terms: BitmapMap;
  /** Detections by camera number (kept apart from terms: no key string per write). */
  readonly byCam: BitmapArray;
  /** Capture time of each detection, ms after the partition start, by number. */
  ts: Uint32Array;
}

function emptyIndex(): Index {
  return { plate: new PlateIndex(), alt: new PlateIndex(), terms: new BitmapMap(), byCam: new BitmapArray(), ts: new Uint32Array(1024) };
}

/** Alternate readings of a detection worth indexing: normalised, distinct from the plate. */
export function alternatesOf(plate: string | undefined, texts: readonly (string | undefined)[]): readonly string[] {
  if (texts.length === 0) return NONE;
  const out: string[] = [];
  for (const t of texts) {
    if (t === undefined || out.length >= MAX_ALTERNATES) continue;
    const p = tryNormalizePlate(t);
    if (p !== null && p !== plate && !out.includes(p)) out.push(p);
  }
  return out;
}

export class Partition {
  readonly startHour: number;
  readonly start: number;
  readonly width: number;
  readonly path: string;
  private readonly env: RootDatabase;
  private readonly sealer: Sealer;
  private readonly rec: Database<Buffer, number>;
  private readonly img: Database<Buffer, number>;
  private readonly cams: Database<Buffer, number>;
  private readonly snap: Database<Buffer, string>;
  private readonly blocks = new BlockDirectory();
  /**
   * The block last opened by a read, in a buffer reused for every open (a page of results
   * usually sits in a few blocks). Wiped when a search is done with it (`forgetRead`).
   */
  private openStart = -1;
  private openBlock: Buffer | undefined;
  private blockBuf = Buffer.alloc(4096);
  /** The search index; an empty one while the partition hibernates (`hibernate`). */
  private idx: Index = emptyIndex();
  /** False while the index is not in memory: `wake` loads it from the snapshot. */
  private inMemory = true;
  /** Writes begun and not yet indexed: a partition never hibernates under one. */
  private writing = 0;
  /** Numbers below this are durable and indexed. */
  indexedBelow = 0;
  /** Next detection number to hand out. */
  nextNum = 0;
  private snapshotAt = 0;
  /** `indexedBelow` when the index was last frozen (`freezeIndex`), or -1. */
  private frozenAt = -1;
  readonly camNames: string[] = [];
  readonly camNumbers = new Map<string, number>();
  /** Cameras numbered since the last write was issued. */
  private unsavedCams: string[] = [];
  /** Highest seq durably stored in this partition, per camera. */
  readonly lastSeqs = new Map<string, number>();

  /**
   * Opens the partition's environment. With `resident: false` the index is left on disk when
   * its snapshot covers every stored record (a partition whose window is over and was closed
   * cleanly): only the cameras and their highest seqs are read, and `wake` loads the rest
   * when a search or a late read needs it.
   */
  constructor(path: string, startHour: number, widthHours: number, key: string, options: { resident?: boolean } = {}) {
    this.path = path;
    this.startHour = startHour;
    this.start = startHour * 3_600_000;
    this.width = widthHours * 3_600_000;
    this.sealer = new Sealer(key);
    this.env = open({ path, compression: false, maxDbs: 8, pageSize: 4096 });
    this.rec = this.env.openDB<Buffer, number>({ name: 'rec', keyEncoding: 'uint32', encoding: 'binary' });
    this.img = this.env.openDB<Buffer, number>({ name: 'img', keyEncoding: 'uint32', encoding: 'binary' });
    this.cams = this.env.openDB<Buffer, number>({ name: 'cams', keyEncoding: 'uint32', encoding: 'binary' });
    this.snap = this.env.openDB<Buffer, string>({ name: 'snap', encoding: 'binary' });
    this.load(options.resident ?? true);
  }

  get end(): number {
    return this.start + this.width;
  }

  /** Durable detections in this partition. */
  get count(): number {
    return this.indexedBelow;
  }

  private load(resident: boolean): void {
    for (const { key, value } of this.cams.getRange()) {
      const name = this.sealer.open(SEALED_CAMERA, key, value).toString('utf8');
      this.camNames[key] = name;
      this.camNumbers.set(name, key);
    }
    for (const key of this.rec.getKeys()) this.blocks.add(key);
    const s = this.readSnapshot();
    if (s !== undefined) {
      for (const [cam, seq] of s.seqs) this.lastSeqs.set(cam, seq);
      this.indexedBelow = s.wm;
      this.snapshotAt = s.wm;
      if (resident) this.adopt(s);
      else this.inMemory = false;
    }
    for (const { key, value } of this.rec.getRange({ start: Math.max(0, this.blocks.blockOf(this.indexedBelow)) })) {
      const block = this.sealer.open(SEALED_RECORDS, key, value);
      for (let k = Math.max(0, this.indexedBelow - key); k < blockCount(block); k++) {
        // Records past the snapshot are indexed on top of it, so it must be in memory.
        if (!this.inMemory) this.adopt(s!);
        this.replay(key + k, blockRecord(block, k));
      }
    }
    this.nextNum = this.indexedBelow;
  }

  private readSnapshot(): Snapshot | undefined {
    const raw = this.snap.get('index');
    const s = raw === undefined ? undefined : (packr.unpack(this.sealer.open(SEALED_SNAPSHOT, 0, raw)) as Snapshot);
    return s?.v === INDEX_LAYOUT ? s : undefined;
  }

  /** Takes the snapshot's index into memory (its watermark is already `indexedBelow`). */
  private adopt(s: Snapshot): void {
    this.idx.plate.bitmaps.load(s.plate);
    this.idx.alt.bitmaps.load(s.alt);
    this.idx.terms.load(s.terms);
    this.idx.byCam.load(s.cams);
    this.growTs(s.wm);
    this.idx.ts.set(new Uint32Array(s.ts.buffer.slice(s.ts.byteOffset, s.ts.byteOffset + s.wm * 4)));
    // A snapshot's bitmaps load frozen.
    this.frozenAt = s.wm;
    this.inMemory = true;
  }

  /** True while the search index is in memory. */
  get resident(): boolean {
    return this.inMemory;
  }

  /** Loads the index from the snapshot if it is not in memory (a search or a late read needs it). */
  wake(): void {
    if (this.inMemory) return;
    const s = this.readSnapshot();
    if (s === undefined || s.wm !== this.indexedBelow) throw new ErrStorage(`partition ${this.startHour}: its index snapshot is missing or stale`);
    this.adopt(s);
  }

  /**
   * Lets go of the index's memory when its snapshot holds all of it and no write is under way;
   * `wake` loads it again. False when it cannot (the partition is still written, or its
   * snapshot is behind).
   */
  hibernate(): boolean {
    if (!this.inMemory || this.writing > 0 || this.nextNum !== this.indexedBelow || this.snapshotAt !== this.indexedBelow) return false;
    this.forgetRead();
    for (const arr of this.indexArrays()) arr.dispose();
    this.idx = emptyIndex();
    this.inMemory = false;
    return true;
  }

  /** Indexes a stored record again (no snapshot covered it). */
  private replay(num: number, record: Buffer): void {
    const f = readFields(record);
    const plate = tryNormalizePlate(f.plate ?? (f.rest[5] as [string] | null | undefined)?.[0] ?? '') ?? undefined;
    const cam = this.camNames[f.camNo]!;
    if ((this.lastSeqs.get(cam) ?? -1) < f.seq) this.lastSeqs.set(cam, f.seq);
    this.setTs(num, f.tsOff);
    const veh = recordVehicle(f);
    this.index(num, plate, alternatesOf(plate, recordTexts(f)), f.camNo, f.st, veh?.[0] ?? undefined, veh?.[2] ?? undefined, veh?.[3] ?? undefined);
    this.indexedBelow = num + 1;
  }

  private growTs(n: number): void {
    if (n <= this.idx.ts.length) return;
    let cap = this.idx.ts.length;
    while (cap < n) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.idx.ts);
    this.idx.ts = next;
  }

  private setTs(num: number, off: number): void {
    this.growTs(num + 1);
    this.idx.ts[num] = off;
  }

  /** Capture time of each detection, ms after the partition start, by number. */
  tsOffsets(): Uint32Array {
    this.wake();
    return this.idx.ts;
  }

  // What a search reads: the index, woken from its snapshot first if it hibernates.
  get plateIndex(): PlateIndex {
    this.wake();
    return this.idx.plate;
  }

  get altIndex(): PlateIndex {
    this.wake();
    return this.idx.alt;
  }

  get terms(): BitmapMap {
    this.wake();
    return this.idx.terms;
  }

  get byCam(): BitmapArray {
    this.wake();
    return this.idx.byCam;
  }

  /** The camera's number in this partition's dictionary; a new one is saved by the next write. */
  camNo(cam: string): number {
    const known = this.camNumbers.get(cam);
    if (known !== undefined) return known;
    const no = this.camNames.length;
    this.camNames.push(cam);
    this.camNumbers.set(cam, no);
    this.unsavedCams.push(cam);
    return no;
  }

  /**
   * Writes a batch of consecutive numbers in one transaction (record blocks, images, any new
   * camera names), waits until it is flushed to disk, then indexes it. Everything is sealed
   * before the transaction starts, so the write lock is held only for the puts.
   */
  async write(batch: WriteBatch): Promise<void> {
    this.wake();
    this.writing++;
    try {
      await this.writeAndIndex(batch);
    } finally {
      this.writing--;
    }
  }

  private async writeAndIndex(batch: WriteBatch): Promise<void> {
    // Writes are issued in the order numbers were handed out, so this batch's transaction
    // commits the cameras its own items (and any earlier unsaved ones) refer to.
    const newCams = this.unsavedCams;
    this.unsavedCams = [];
    const cams = newCams.map((cam) => {
      const no = this.camNumbers.get(cam)!;
      return { no, sealed: this.sealer.seal(SEALED_CAMERA, no, Buffer.from(cam, 'utf8')) };
    });
    const blocks: { start: number; sealed: Buffer }[] = [];
    packBlocks(batch.first, batch.bytes, batch.ends, batch.n, (start, block) => {
      blocks.push({ start, sealed: this.sealer.seal(SEALED_RECORDS, start, block) });
      // Registered now, in number order; a read finds a block only below `indexedBelow`.
      this.blocks.add(start);
    });
    await this.commit(newCams, () => {
      for (const c of cams) this.cams.putSync(c.no, c.sealed);
      for (const b of blocks) {
        // Append mode keeps pages full; it refuses (returns false, though typed void) a
        // key out of order, which must never pass silently.
        const put = this.rec.putSync(b.start, b.sealed, { append: true }) as unknown;
        if (put === false) throw new ErrStorage(`detection block ${b.start} written out of order`);
      }
      for (let k = 0; k < batch.n; k++) {
        const images = batch.images[k];
        if (images) this.img.putSync(batch.first + k, this.sealer.seal(SEALED_IMAGES, batch.first + k, images), { append: true });
      }
    });
    await this.env.flushed;
    const b = batch;
    for (let k = 0; k < b.n; k++) {
      const num = b.first + k;
      if ((this.lastSeqs.get(b.cams[k]!) ?? -1) < b.seqs[k]!) this.lastSeqs.set(b.cams[k]!, b.seqs[k]!);
      this.setTs(num, b.tsOff[k]!);
      this.index(num, b.plates[k], b.alternates[k]!, b.camNos[k]!, b.st[k], b.make[k], b.color[k], b.body[k]);
    }
    if (b.first + b.n > this.indexedBelow) this.indexedBelow = b.first + b.n;
    for (const arr of this.indexArrays()) arr.drain();
  }

  /** Runs `work` in a transaction; a failed one hands its camera names to the next write. */
  private async commit(newCams: string[], work: () => void): Promise<void> {
    try {
      await this.env.transaction(work);
    } catch (e) {
      this.unsavedCams = newCams.concat(this.unsavedCams);
      throw e;
    }
  }

  private index(
    num: number,
    plate: string | undefined,
    alternates: readonly string[],
    camNo: number,
    st: string | undefined,
    make: string | undefined,
    color: string | undefined,
    body: string | undefined,
  ): void {
    const x = this.idx;
    if (plate !== undefined) x.plate.add(num, plate);
    for (let k = 0; k < alternates.length; k++) x.alt.add(num * MAX_ALTERNATES + k, alternates[k]!);
    x.byCam.add(camNo, num);
    if (st) x.terms.add(term.state(st), num);
    if (make) x.terms.add(term.make(make), num);
    if (color) x.terms.add(term.color(color), num);
    if (body) x.terms.add(term.body(body), num);
  }

  /** Alternate-reading entries mapped back to detection numbers. */
  static entriesToNumbers(entries: Bitmap): Bitmap {
    const arr = entries.toUint32Array();
    const out = new Uint32Array(arr.length);
    let n = 0;
    let last = -1;
    for (let i = 0; i < arr.length; i++) {
      const num = Math.floor(arr[i]! / MAX_ALTERNATES);
      if (num !== last) out[n++] = last = num;
    }
    return new RoaringBitmap32(out.subarray(0, n));
  }

  /** The stored record `num` (a view valid until the next read), or undefined. */
  record(num: number): Buffer | undefined {
    if (num >= this.indexedBelow) return undefined;
    const start = this.blocks.blockOf(num);
    if (start < 0) return undefined;
    if (start !== this.openStart) {
      const raw = this.rec.getBinaryFast(start);
      if (raw === undefined) return undefined;
      const need = Sealer.plainLength(raw);
      if (need > this.blockBuf.length) this.blockBuf = Buffer.alloc(need);
      // Forgotten first: a block that fails to open must not leave the previous one named.
      this.openStart = -1;
      this.openBlock = this.sealer.openInto(SEALED_RECORDS, start, raw, this.blockBuf);
      this.openStart = start;
    }
    const block = this.openBlock!;
    return num - start < blockCount(block) ? blockRecord(block, num - start) : undefined;
  }

  /**
   * Wipes the plaintext of the last opened block: a search calls it when done, so no record
   * outlives the query that read it in memory (POLICY R7) and no query is served from a
   * block an earlier one opened.
   */
  forgetRead(): void {
    if (this.openStart < 0) return;
    this.blockBuf.fill(0);
    this.openStart = -1;
    this.openBlock = undefined;
  }

  images(num: number): Buffer | undefined {
    const raw = this.img.get(num);
    return raw === undefined ? undefined : this.sealer.open(SEALED_IMAGES, num, raw);
  }

  /** Saves the index so the next open replays only what came after (same encrypted env). */
  async snapshot(): Promise<void> {
    if (this.snapshotAt === this.indexedBelow) return;
    const wm = this.indexedBelow;
    const s: Snapshot = {
      v: INDEX_LAYOUT,
      wm,
      seqs: [...this.lastSeqs],
      ts: new Uint8Array(this.idx.ts.buffer, 0, wm * 4),
      plate: this.idx.plate.bitmaps.serialize(),
      alt: this.idx.alt.bitmaps.serialize(),
      terms: this.idx.terms.serialize(),
      cams: this.idx.byCam.serialize(),
    };
    await this.snap.put('index', this.sealer.seal(SEALED_SNAPSHOT, 0, packr.pack(s)));
    await this.env.flushed;
    this.snapshotAt = wm;
  }

  /** Frees the index's write buffers once the partition's time window is over. */
  releaseBuffers(): void {
    for (const arr of this.indexArrays()) arr.release();
  }

  private indexArrays(): BitmapArray[] {
    return [this.idx.plate.bitmaps, this.idx.alt.bitmaps, this.idx.terms.bitmaps, this.idx.byCam];
  }

  /**
   * Lays the index of a partition no longer written out in frozen bitmaps (`bitmaps.ts`
   * says why), a slice at a time with a turn of the event loop between slices, so writes and
   * searches go on meanwhile. Late writes thaw what they touch; a later call freezes it again.
   */
  async freezeIndex(): Promise<void> {
    // A hibernating index is frozen on disk already: its snapshot holds the frozen bytes.
    if (!this.inMemory || this.frozenAt === this.indexedBelow) return;
    const at = this.indexedBelow;
    for (const arr of this.indexArrays()) {
      for (let k = 0; k < arr.keyCount; k = arr.freezeSome(k)) await nextTurn();
    }
    this.frozenAt = at;
  }

  async close(): Promise<void> {
    this.forgetRead();
    for (const arr of this.indexArrays()) arr.dispose();
    await this.env.close();
  }
}
