/**
 * Roaring bitmaps of detection (or entry) numbers under small integer keys, with write
 * buffering: ingest records additions in typed arrays (no allocation per addition), because
 * a native call per number would cost more than the write itself at 200,000 detections a
 * second. A full buffer is grouped by key (a counting sort) and handed to roaring one
 * `addMany` per key.
 *
 * None of that work happens at once: a full buffer is set aside while additions go on into a
 * second one, and after each write (`drain`) a slice of the set-aside buffer is scattered
 * into key order or handed to roaring. Done in one go, the grouping of a million additions
 * held the event loop for about 12 ms and the hand-over for 40 ms (hundreds on a loaded
 * machine), and every hit pushed meanwhile waited. Reading any key flushes everything first.
 */
import roaring from 'roaring';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** Additions buffered before they are grouped by key for the bitmaps. */
const SORT_AT = 1 << 20;
const FIRST_SIZE = 1024;
/**
 * Frozen bitmaps are kept in roaring's portable format, the one the index snapshots hold, and
 * read in place by a frozen view. roaring's own in-memory layout (`unsafe_frozen_croaring`)
 * answered the benchmark's queries no faster (p50 0.734 against 0.725 ms, 20,000,000
 * detections) and would have to be made from each bitmap again after every load.
 */
const PORTABLE = 'portable';
const FROZEN_VIEW = 'unsafe_frozen_portable';
/** Each frozen bitmap starts on an 8-byte boundary, so its 64-bit words are aligned. */
const ALIGN = 8;
/** Bitmaps frozen per call of `freezeSome`, so ingest never waits for a whole partition. */
export const FREEZE_SLICE = 1000;
/** The union of nothing (never handed out for writing). */
const EMPTY: Bitmap = new RoaringBitmap32();
/**
 * Work units (a number scattered or handed over) a drain may do per addition since the last
 * drain. A set-aside buffer of n additions needs 2n units and the next buffer fills after n
 * additions, so it is always done in time, with room to spare.
 */
const WORK_PER_ADDITION = 4;

/** Additions in arrival order, with a count per key kept as they come (for the grouping). */
class Additions {
  keys: Uint32Array;
  nums: Uint32Array;
  count = 0;
  perKey = new Uint32Array(64);

  constructor(size: number) {
    this.keys = new Uint32Array(size);
    this.nums = new Uint32Array(size);
  }

  add(key: number, n: number): void {
    if (key >= this.perKey.length) this.perKey = widen(this.perKey, Math.max(key + 1, this.perKey.length * 2));
    this.perKey[key]!++;
    this.keys[this.count] = key;
    this.nums[this.count++] = n;
  }

  get full(): boolean {
    return this.count === this.keys.length;
  }

  grow(): void {
    const keys = new Uint32Array(this.keys.length * 2);
    const nums = new Uint32Array(this.nums.length * 2);
    keys.set(this.keys);
    nums.set(this.nums);
    this.keys = keys;
    this.nums = nums;
  }

  clear(): void {
    this.count = 0;
    this.perKey.fill(0);
  }
}

/** A set-aside buffer on its way into the bitmaps: first scattered into key order, then handed over. */
class Grouping {
  /** Start of each key's numbers in `sorted`; `starts[k + 1]` is its end. */
  readonly starts: Uint32Array;
  /** Where the next number of each key goes while scattering. */
  private readonly next: Uint32Array;
  readonly sorted: Uint32Array;
  private scattered = 0;
  /** First key not yet handed to roaring. */
  key = 0;

  constructor(
    readonly from: Additions,
    scratch: Uint32Array,
  ) {
    const perKey = from.perKey;
    this.starts = new Uint32Array(perKey.length + 1);
    for (let k = 0; k < perKey.length; k++) this.starts[k + 1] = this.starts[k]! + perKey[k]!;
    this.next = this.starts.slice(0, perKey.length);
    this.sorted = scratch.length >= from.count ? scratch : new Uint32Array(from.keys.length);
  }

  get scatteredAll(): boolean {
    return this.scattered === this.from.count;
  }

  get handedOver(): boolean {
    return this.key >= this.starts.length - 1;
  }

  /** Scatters up to `budget` numbers into key order; returns the work done. */
  scatter(budget: number): number {
    const { keys, nums, count } = this.from;
    const end = Math.min(count, this.scattered + budget);
    const next = this.next;
    const sorted = this.sorted;
    for (let i = this.scattered; i < end; i++) sorted[next[keys[i]!]!++] = nums[i]!;
    const done = end - this.scattered;
    this.scattered = end;
    return done;
  }
}

