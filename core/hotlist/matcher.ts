/**
 * Matching a read against every live list of an index snapshot. Each OCR candidate of the
 * read is looked up by its canonical deletion neighbourhood (fuzzy and exact) and its
 * trigram and shape keys (partial patterns); every candidate entry is verified with the true
 * weighted distance, so a hit is never a hash artefact and every entry within the list's
 * distance is found. A matcher owns its scratch buffers: one per thread, never shared.
 *
 * A read costs little computation but many loads from tables far larger than the caches,
 * so each candidate is matched in phases whose loads do not depend on each other: every
 * key of every list is computed, then every first table slot is loaded, then the slots are
 * walked and the entries met gathered, then every gathered entry's bytes are loaded, and
 * only then is anything verified. The processor overlaps the cache misses of a phase
 * instead of paying for them one after another. Nothing is allocated until a hit is found.
 */
import { canonicalCode } from '../plates/confusion.js';
import { jurisdictionId } from '../plates/jurisdictions.js';
import { MAX_PLATE_LENGTH, tryNormalizePlate } from '../plates/normalize.js';
import { PlateDistance } from './distance.js';
import { HitBuffer, KIND_EXACT, KIND_FUZZY, KIND_PARTIAL, type Match } from './hits.js';
import { deletionHashes, gramTag, hashGram, hashReadShape, MAX_DEPTH, POSTING_ID_MASK, variantCount } from './keys.js';
import { GRAMS_ANCHORED, GRAMS_FLOATING, type IndexSnapshot } from './list-index.js';
import { listView, type ListView } from './list-view.js';
import { PatternMatcher } from './pattern.js';
import { home } from './table.js';

export type { Match, MatchKind, StateAgreement } from './hits.js';

export interface MatchRead {
  readonly plate?: string | undefined;
  readonly st?: string | undefined;
  readonly conf?: number | undefined;
  readonly cands?: ReadonlyArray<readonly [string, number]> | undefined;
}

/** A partial entry names fewer characters than a plate: its best hit ranks below an exact one. */
const PARTIAL_FACTOR = 0.8;
/** Gathered entries compared when dropping repeats: enough for any real read, bounded for a freak one. */
const DEDUPE_WINDOW = 256;

export class Matcher {
  readonly generation: number;
  private readonly views: ListView[];
  private readonly distance = new PlateDistance();
  private readonly patterns = new PatternMatcher();
  private readonly hits = new HitBuffer();
  private readonly readBytes = new Uint8Array(MAX_PLATE_LENGTH);
  private readonly readCanon = new Uint8Array(MAX_PLATE_LENGTH);
  private canonLength = 0;
  private readonly hashes = new Uint32Array(variantCount(MAX_PLATE_LENGTH, MAX_DEPTH));
  private readonly depthEnd = new Uint32Array(MAX_DEPTH + 1);
  /** planProbes: entry depths to probe per list and read depth, and the lists the candidate skips. */
  private readonly plan: Uint8Array;
  private readonly skipped: Uint8Array;
  /** The candidate's partial-table keys, list after list; partEnd[l] ends list l's. */
  private readonly partKeys: Uint32Array;
  private readonly partEnd: Uint32Array;
  /** First slot of each probe, found while prefetching: fuzzy by list and variant, partial by key. */
  private readonly homes: Uint32Array;
  private readonly partHomes: Uint32Array;
  /** Entries gathered for verification: list, entry number (pattern ordinal), plate length (0: a pattern). */
  private gatheredList = new Uint16Array(64);
  private gatheredRef = new Uint32Array(64);
  private gatheredLen = new Uint8Array(64);
  private gathered = 0;
  /** Keeps the prefetch loads observable so they are not optimised away. */
  touched = 0;
  // per-read state, set by match()
  private readState = 0;
  private nowSec = 0;
  /** The texts of the read matched so far (primary plate, then OCR candidates); hits name theirs. */
  private readonly texts: string[] = [];
  private nTexts = 0;

