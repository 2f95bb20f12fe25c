/**
 * Roaring bitmaps of detection (or entry) numbers under small integer keys, with write
 * buffering: ingest records additions in typed arrays and `flush()` hands each key's
 * numbers to the native side in one `addMany` call, because a native call per number would
 * cost more than the write itself at 200,000 detections a second. The buffer is bounded: it
 * flushes itself when full.
 */
import roaring from 'roaring';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** Largest number of buffered additions per bitmap array before it is handed over. */
const MAX_BUFFERED = 1 << 18;
/** Longest the event loop is held by one slice of a hand-over (ingest and hits wait on it). */
const SLICE_MS = 1;

/** Additions grouped by key (a counting sort), handed to roaring a few keys at a time. */
interface Staged {
  readonly sorted: Uint32Array;
  readonly starts: Uint32Array;
  next: number;
}

/**
 * Bitmaps under dense integer keys. Additions are buffered as (key, number) pairs in typed
 * arrays (no allocation per addition). A full buffer is grouped by key and handed to roaring
 * one `addMany` per key, in slices of about a millisecond on later event-loop turns: the
 * whole hand-over of a full buffer takes tens of milliseconds, a stall every hit pushed
 * meanwhile would wait for. `flush()` completes it at once (a query needs every addition).
 */
export class BitmapArray {
  private readonly maps: (Bitmap | undefined)[] = [];
  private keys = new Uint32Array(1024);
  private nums = new Uint32Array(1024);
  private count = 0;
  private staged: Staged | undefined;

  add(key: number, n: number): void {
    if (this.count === this.keys.length) this.grow();
    this.keys[this.count] = key;
    this.nums[this.count++] = n;
  }

  private grow(): void {
    if (this.keys.length >= MAX_BUFFERED) {
      this.stage();
      setImmediate(() => this.drainSlice());
      return;
    }
    const keys = new Uint32Array(this.keys.length * 2);
    const nums = new Uint32Array(this.nums.length * 2);
    keys.set(this.keys);
    nums.set(this.nums);
    this.keys = keys;
    this.nums = nums;
  }

  /** Every addition so far is in the bitmaps when this returns. */
  flush(): void {
    this.drain(Number.POSITIVE_INFINITY);
    this.stage();
    this.drain(Number.POSITIVE_INFINITY);
  }

  private drainSlice(): void {
    if (!this.drain(performance.now() + SLICE_MS)) setImmediate(() => this.drainSlice());
  }

  /** Groups the buffer by key into `staged` (finishing an earlier hand-over first). */
  private stage(): void {
    this.drain(Number.POSITIVE_INFINITY);
    const n = this.count;
    if (n === 0) return;
    const keys = this.keys;
    let maxKey = 0;
    for (let i = 0; i < n; i++) if (keys[i]! > maxKey) maxKey = keys[i]!;
    const starts = new Uint32Array(maxKey + 2);
    for (let i = 0; i < n; i++) starts[keys[i]! + 1]!++;
    for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!;
    const sorted = new Uint32Array(n);
    const fill = starts.slice(0, maxKey + 1);
    for (let i = 0; i < n; i++) sorted[fill[keys[i]!]!++] = this.nums[i]!;
    this.staged = { sorted, starts, next: 0 };
    this.count = 0;
  }

  /** Hands staged keys to roaring until done or `deadline`; true when nothing is left. */
  private drain(deadline: number): boolean {
    const st = this.staged;
    if (st === undefined) return true;
    const last = st.starts.length - 1;
    for (let k = st.next; k < last; k++) {
      if (st.starts[k] === st.starts[k + 1]) continue;
      let bm = this.maps[k];
      if (bm === undefined) bm = this.maps[k] = new RoaringBitmap32();
      bm.addMany(st.sorted.subarray(st.starts[k], st.starts[k + 1]));
      if ((k & 63) === 0 && deadline !== Number.POSITIVE_INFINITY && performance.now() >= deadline) {
        st.next = k + 1;
        return false;
      }
    }
    this.staged = undefined;
    return true;
  }

  /** Flushes and gives back the buffer memory (a partition that stopped receiving writes). */
  release(): void {
    this.flush();
    this.keys = new Uint32Array(1024);
    this.nums = new Uint32Array(1024);
  }

  /** The bitmap for `key` (flush first); callers must not mutate it. */
  get(key: number): Bitmap | undefined {
    return this.maps[key];
  }

  /** Union of the bitmaps of `keys` (a new bitmap, possibly empty). */
  union(keys: readonly number[]): Bitmap {
    const parts: Bitmap[] = [];
    for (const k of keys) {
      const bm = this.maps[k];
      if (bm !== undefined) parts.push(bm);
    }
    return parts.length === 0 ? new RoaringBitmap32() : RoaringBitmap32.orMany(parts);
  }

  /** Portable serialisation of every bitmap (for the partition's index snapshot). */
  serialize(): [number, Uint8Array][] {
    this.flush();
    const out: [number, Uint8Array][] = [];
    this.maps.forEach((bm, k) => {
      if (bm === undefined) return;
      bm.runOptimize();
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

/** AND of bitmaps, smallest first, into a new bitmap (no input is mutated). */
export function intersect(parts: Bitmap[]): Bitmap {
  if (parts.length === 0) throw new RangeError('intersect of nothing');
  // Sizes read once (each is a native call), smallest first.
  const sized = parts.map((bm) => ({ bm, n: bm.size })).sort((a, b) => a.n - b.n);
  const acc = sized.length === 1 ? sized[0]!.bm.clone() : RoaringBitmap32.and(sized[0]!.bm, sized[1]!.bm);
  // roaring has no andMany: fold with andInPlace.
  for (let i = 2; i < sized.length; i++) acc.andInPlace(sized[i]!.bm);
  return acc;
}