/**
 * Frozen bitmaps (`BitmapArray.freezeSome`, `BitmapArray.load`): where each key's bytes lie,
 * with no native object per key. A partition that stopped receiving writes keeps its index so.
 */
class FrozenKeys {
  private readonly buffers: Buffer[] = [];
  /** Buffer number + 1 of each key; 0 where the key is not frozen. */
  private slot = new Uint32Array(0);
  private at = new Uint32Array(0);
  private len = new Uint32Array(0);

  has(k: number): boolean {
    return k < this.slot.length && this.slot[k] !== 0;
  }

  /** The key's bitmap in the portable format. */
  bytes(k: number): Buffer {
    const at = this.at[k]!;
    return this.buffers[this.slot[k]! - 1]!.subarray(at, at + this.len[k]!);
  }

  /** A read-only view over the key's bytes (about 2 µs). */
  view(k: number): Bitmap {
    return RoaringBitmap32.unsafeFrozenView(this.bytes(k), FROZEN_VIEW);
  }

  /** The key was thawed into a writable bitmap. */
  forget(k: number): void {
    this.slot[k] = 0;
  }

  /** Takes a buffer of frozen bitmaps; returns its number for `set`. */
  addBuffer(buf: Buffer, keys: number): number {
    if (this.slot.length < keys) {
      this.slot = widen(this.slot, keys);
      this.at = widen(this.at, keys);
      this.len = widen(this.len, keys);
    }
    return this.buffers.push(buf);
  }

  set(k: number, buffer: number, at: number, len: number): void {
    this.slot[k] = buffer;
    this.at[k] = at;
    this.len[k] = len;
  }
}

function widen(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const wider = new Uint32Array(n);
  wider.set(a);
  return wider;
}

/**
 * Views over frozen bitmaps are made when a search asks for them and kept for later searches,
 * at most MAX_VIEWS in the process, the oldest let go first. Not one for every key: each view
 * is a native object that V8 tracks through a weak handle, about 0.09 µs of every full
 * collection's pause, and 30 days of partitions hold about a million keys: with a view for
 * each, full collections paused the event loop for 70–250 ms, holding up every hit meanwhile.
 */
const MAX_VIEWS = 1 << 16;
const viewOwners: (BitmapArray | undefined)[] = new Array<BitmapArray | undefined>(MAX_VIEWS).fill(undefined);
const viewKeys = new Uint32Array(MAX_VIEWS);
let nextView = 0;

function keepView(owner: BitmapArray, key: number): void {
  viewOwners[nextView]?.letGoView(viewKeys[nextView]!);
  viewOwners[nextView] = owner;
  viewKeys[nextView] = key;
  nextView = (nextView + 1) % MAX_VIEWS;
}

function forgetViews(owner: BitmapArray): void {
  for (let i = 0; i < MAX_VIEWS; i++) if (viewOwners[i] === owner) viewOwners[i] = undefined;
}

export class BitmapArray {
  private readonly maps: (Bitmap | undefined)[] = [];
  private readonly frozen = new FrozenKeys();
  private filling = new Additions(FIRST_SIZE);
  /** The buffer set aside for grouping, while `filling` takes new additions. */
  private grouping: Grouping | undefined;
  /** A cleared buffer and a grouping array kept for the next swap, so full-size arrays are not allocated again. */
  private spare: Additions | undefined;
  private scratch: Uint32Array = new Uint32Array(0);
  private addedSinceDrain = 0;

  add(key: number, n: number): void {
    if (this.filling.full) this.makeRoom();
    this.filling.add(key, n);
    this.addedSinceDrain++;
  }

  private makeRoom(): void {
    if (this.filling.keys.length < SORT_AT) this.filling.grow();
    else this.setAside();
  }

  /** Starts grouping the filling buffer; additions go on into another one. */
  private setAside(): void {
    // Normally already done: drains do the work faster than additions arrive.
    this.finishGrouping();
    if (this.filling.count === 0) return;
    this.grouping = new Grouping(this.filling, this.scratch);
    this.filling = this.spare ?? new Additions(this.filling.keys.length);
    this.spare = undefined;
  }

  /** Does a slice of the grouping work, in proportion to what was added since the last call. */
  drain(): void {
    this.work(WORK_PER_ADDITION * this.addedSinceDrain);
    this.addedSinceDrain = 0;
  }

