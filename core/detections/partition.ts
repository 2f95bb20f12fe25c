/**
 * One time partition of detections: its own LMDB environment encrypted with its own key
 * (DESIGN.md), holding records, image bytes, the camera dictionary, the highest seq stored
 * per camera (written in the same transaction as the reads, for dedup after a restart), and
 * a snapshot of the in-memory search index. Records are the truth; the snapshot only saves
 * re-indexing at open, and records past its watermark are replayed.
 *
 * Writes go through `env.transaction`, which lmdb-js batches with every other write queued
 * meanwhile (group commit); a write resolves only once `env.flushed` says the commit is on
 * disk, never on mere visibility.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrStorage } from '../errors.js';
import { tryNormalizePlate } from '../plates/normalize.js';
import { BitmapArray, BitmapMap, RoaringBitmap32, type Bitmap } from './bitmaps.js';
import { PlateIndex } from './plate-index.js';
import { packr } from './record.js';

/** Alternate readings (OCR candidates) indexed per detection, entry = num × 4 + k. */
export const MAX_ALTERNATES = 4;

/** What indexing needs of one detection. */
export interface IndexFacts {
  readonly plate: string | undefined;
  readonly alternates: readonly string[];
  readonly camNo: number;
  readonly st: string | undefined;
  readonly make: string | undefined;
  readonly color: string | undefined;
  readonly body: string | undefined;
}

/** A detection ready to be written: its number, packed record, images and index facts. */
export interface PreparedWrite {
  readonly num: number;
  readonly tsOff: number;
  readonly cam: string;
  readonly seq: number;
  readonly record: Buffer;
  readonly images: Buffer | null;
  readonly facts: IndexFacts;
}

export const term = {
  state: (s: string): string => `s${s.toUpperCase()}`,
  make: (s: string): string => `m${s.toLowerCase()}`,
  color: (s: string): string => `k${s.toLowerCase()}`,
  body: (s: string): string => `b${s.toLowerCase()}`,
};

/** Layout of the index keys; a snapshot of another layout is ignored and the records replayed. */
const INDEX_LAYOUT = 2;

interface Snapshot {
  v?: number;
  wm: number;
  ts: Uint8Array;
  plate: [number, Uint8Array][];
  alt: [number, Uint8Array][];
  terms: [string, Uint8Array][];
  cams: [number, Uint8Array][];
}

