/**
 * One hot list compiled for matching: per-entry data in typed arrays (not a million JS
 * objects), a deletion-neighbourhood posting table for plates and a key table for partial
 * patterns, all in SharedArrayBuffers. The compiled form is immutable: replacing a list
 * compiles a new one beside it, and the swap is one reference change (POLICY R4: a read
 * is matched against the old list or the new one, never a mix).
 */
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { canonicalInto, deletionHashes, depthFor, gramTag, hashGram, hashShape, MAX_DEPTH, posting, variantCount } from './keys.js';
import type { ListSettings } from './list.js';
import { fullShape, isPattern, parsePattern, patternKey, shapeCanon, type CompiledPattern, type PatternKey } from './pattern.js';
import { PostingTable, type PostingTableData } from './table.js';

export const FLAG_COVERT = 1;
export const FLAG_INFORMATIONAL = 2;
/**
 * Rows of `grams`, the trigram keys in use as offset bit masks: rows 1–MAX_PLATE_LENGTH a
 * trigram at a fixed offset of a pattern of that length, GRAMS_ANCHORED one at a fixed
 * offset with `*` after it, GRAMS_FLOATING (any bit) one after a `*`, anywhere.
 */
export const GRAMS_ANCHORED = MAX_PLATE_LENGTH + 1;
export const GRAMS_FLOATING = MAX_PLATE_LENGTH + 2;
const GRAM_ROWS = MAX_PLATE_LENGTH + 3;

/** Structured-cloneable: posting it to a worker shares the buffers, it copies nothing big. */
export interface ListIndexData {
  readonly settings: ListSettings;
  /** The list's stored generation; entry ids carry it. */
  readonly gen: number;
  readonly count: number;
  readonly partials: number;
  /** Deletion depth the fuzzy table was built to. */
  readonly depth: number;
  /** `count × MAX_PLATE_LENGTH` ASCII bytes; partial entries leave theirs empty. */
  readonly plates: SharedArrayBuffer;
  /** Plate length per entry; 0 marks a partial entry. */
  readonly lens: SharedArrayBuffer;
  /** Jurisdiction id per entry (0 = any state). */
  readonly states: SharedArrayBuffer;
  readonly priorities: SharedArrayBuffer;
  /** Expiry per entry in whole seconds, rounded down so nothing matches past it; 0 = none. */
  readonly expires: SharedArrayBuffer;
  readonly flags: SharedArrayBuffer;
  readonly fuzzy: PostingTableData;
  /** Pattern keys → partial ordinal. */
  readonly partial: PostingTableData;
  /** Partial ordinal → entry number, and the pattern text of each. */
  readonly partialEntry: SharedArrayBuffer;
  readonly patternOffsets: SharedArrayBuffer;
  readonly patternBytes: SharedArrayBuffer;
  /** Shape keys in use, one word each: length << 16 | mask of known positions. */
  readonly shapes: SharedArrayBuffer;
  readonly shapeCount: number;
  /** Trigram keys in use: a Uint16Array of offset masks by row (GRAMS_ANCHORED…). */
  readonly grams: SharedArrayBuffer;
}

/** Every live list at one moment, numbered; what the store hands to matchers and workers. */
export interface IndexSnapshot {
  readonly generation: number;
  readonly lists: readonly ListIndexData[];
}

/** Collects entries (in id order) and compiles them into a ListIndexData. */
export class ListIndexBuilder {
  private n = 0;
  private plates: Uint8Array;
  private lens: Uint8Array;
  private states: Uint8Array;
  private priorities: Uint8Array;
  private flags: Uint8Array;
  private expires: Uint32Array;
  private readonly patterns: string[] = [];
  private readonly patternEntry: number[] = [];