  private work(budget: number): void {
    const g = this.grouping;
    if (g === undefined) return;
    if (!g.scatteredAll) budget -= g.scatter(budget);
    if (budget > 0 && g.scatteredAll) this.handOver(g, budget);
    if (g.handedOver) {
      this.grouping = undefined;
      g.from.clear();
      this.spare = g.from;
      this.scratch = g.sorted;
    }
  }

  /** Hands up to about `budget` grouped numbers to roaring, a key at a time. */
  private handOver(g: Grouping, budget: number): void {
    const { starts, sorted } = g;
    const last = starts.length - 1;
    let k = g.key;
    let done = 0;
    for (; k < last && done < budget; k++) {
      const from = starts[k]!;
      const to = starts[k + 1]!;
      if (from === to) continue;
      let bm = this.frozen.has(k) ? this.thaw(k) : this.maps[k];
      if (bm === undefined) bm = this.maps[k] = new RoaringBitmap32();
      bm.addMany(sorted.subarray(from, to));
      done += to - from;
    }
    g.key = k;
  }

  private finishGrouping(): void {
    this.work(Infinity);
  }

  /** Flushes, unless nothing is buffered. */
  private catchUp(): void {
    if (this.filling.count > 0 || this.grouping !== undefined) this.flush();
  }

  /** Adds every buffered number to its bitmap. */
  flush(): void {
    this.finishGrouping();
    this.setAside();
    this.finishGrouping();
  }

  /** Flushes and gives back the buffer memory (a partition that stopped receiving writes). */
  release(): void {
    this.flush();
    this.filling = new Additions(FIRST_SIZE);
    this.spare = undefined;
    this.scratch = new Uint32Array(0);
  }

  /**
   * Freezes the bitmaps from key `from` on, at most FREEZE_SLICE of them, into one buffer,
   * and returns the key to continue from (done at `keyCount`). Why: a bitmap built during
   * ingest is a chain of separate allocations (object, container arrays, each container, its
   * values), and a 30-day query reads a few bitmaps in each of 30 partitions, missing the
   * cache at every link. Frozen, a bitmap's parts lie side by side in the buffer, and no
   * native object stays behind for it: a search gets a view (`get`). For partitions no
   * longer written: a late write thaws the bitmap it touches into a copy.
   */
  freezeSome(from: number): number {
    this.flush();
    const maps = this.maps;
    const end = Math.min(maps.length, from + FREEZE_SLICE);
    const sizes = new Uint32Array(end - from);
    let total = 0;
    for (let k = from; k < end; k++) {
      const bm = maps[k];
      if (bm === undefined || this.frozen.has(k)) continue;
      bm.runOptimize();
      sizes[k - from] = bm.getSerializationSizeInBytes(PORTABLE);
      total += padded(sizes[k - from]!);
    }
    if (total === 0) return end;
    const buf = Buffer.allocUnsafe(total);
    const slot = this.frozen.addBuffer(buf, maps.length);
    let at = 0;
    for (let k = from; k < end; k++) {
      const size = sizes[k - from]!;
      if (size === 0) continue;
      maps[k]!.serialize(PORTABLE, buf.subarray(at, at + size));
      maps[k] = undefined;
      this.frozen.set(k, slot, at, size);
      at += padded(size);
    }
    return end;
  }

  /** Number of keys (one past the highest), buffered additions included. */
  get keyCount(): number {
    this.catchUp();
    return this.maps.length;
  }

  private thaw(k: number): Bitmap {
    const copy = new RoaringBitmap32(this.maps[k] ?? this.frozen.view(k));
    this.frozen.forget(k);
    this.maps[k] = copy;
    return copy;
  }

  /** The bitmap for `key`, every buffered number included; callers must not mutate it. */
  get(key: number): Bitmap | undefined {
    this.catchUp();
    const bm = this.maps[key];
    if (bm !== undefined || !this.frozen.has(key)) return bm;
    const view = (this.maps[key] = this.frozen.view(key));
    keepView(this, key);
    return view;
  }

  /** Drops the kept view of a frozen key (`keepView`); the next `get` makes another. */
  letGoView(key: number): void {
    if (this.frozen.has(key)) this.maps[key] = undefined;
  }

  /** Lets go of every kept view (a partition closed or purged). */
  dispose(): void {
    forgetViews(this);
  }