  constructor(snapshot: IndexSnapshot) {
    this.generation = snapshot.generation;
    this.views = snapshot.lists.map(listView);
    this.plan = new Uint8Array(this.views.length * (MAX_DEPTH + 1));
    this.skipped = new Uint8Array(this.views.length);
    this.partKeys = new Uint32Array(this.views.reduce((n, v) => n + v.maxPartialKeys, 0));
    this.partEnd = new Uint32Array(this.views.length);
    this.homes = new Uint32Array(this.views.length * this.hashes.length);
    this.partHomes = new Uint32Array(this.partKeys.length);
  }

  /** A matcher over a snapshot received from another thread: the buffers are shared, not copied. */
  static fromSnapshot(snapshot: IndexSnapshot): Matcher {
    return new Matcher(snapshot);
  }

  /** Matches of every candidate of the read, best first, one per entry (its best score). */
  match(read: MatchRead, now: number = Date.now()): Match[] {
    this.hits.clear();
    this.nTexts = 0;
    this.readState = read.st ? jurisdictionId(read.st.toUpperCase()) : 0;
    this.nowSec = Math.floor(now / 1000);
    if (read.plate !== undefined) this.candidate(read.plate, read.conf ?? 1);
    if (read.cands) for (let i = 0; i < read.cands.length; i++) this.candidate(read.cands[i]![0], read.cands[i]![1]);
    return this.hits.size === 0 ? [] : this.hits.matches(this.views, this.texts);
  }

  private candidate(raw: string, conf: number): void {
    const plate = tryNormalizePlate(raw);
    if (plate === null) return;
    const len = plate.length;
    for (let i = 0; i < len; i++) this.readBytes[i] = plate.charCodeAt(i);
    // OCR candidates of a read mostly differ by confusions only: one canonical form, so the
    // same keys, lists and gathered entries as the candidate before; only verification differs.
    const sameKeys = this.canonicalize(len) && this.sameLists(conf);
    if (!sameKeys) {
      deletionHashes(this.readCanon, len, this.planProbes(conf, len), this.hashes, this.depthEnd, false);
      this.partialKeys(len);
      this.prefetchSlots();
      this.gathered = 0;
      for (let l = 0; l < this.views.length; l++) this.gather(l, len);
      this.prefetchGathered();
    }
    this.texts[this.nTexts] = plate;
    this.verify(len, conf, this.nTexts++);
  }

  /** Folds the read into readCanon; true when it equals the previous candidate's of this read. */
  private canonicalize(len: number): boolean {
    let same = this.nTexts > 0 && len === this.canonLength;
    for (let i = 0; i < len; i++) {
      const c = canonicalCode(this.readBytes[i]!);
      if (this.readCanon[i] !== c) same = false;
      this.readCanon[i] = c;
    }
    this.canonLength = len;
    return same;
  }

  /** Whether a candidate of confidence `conf` is matched against the same lists as the last one. */
  private sameLists(conf: number): boolean {
    for (let l = 0; l < this.views.length; l++) {
      const v = this.views[l]!;
      if ((!v.live || conf < v.minConfidence ? 1 : 0) !== this.skipped[l]) return false;
    }
    return true;
  }

  /**
   * For each list and read deletion depth, the entry depths worth probing (0: none; the
   * list is skipped or no edit script within its distance reaches a length it holds).
   * Returns the deepest read depth any list needs.
   */
  private planProbes(conf: number, len: number): number {
    let deepest = 0;
    for (let l = 0; l < this.views.length; l++) {
      const v = this.views[l]!;
      const skip = !v.live || conf < v.minConfidence;
      this.skipped[l] = skip ? 1 : 0;
      for (let i = 0; i <= MAX_DEPTH; i++) {
        const pairs = skip || i > v.depth ? 0 : reachable(v, (v.feasible >>> (i * 4)) & 15, len - i);
        this.plan[l * (MAX_DEPTH + 1) + i] = pairs;
        if (pairs !== 0 && i > deepest) deepest = i;
      }
    }
    return deepest;
  }

