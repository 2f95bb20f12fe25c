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

const { RoaringBitmap32, bufferAlignedAllocUnsafe } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** Additions buffered before they are grouped by key for the bitmaps. */
const SORT_AT = 1 << 20;
const FIRST_SIZE = 1024;
/** roaring's in-memory layout, which a frozen view reads in place (never written to disk). */
const FROZEN = 'unsafe_frozen_croaring';
/** Frozen views need their data 32-byte aligned. */
const ALIGN = 32;
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
    if (key >= this.perKey.length) {
      const wider = new Uint32Array(Math.max(key + 1, this.perKey.length * 2));
      wider.set(this.perKey);
      this.perKey = wider;
    }
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

export class BitmapArray {
  private readonly maps: (Bitmap | undefined)[] = [];
  /** 1 where the bitmap is a read-only frozen view (`freezeSome`). */
  private frozen = new Uint8Array(0);
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
      let bm = this.maps[k];
      if (bm === undefined) bm = this.maps[k] = new RoaringBitmap32();
      else if (this.frozen[k] === 1) bm = this.thaw(k, bm);
      bm.addMany(sorted.subarray(from, to));
      done += to - from;
    }
    g.key = k;
  }

  private finishGrouping(): void {
    this.work(Infinity);
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
   * Replaces the bitmaps from key `from` on, at most FREEZE_SLICE of them, by frozen views
   * over one aligned buffer, and returns the key to continue from (done at `keyCount`). Why:
   * a bitmap built during ingest is a chain of separate allocations (object, container
   * arrays, each container, its values), and a 30-day query reads a few bitmaps in each of
   * 30 partitions, missing the cache at every link. A frozen view keeps a bitmap's parts in
   * one allocation and its values side by side in the buffer. For partitions no longer
   * written: a late write thaws the bitmap it touches into a copy.
   */
  freezeSome(from: number): number {
    this.flush();
    const maps = this.maps;
    const end = Math.min(maps.length, from + FREEZE_SLICE);
    if (this.frozen.length < maps.length) {
      const next = new Uint8Array(maps.length);
      next.set(this.frozen);
      this.frozen = next;
    }
    const sizes = new Uint32Array(end - from);
    let total = 0;
    for (let k = from; k < end; k++) {
      const bm = maps[k];
      if (bm === undefined || this.frozen[k] === 1) continue;
      bm.runOptimize();
      sizes[k - from] = bm.getSerializationSizeInBytes(FROZEN);
      total += Math.ceil(sizes[k - from]! / ALIGN) * ALIGN;
    }
    if (total === 0) return end;
    const buf = bufferAlignedAllocUnsafe(total, ALIGN);
    let at = 0;
    for (let k = from; k < end; k++) {
      const size = sizes[k - from]!;
      if (size === 0) continue;
      const view = buf.subarray(at, at + size);
      maps[k]!.serialize(FROZEN, view);
      maps[k] = RoaringBitmap32.unsafeFrozenView(view, FROZEN);
      this.frozen[k] = 1;
      at += Math.ceil(size / ALIGN) * ALIGN;
    }
    return end;
  }

  /** Number of keys (one past the highest). */
  get keyCount(): number {
    return this.maps.length;
  }

  private thaw(k: number, bm: Bitmap): Bitmap {
    const copy = new RoaringBitmap32(bm);
    this.maps[k] = copy;
    this.frozen[k] = 0;
    return copy;
  }

  /** The bitmap for `key`, every buffered number included; callers must not mutate it. */
  get(key: number): Bitmap | undefined {
    if (this.filling.count > 0 || this.grouping !== undefined) this.flush();
    return this.maps[key];
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
    this.maps.forEach((bm, k) => {
      if (bm === undefined) return;
      // A frozen view was optimised before it was frozen, and cannot be changed.
      if (this.frozen[k] !== 1) bm.runOptimize();
      out.push([k, bm.serialize('portable')]);
    });
    return out;
  }

  load(entries: readonly (readonly [number, Uint8Array])[]): void {
    for (const [k, buf] of entries) this.maps[k] = RoaringBitmap32.deserialize(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), 'portable');
  }
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
 * AND of bitmaps into a new bitmap (no input is mutated), or null when the first misses any
 * other. Callers list the most selective first: roaring's AND already costs what the smaller
 * side holds, so asking each bitmap its size to sort them (a native call each) cost more than
 * it saved. Most partitions hold no match for a query: asking whether two bitmaps meet
 * allocates nothing (about 0.1 µs) where building their AND makes a new native bitmap
 * (about 1.2 µs), so the misses are found first.
 */
export function intersect(parts: Bitmap[]): Bitmap | null {
  if (parts.length === 0) throw new RangeError('intersect of nothing');
  const first = parts[0]!;
  for (let i = 1; i < parts.length; i++) if (!first.intersects(parts[i]!)) return null;
  const acc = parts.length === 1 ? first.clone() : RoaringBitmap32.and(first, parts[1]!);
  // roaring has no andMany: fold with andInPlace.
  for (let i = 2; i < parts.length; i++) acc.andInPlace(parts[i]!);
  return acc;
}