  /**
   * Union of the bitmaps of `keys`, possibly empty; callers must not mutate it. One bitmap
   * present (a pattern's character class of which only one reading occurs) is returned as
   * it is: copying it cost a native bitmap each partition for nothing.
   */
  union(keys: readonly number[]): Bitmap {
    const parts: Bitmap[] = [];
    for (const k of keys) {
      const bm = this.get(k);
      if (bm !== undefined) parts.push(bm);
    }
    if (parts.length === 1) return parts[0]!;
    return parts.length === 0 ? EMPTY : RoaringBitmap32.orMany(parts);
  }

  /** Portable serialisation of every bitmap (for the partition's index snapshot). */
  serialize(): [number, Uint8Array][] {
    this.flush();
    const out: [number, Uint8Array][] = [];
    for (let k = 0; k < this.maps.length; k++) {
      if (this.frozen.has(k)) {
        out.push([k, this.frozen.bytes(k)]);
        continue;
      }
      const bm = this.maps[k];
      if (bm === undefined) continue;
      bm.runOptimize();
      out.push([k, bm.serialize(PORTABLE)]);
    }
    return out;
  }

  /**
   * Takes a snapshot's bitmaps as they are, frozen: one copy of their bytes and no native
   * object until a search asks for one, whatever the number of partitions reopened. The
   * bytes are read in place without a check, which a snapshot may skip because its seal
   * authenticated it (`sealer.ts`).
   */
  load(entries: readonly (readonly [number, Uint8Array])[]): void {
    let total = 0;
    let keys = this.maps.length;
    for (const [k, bytes] of entries) {
      total += padded(bytes.byteLength);
      keys = Math.max(keys, k + 1);
    }
    if (total === 0) return;
    const buf = Buffer.allocUnsafe(total);
    const slot = this.frozen.addBuffer(buf, keys);
    let at = 0;
    for (const [k, bytes] of entries) {
      buf.set(bytes, at);
      this.frozen.set(k, slot, at, bytes.byteLength);
      at += padded(bytes.byteLength);
    }
    if (this.maps.length < keys) this.maps.length = keys;
  }
}

function padded(size: number): number {
  return Math.ceil(size / ALIGN) * ALIGN;
}

/** Bitmaps under string keys (camera, state, vehicle terms): a name table over an array. */
export class BitmapMap {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  readonly bitmaps = new BitmapArray();

  private slot(key: string): number {
    let s = this.slots.get(key);
    if (s === undefined) {
      s = this.names.length;
      this.names.push(key);
      this.slots.set(key, s);
    }
    return s;
  }

  add(key: string, n: number): void {
    this.bitmaps.add(this.slot(key), n);
  }

  get(key: string): Bitmap | undefined {
    const s = this.slots.get(key);
    return s === undefined ? undefined : this.bitmaps.get(s);
  }

  union(keys: readonly string[]): Bitmap {
    return this.bitmaps.union(keys.flatMap((k) => this.slots.get(k) ?? []));
  }

  serialize(): [string, Uint8Array][] {
    return this.bitmaps.serialize().map(([s, buf]) => [this.names[s]!, buf]);
  }

  load(entries: readonly (readonly [string, Uint8Array])[]): void {
    this.bitmaps.load(entries.map(([name, buf]) => [this.slot(name), buf] as const));
  }
}

/**
 * AND of bitmaps into a new bitmap (no input is mutated), or null when it is empty. The two
 * smallest are ANDed first (a size is a field read, about 0.04 µs) and the rest folded into
 * that small result, so the costly step reads the fewest numbers. No `intersects` test comes
 * first: the two bigram bitmaps of a 30-day query's partition usually meet even where the
 * whole AND is empty, so the test read both bitmaps and then the AND read them again (a
 * 30-day query's index work 424 → 224 µs, 20,000,000 detections, `docs/detections.md`).
 */
export function intersect(parts: Bitmap[]): Bitmap | null {
  if (parts.length === 0) throw new RangeError('intersect of nothing');
  if (parts.length === 1) return parts[0]!.clone();
  const bySize = parts.length === 2 ? parts : [...parts].sort((a, b) => a.size - b.size);
  // roaring has no andMany: fold with andInPlace.
  const acc = RoaringBitmap32.and(bySize[0]!, bySize[1]!);
  for (let i = 2; i < bySize.length && !acc.isEmpty; i++) acc.andInPlace(bySize[i]!);
  return acc.isEmpty ? null : acc;
}