  /** The trigram keys at the offsets each list uses, and the shapes a read of this length can carry. */
  private partialKeys(len: number): void {
    const c = this.readCanon;
    const keys = this.partKeys;
    let n = 0;
    for (let l = 0; l < this.views.length; l++) {
      const v = this.views[l]!;
      if (v.patterns.length > 0 && this.skipped[l] === 0) {
        const fixed = v.grams[len]!;
        const anchored = v.grams[GRAMS_ANCHORED]!;
        const floating = v.grams[GRAMS_FLOATING]! !== 0;
        for (let start = 0; start + 3 <= len; start++) {
          if ((fixed >>> start) & 1) keys[n++] = hashGram(c, start, gramTag(len, start));
          if ((anchored >>> start) & 1) keys[n++] = hashGram(c, start, gramTag(-1, start));
          if (floating) keys[n++] = hashGram(c, start, gramTag(-1, -1));
        }
        const shapes = v.shapesByLength[len]!;
        for (let s = 0; s < shapes.length; s++) keys[n++] = hashReadShape(c, shapes[s]! >>> 16, shapes[s]! & 0xffff);
      }
      this.partEnd[l] = n;
    }
  }

  /**
   * Loads the first slot of every probe the candidate will make, fuzzy and partial, before
   * walking any. (Slot indices stay below 2^30, so `s << 1` is the word of slot s.)
   */
  private prefetchSlots(): void {
    const hashes = this.hashes;
    const depthEnd = this.depthEnd;
    const plan = this.plan;
    const homes = this.homes;
    const keys = this.partKeys;
    const partHomes = this.partHomes;
    let touched = 0;
    for (let l = 0, k = 0; l < this.views.length; l++) {
      const v = this.views[l]!;
      const slots = v.fuzzySlots;
      const cap = slots.length >>> 1;
      const base = l * hashes.length;
      for (let i = 0, h = 0; i <= v.depth; i++) {
        const end = depthEnd[i]!;
        if (plan[l * (MAX_DEPTH + 1) + i] === 0) h = end;
        for (; h < end; h++) {
          const s = home(hashes[h]!, cap);
          homes[base + h] = s;
          touched |= slots[s << 1]!;
        }
      }
      const part = v.partSlots;
      const partCap = part.length >>> 1;
      for (const end = this.partEnd[l]!; k < end; k++) {
        const s = home(keys[k]!, partCap);
        partHomes[k] = s;
        touched |= part[s << 1]!;
      }
    }
    this.touched = touched;
  }

  /** Walks the list's probes from their first slots and gathers the entries posted under them, each once. */
  private gather(l: number, len: number): void {
    const v = this.views[l]!;
    const first = this.gathered;
    const hashes = this.hashes;
    const homes = this.homes;
    const base = l * hashes.length;
    const slots = v.fuzzySlots;
    const cap = slots.length >>> 1;
    for (let i = 0, h = 0; i <= v.depth; i++) {
      const pairs = this.plan[l * (MAX_DEPTH + 1) + i]!;
      const end = this.depthEnd[i]!;
      if (pairs === 0) h = end;
      for (; h < end; h++) {
        const hash = hashes[h]!;
        for (let s = homes[base + h]!; slots[s << 1] !== 0; s = s + 1 === cap ? 0 : s + 1) {
          if (slots[s << 1] !== hash) continue;
          const p = slots[(s << 1) + 1]!;
          const j = p >>> 30;
          // The entry's length follows from the depths that met: core (len - i) plus j deleted.
          if ((pairs >>> j) & 1) this.add(l, p & POSTING_ID_MASK, len - i + j, first);
        }
      }
    }
    const keys = this.partKeys;
    const part = v.partSlots;
    const partCap = part.length >>> 1;
    for (let k = l === 0 ? 0 : this.partEnd[l - 1]!; k < this.partEnd[l]!; k++) {
      const hash = keys[k]!;
      for (let s = this.partHomes[k]!; part[s << 1] !== 0; s = s + 1 === partCap ? 0 : s + 1) {
        if (part[s << 1] === hash) this.add(l, part[(s << 1) + 1]!, 0, first);
      }
    }
  }