  constructor(expected = 1024) {
    const cap = Math.max(16, expected);
    this.plates = new Uint8Array(cap * MAX_PLATE_LENGTH);
    this.lens = new Uint8Array(cap);
    this.states = new Uint8Array(cap);
    this.priorities = new Uint8Array(cap);
    this.flags = new Uint8Array(cap);
    this.expires = new Uint32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /**
   * Adds the next entry (a normalised plate or pattern, its jurisdiction id, 0 for any);
   * its entry number is the returned index.
   */
  add(plate: string, stateId: number, priority: number, expires: number | undefined, covert: boolean, informational: boolean): number {
    if (this.n === this.lens.length) this.grow();
    const id = this.n++;
    if (isPattern(plate)) {
      this.patterns.push(plate);
      this.patternEntry.push(id);
    } else {
      this.lens[id] = plate.length;
      for (let i = 0; i < plate.length; i++) this.plates[id * MAX_PLATE_LENGTH + i] = plate.charCodeAt(i);
    }
    this.states[id] = stateId;
    this.priorities[id] = priority;
    this.flags[id] = (covert ? FLAG_COVERT : 0) | (informational ? FLAG_INFORMATIONAL : 0);
    this.expires[id] = expires === undefined ? 0 : Math.max(1, Math.floor(expires / 1000));
    return id;
  }

  build(settings: ListSettings, gen: number): ListIndexData {
    const n = this.n;
    const depth = depthFor(settings.maxDistance);
    return {
      settings,
      gen,
      count: n,
      partials: this.patterns.length,
      depth,
      plates: share(this.plates.subarray(0, n * MAX_PLATE_LENGTH)),
      lens: share(this.lens.subarray(0, n)),
      states: share(this.states.subarray(0, n)),
      priorities: share(this.priorities.subarray(0, n)),
      expires: share(this.expires.subarray(0, n)),
      flags: share(this.flags.subarray(0, n)),
      fuzzy: this.buildFuzzy(depth),
      ...this.buildPartials(),
    };
  }

  private buildFuzzy(depth: number): PostingTableData {
    let total = 0;
    for (let i = 0; i < this.n; i++) if (this.lens[i]! > 0) total += variantCount(this.lens[i]!, depth);
    const table = PostingTable.allocate(total);
    const hashes = new Uint32Array(variantCount(MAX_PLATE_LENGTH, depth));
    const depthEnd = new Uint32Array(MAX_DEPTH + 1);
    const canon = new Uint8Array(MAX_PLATE_LENGTH);
    for (let id = 0; id < this.n; id++) {
      const len = this.lens[id]!;
      if (len === 0) continue;
      canonicalInto(this.plates, id * MAX_PLATE_LENGTH, len, canon);
      deletionHashes(canon, len, depth, hashes, depthEnd, true);
      for (let d = 0, k = 0; d <= depth; d++) for (; k < depthEnd[d]!; k++) table.insert(hashes[k]!, posting(id, d));
    }
    return table.data();
  }

  private buildPartials(): Pick<
    ListIndexData,
    'partial' | 'partialEntry' | 'patternOffsets' | 'patternBytes' | 'shapes' | 'shapeCount' | 'grams'
  > {
    const p = this.patterns.length;
    const table = PostingTable.allocate(p);
    const shapes = new Set<number>();
    const grams = new Uint16Array(GRAM_ROWS);
    const text = new TextEncoder().encode(this.patterns.join(''));
    const offsets = new Uint32Array(p + 1);
    for (let k = 0; k < p; k++) {
      offsets[k + 1] = offsets[k]! + this.patterns[k]!.length;
      const pattern = parsePattern(this.patterns[k]!);
      const key = indexKey(pattern, shapes);
      if (key.type === 'gram') {
        const row = key.offset < 0 ? GRAMS_FLOATING : key.len < 0 ? GRAMS_ANCHORED : key.len;
        // A trigram past the last start of the longest plate never meets a read: no probe bit.
        if (key.offset + 3 <= MAX_PLATE_LENGTH) grams[row]! |= 1 << Math.max(0, key.offset);
        table.insert(hashGram(key.canon, 0, gramTag(key.len, key.offset)), k);
      } else {
        shapes.add(shapeCode(key.len, key.mask));
        table.insert(hashShape(key.len, key.mask, shapeCanon(pattern, key.mask)), k);
      }
    }
    return {
      partial: table.data(),
      partialEntry: share(Uint32Array.from(this.patternEntry)),
      patternOffsets: share(offsets),
      patternBytes: share(text),
      shapes: share(Uint32Array.from(shapes)),
      shapeCount: shapes.size,
      grams: share(grams),
    };
  }

  private grow(): void {
    const cap = this.lens.length * 2;
    this.plates = resize(this.plates, cap * MAX_PLATE_LENGTH);
    this.lens = resize(this.lens, cap);
    this.states = resize(this.states, cap);
    this.priorities = resize(this.priorities, cap);
    this.flags = resize(this.flags, cap);
    const ex = new Uint32Array(cap);
    ex.set(this.expires);
    this.expires = ex;
  }
}

function resize(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

/** Distinct full shapes a list indexes before falling back to three known positions (probes per read). */
const MAX_FULL_SHAPES = 48;

/**
 * The key a pattern is posted under. A read probes each trigram key once per offset in use,
 * however many patterns share it, but each shape once per shape: so a pattern with three
 * consecutive known characters takes its trigram (a few false candidates, each a cheap
 * positional check, instead of dozens of probes per read), and one without takes its full
 * shape (every known character: almost no false candidates) while shapes are few.
 */
function indexKey(pattern: CompiledPattern, shapes: Set<number>): PatternKey {
  const key = patternKey(pattern); // also refuses patterns too broad to index
  if (key.type === 'gram') return key;
  const full = fullShape(pattern);
  return full?.type === 'shape' && (shapes.has(shapeCode(full.len, full.mask)) || shapes.size < MAX_FULL_SHAPES) ? full : key;
}

function shapeCode(len: number, mask: number): number {
  return (len << 16) | mask;
}

/** Copies a typed array's bytes into a new SharedArrayBuffer (never empty, 8-byte multiple). */
function share(a: ArrayBufferView): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(Math.max(8, Math.ceil(a.byteLength / 8) * 8));
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

/**
 * A list's data under new settings (approval, confidence, a smaller distance) over the same
 * shared buffers; `undefined` when the new distance needs a deeper index, i.e. a rebuild.
 */
export function withSettings(data: ListIndexData, settings: ListSettings): ListIndexData | undefined {
  return depthFor(settings.maxDistance) === data.depth ? { ...data, settings } : undefined;
}