const NONE: readonly string[] = Object.freeze([]);

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
  private readonly rec: Database<Buffer, number>;
  private readonly img: Database<Buffer, number>;
  private readonly cams: Database<number, string>;
  private readonly seqs: Database<number, string>;
  private readonly snap: Database<Buffer, string>;
  readonly plateIndex = new PlateIndex();
  readonly altIndex = new PlateIndex();
  readonly terms = new BitmapMap();
  /** Detections by camera number (kept apart from terms: no key string per write). */
  readonly byCam = new BitmapArray();
  /** Capture time of each detection, ms after the partition start, by number. */
  private tsCol = new Uint32Array(1024);
  /** Numbers below this are durable and indexed. */
  indexedBelow = 0;
  /** Next detection number to hand out. */
  nextNum = 0;
  private snapshotAt = 0;
  readonly camNames: string[] = [];
  readonly camNumbers = new Map<string, number>();
  /** Cameras numbered since the last write was issued. */
  private unsavedCams: string[] = [];
  /** Highest seq durably stored in this partition, per camera. */
  readonly lastSeqs = new Map<string, number>();

  constructor(path: string, startHour: number, widthHours: number, key: string) {
    this.path = path;
    this.startHour = startHour;
    this.start = startHour * 3_600_000;
    this.width = widthHours * 3_600_000;
    this.env = open({ path, encryptionKey: key, compression: false, maxDbs: 8, pageSize: 4096 });
    this.rec = this.env.openDB<Buffer, number>({ name: 'rec', keyEncoding: 'uint32', encoding: 'binary' });
    this.img = this.env.openDB<Buffer, number>({ name: 'img', keyEncoding: 'uint32', encoding: 'binary' });
    this.cams = this.env.openDB<number, string>({ name: 'cams', encoding: 'msgpack' });
    this.seqs = this.env.openDB<number, string>({ name: 'seqs', encoding: 'msgpack' });
    this.snap = this.env.openDB<Buffer, string>({ name: 'snap', encoding: 'binary' });
    this.load();
  }

  get end(): number {
    return this.start + this.width;
  }

  /** Durable detections in this partition. */
  get count(): number {
    return this.indexedBelow;
  }

  private load(): void {
    for (const { key, value } of this.cams.getRange()) {
      this.camNames[value] = key;
      this.camNumbers.set(key, value);
    }
    for (const { key, value } of this.seqs.getRange()) this.lastSeqs.set(key, value);
    const raw = this.snap.get('index');
    const s = raw === undefined ? undefined : (packr.unpack(raw) as Snapshot);
    if (s !== undefined && s.v === INDEX_LAYOUT) {
      this.plateIndex.bitmaps.load(s.plate);
      this.altIndex.bitmaps.load(s.alt);
      this.terms.load(s.terms);
      this.byCam.load(s.cams);
      this.growTs(s.wm);
      this.tsCol.set(new Uint32Array(s.ts.buffer.slice(s.ts.byteOffset, s.ts.byteOffset + s.wm * 4)));
      this.indexedBelow = s.wm;
      this.snapshotAt = s.wm;
    }
    for (const { key, value } of this.rec.getRange({ start: this.indexedBelow })) {
      const row = packr.unpack(value) as unknown[];
      const veh = row[13] as (string | null)[] | null | undefined;
      const ocr = row[14] as [string, number, [string, number][] | null] | null | undefined;
      const plate = tryNormalizePlate((row[3] as string | null) ?? ocr?.[0] ?? '') ?? undefined;
      const texts = [...((row[7] as [string, number][] | null) ?? []), ...(ocr?.[2] ?? [])].map((c) => c[0]);
      if (ocr && ocr[0] !== row[3]) texts.unshift(ocr[0]);
      this.setTs(key, row[0] as number);
      this.index(key, {
        plate,
        alternates: alternatesOf(plate, texts),
        camNo: row[1] as number,
        st: (row[4] as string | null) ?? undefined,
        make: veh?.[0] ?? undefined,
        color: veh?.[2] ?? undefined,
        body: veh?.[3] ?? undefined,
      });
      this.indexedBelow = key + 1;
    }
    this.nextNum = this.indexedBelow;
  }

  private growTs(n: number): void {
    if (n <= this.tsCol.length) return;
    let cap = this.tsCol.length;
    while (cap < n) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.tsCol);
    this.tsCol = next;
  }

  private setTs(num: number, off: number): void {
    this.growTs(num + 1);
    this.tsCol[num] = off;
  }

  tsOffsets(): Uint32Array {
    return this.tsCol;
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
   * Writes a batch in one transaction (with the per-camera highest seq and any new camera
   * names), waits until it is flushed to disk, then indexes it.
   */
  async write(items: readonly PreparedWrite[]): Promise<void> {
    // Writes are issued in the order numbers were handed out, so this batch's transaction
    // commits the cameras its own items (and any earlier unsaved ones) refer to.
    const newCams = this.unsavedCams;
    this.unsavedCams = [];
    const batchSeqs = new Map<string, number>();
    for (const it of items) if ((batchSeqs.get(it.cam) ?? -1) < it.seq) batchSeqs.set(it.cam, it.seq);
    await this.commit(newCams, () => {
      for (const cam of newCams) this.cams.putSync(cam, this.camNumbers.get(cam)!);
      for (const it of items) {
        // Append mode keeps pages full; it refuses (returns false, though typed void) a
        // number out of order, which must never pass silently.
        const put = this.rec.putSync(it.num, it.record, { append: true }) as unknown;
        if (put === false) throw new ErrStorage(`detection ${it.num} written out of order`);
        if (it.images !== null) this.img.putSync(it.num, it.images, { append: true });
      }
      for (const [cam, seq] of batchSeqs) if ((this.lastSeqs.get(cam) ?? -1) < seq) this.seqs.putSync(cam, seq);
    });
    await this.env.flushed;
    for (const [cam, seq] of batchSeqs) if ((this.lastSeqs.get(cam) ?? -1) < seq) this.lastSeqs.set(cam, seq);
    for (const it of items) {
      this.setTs(it.num, it.tsOff);
      this.index(it.num, it.facts);
      if (it.num >= this.indexedBelow) this.indexedBelow = it.num + 1;
    }
  }

  /** Moves buffered index additions into the bitmaps. */
  flushIndex(): void {
    this.plateIndex.bitmaps.flush();
    this.altIndex.bitmaps.flush();
    this.terms.bitmaps.flush();
    this.byCam.flush();
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

  private index(num: number, f: IndexFacts): void {
    if (f.plate !== undefined) this.plateIndex.add(num, f.plate);
    for (let k = 0; k < f.alternates.length; k++) this.altIndex.add(num * MAX_ALTERNATES + k, f.alternates[k]!);
    this.byCam.add(f.camNo, num);
    if (f.st) this.terms.add(term.state(f.st), num);
    if (f.make) this.terms.add(term.make(f.make), num);
    if (f.color) this.terms.add(term.color(f.color), num);
    if (f.body) this.terms.add(term.body(f.body), num);
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

  record(num: number): Buffer | undefined {
    return num < this.indexedBelow ? this.rec.get(num) : undefined;
  }

  images(num: number): Buffer | undefined {
    return this.img.get(num);
  }

  /** Saves the index so the next open replays only what came after (same encrypted env). */
  async snapshot(): Promise<void> {
    if (this.snapshotAt === this.indexedBelow) return;
    const wm = this.indexedBelow;
    const s: Snapshot = {
      v: INDEX_LAYOUT,
      wm,
      ts: new Uint8Array(this.tsCol.buffer, 0, wm * 4),
      plate: this.plateIndex.bitmaps.serialize(),
      alt: this.altIndex.bitmaps.serialize(),
      terms: this.terms.serialize(),
      cams: this.byCam.serialize(),
    };
    await this.snap.put('index', packr.pack(s));
    await this.env.flushed;
    this.snapshotAt = wm;
  }

  /** Frees the index's write buffers once the partition's time window is over. */
  releaseBuffers(): void {
    this.plateIndex.bitmaps.release();
    this.altIndex.bitmaps.release();
    this.terms.bitmaps.release();
    this.byCam.release();
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