  /** Gathers an entry of list `l` (gathered from `first` on) unless it is already there. */
  private add(l: number, ref: number, len: number, first: number): void {
    const n = this.gathered;
    for (let g = Math.max(first, n - DEDUPE_WINDOW); g < n; g++) {
      if (this.gatheredRef[g] === ref && this.gatheredLen[g] === len) return;
    }
    if (n === this.gatheredRef.length) this.grow();
    this.gatheredList[n] = l;
    this.gatheredRef[n] = ref;
    this.gatheredLen[n] = len;
    this.gathered = n + 1;
  }

  private grow(): void {
    const cap = this.gatheredRef.length * 2;
    const list = new Uint16Array(cap);
    const ref = new Uint32Array(cap);
    const len = new Uint8Array(cap);
    list.set(this.gatheredList);
    ref.set(this.gatheredRef);
    len.set(this.gatheredLen);
    this.gatheredList = list;
    this.gatheredRef = ref;
    this.gatheredLen = len;
  }

  /** Loads the bytes of every gathered plate and pattern before verifying any. */
  private prefetchGathered(): void {
    let touched = 0;
    for (let g = 0; g < this.gathered; g++) {
      const v = this.views[this.gatheredList[g]!]!;
      const ref = this.gatheredRef[g]!;
      const len = this.gatheredLen[g]!;
      touched |= len === 0 ? v.patterns[ref]!.kinds[0]! : v.plates[ref * MAX_PLATE_LENGTH + len - 1]!;
    }
    this.touched |= touched;
  }

  private verify(len: number, conf: number, text: number): void {
    for (let g = 0; g < this.gathered; g++) {
      const l = this.gatheredList[g]!;
      const v = this.views[l]!;
      const ref = this.gatheredRef[g]!;
      const eLen = this.gatheredLen[g]!;
      if (eLen === 0) this.verifyPattern(v, l, ref, len, conf, text);
      else this.verifyPlate(v, l, ref, eLen, len, conf, text);
    }
  }

  private verifyPlate(v: ListView, l: number, id: number, eLen: number, len: number, conf: number, text: number): void {
    const plates = v.plates;
    const off = id * MAX_PLATE_LENGTH;
    // A hash collision can pair variants of other lengths: the plate must end where its posting says.
    if (plates[off + eLen - 1] === 0 || (eLen < MAX_PLATE_LENGTH && plates[off + eLen] !== 0)) return;
    const d = this.distance.compute(plates, off, eLen, this.readBytes, len, v.maxDistance);
    if (d === Infinity || this.expired(v, id)) return;
    const closeness = (1 / (1 + d)) * (0.75 + 0.25 * conf);
    this.hits.add(l, id, id, d === 0 ? KIND_EXACT : KIND_FUZZY, text, this.distance.diffMask(), d, closeness, v.states[id]!, this.readState);
  }

  private verifyPattern(v: ListView, l: number, k: number, len: number, conf: number, text: number): void {
    const id = v.partialEntry[k]!;
    const cost = this.patterns.match(v.patterns[k]!, this.readBytes, len, v.maxDistance);
    if (cost === Infinity || this.expired(v, id)) return;
    const closeness = (PARTIAL_FACTOR / (1 + cost)) * (0.75 + 0.25 * conf);
    this.hits.add(l, id, k, KIND_PARTIAL, text, this.patterns.diffMask(), cost, closeness, v.states[id]!, this.readState);
  }

  private expired(v: ListView, id: number): boolean {
    const ex = v.expires[id]!;
    return ex !== 0 && ex <= this.nowSec;
  }
}

/**
 * The entry depths `j` in `pairs` whose entries could exist: a read variant of `core`
 * characters meets entry variants of depth j only on entries of length core + j.
 */
function reachable(v: ListView, pairs: number, core: number): number {
  let out = 0;
  for (let j = 0; j < 4; j++) if ((pairs >>> j) & 1 && core + j <= MAX_PLATE_LENGTH && v.lengths[core + j]! > 0) out |= 1 << j;
  return out;
}
