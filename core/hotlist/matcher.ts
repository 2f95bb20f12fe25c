/**
 * Matching a read against every live list of an index snapshot. Each OCR candidate of the
 * read is looked up by its canonical deletion neighbourhood (fuzzy and exact) and its
 * trigram and shape keys (partial patterns); every candidate entry is verified with the true
 * weighted distance, so a hit is never a hash artefact and every entry within the list's
 * distance is found. A matcher owns its scratch buffers: one per thread, never shared.
 */
import { jurisdictionById, jurisdictionId } from '../plates/jurisdictions.js';
import { MAX_PLATE_LENGTH, tryNormalizePlate } from '../plates/normalize.js';
import { PlateDistance } from './distance.js';
import {
  canonicalInto,
  deletionHashes,
  feasiblePairs,
  gramTag,
  hashGram,
  hashReadShape,
  MAX_DEPTH,
  POSTING_ID_MASK,
  variantCount,
} from './keys.js';
import {
  FLAG_COVERT,
  FLAG_INFORMATIONAL,
  GRAM_ANCHORED,
  GRAM_FIXED,
  GRAM_FLOATING,
  type IndexSnapshot,
  type ListIndexData,
} from './list-index.js';
import { parsePattern, PatternMatcher, type CompiledPattern } from './pattern.js';
import { home } from './table.js';

export type MatchKind = 'exact' | 'fuzzy' | 'partial';
export type StateAgreement = 'same' | 'other' | 'unknown';

export interface MatchRead {
  readonly plate?: string | undefined;
  readonly st?: string | undefined;
  readonly conf?: number | undefined;
  readonly cands?: ReadonlyArray<readonly [string, number]> | undefined;
}

export interface Match {
  /** `list:generation:number`, for HotlistStore.entry. */
  entryId: string;
  list: string;
  entryPlate: string;
  entryState: string | null;
  kind: MatchKind;
  /** 0–1: text closeness × candidate confidence × state agreement. */
  score: number;
  distance: number;
  /** Read positions that differ from the entry. */
  diff: number[];
  /** The read text (primary plate or OCR candidate) that matched. */
  candidate: string;
  state: StateAgreement;
  priority: number;
  informational: boolean;
  covert: boolean;
}

/** A read of another state is still reported, but weaker (POLICY R5: the person verifies state). */
const STATE_FACTOR: Record<StateAgreement, number> = { same: 1, unknown: 0.9, other: 0.5 };
/** A partial entry names fewer characters than a plate: its best hit ranks below an exact one. */
const PARTIAL_FACTOR = 0.8;

interface ListView {
  readonly data: ListIndexData;
  readonly live: boolean;
  readonly plates: Uint8Array;
  readonly lens: Uint8Array;
  readonly states: Uint8Array;
  readonly priorities: Uint8Array;
  readonly expires: Uint32Array;
  readonly flags: Uint8Array;
  /** Posting tables as [key, value] slot pairs. */
  readonly fuzzySlots: Uint32Array;
  readonly partSlots: Uint32Array;
  /** Entries of each plate length: read variants that can reach no entry length are not probed. */
  readonly lengths: Uint32Array;
  readonly partialEntry: Uint32Array;
  readonly patterns: readonly CompiledPattern[];
  readonly shapes: Uint32Array;
  /** feasiblePairs of the list's distance. */
  readonly feasible: number;
}

export class Matcher {
  readonly generation: number;
  private readonly views: ListView[];
  private readonly distance = new PlateDistance();
  private readonly patterns = new PatternMatcher();
  private readonly readBytes = new Uint8Array(MAX_PLATE_LENGTH);
  private readonly readCanon = new Uint8Array(MAX_PLATE_LENGTH);
  private readonly hashes = new Uint32Array(variantCount(MAX_PLATE_LENGTH, MAX_DEPTH));
  private readonly depthEnd = new Uint32Array(MAX_DEPTH + 1);
  /** Entries already verified for the current candidate and list (a few, so a scan beats a bitmap). */
  private readonly verified = new Uint32Array(256);
  private nVerified = 0;
  /** planProbes: entry depths to probe per list and read depth. */
  private readonly plan: Uint8Array;
  /** Keeps the prefetch loads observable so they are not optimised away. */
  touched = 0;
  // per-read state, set by match()
  private results: Match[] = [];
  private readState = 0;
  private nowSec = 0;
  private text = '';
  private conf = 1;

  constructor(snapshot: IndexSnapshot) {
    this.generation = snapshot.generation;
    this.views = snapshot.lists.map(view);
    this.plan = new Uint8Array(this.views.length * (MAX_DEPTH + 1));
  }

  /** A matcher over a snapshot received from another thread: the buffers are shared, not copied. */
  static fromSnapshot(snapshot: IndexSnapshot): Matcher {
    return new Matcher(snapshot);
  }

  /** Matches of every candidate of the read, best first, one per entry (its best score). */
  match(read: MatchRead, now: number = Date.now()): Match[] {
    this.results = [];
    this.readState = read.st ? jurisdictionId(read.st.toUpperCase()) : 0;
    this.nowSec = Math.floor(now / 1000);
    if (read.plate !== undefined) this.candidate(read.plate, read.conf ?? 1);
    if (read.cands) for (let i = 0; i < read.cands.length; i++) this.candidate(read.cands[i]![0], read.cands[i]![1]);
    const out = this.results;
    if (out.length > 1) out.sort(byScore);
    return out;
  }

  private candidate(raw: string, conf: number): void {
    const plate = tryNormalizePlate(raw);
    if (plate === null) return;
    const len = plate.length;
    for (let i = 0; i < len; i++) this.readBytes[i] = plate.charCodeAt(i);
    canonicalInto(this.readBytes, 0, len, this.readCanon);
    deletionHashes(this.readCanon, len, this.planProbes(conf, len), this.hashes, this.depthEnd, false);
    this.text = plate;
    this.conf = conf;
    this.prefetch();
    for (let l = 0; l < this.views.length; l++) {
      const v = this.views[l]!;
      if (!v.live || conf < v.data.settings.minConfidence) continue;
      this.nVerified = 0;
      this.fuzzy(v, l, len);
      if (v.patterns.length > 0) this.partial(v, len);
    }
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
      const skip = !v.live || conf < v.data.settings.minConfidence;
      for (let i = 0; i <= MAX_DEPTH; i++) {
        const pairs = skip || i > v.data.depth ? 0 : reachable(v, (v.feasible >>> (i * 4)) & 15, len - i);
        this.plan[l * (MAX_DEPTH + 1) + i] = pairs;
        if (pairs !== 0 && i > deepest) deepest = i;
      }
    }
    return deepest;
  }

  /**
   * Loads the first slot of every probe the candidate will make before walking any: the
   * loads do not depend on each other, so the processor overlaps their cache misses instead
   * of paying for them one after another.
   */
  private prefetch(): void {
    let touched = 0;
    for (let l = 0; l < this.views.length; l++) {
      const slots = this.views[l]!.fuzzySlots;
      const cap = slots.length / 2;
      for (let i = 0, h = 0; i <= MAX_DEPTH; i++) {
        const end = this.depthEnd[i]!;
        if (this.plan[l * (MAX_DEPTH + 1) + i] === 0) h = end;
        for (; h < end; h++) touched |= slots[2 * home(this.hashes[h]!, cap)]!;
      }
    }
    this.touched = touched;
  }

  private fuzzy(v: ListView, l: number, len: number): void {
    for (let i = 0, h = 0; i <= v.data.depth; i++) {
      const pairs = this.plan[l * (MAX_DEPTH + 1) + i]!;
      const end = this.depthEnd[i]!;
      if (pairs === 0) h = end;
      for (; h < end; h++) this.probe(v, this.hashes[h]!, pairs, len);
    }
  }

  /** Verifies the entries posted under one read variant whose depth pairs with the read's. */
  private probe(v: ListView, hash: number, pairs: number, len: number): void {
    const slots = v.fuzzySlots;
    const cap = slots.length / 2;
    for (let s = home(hash, cap); slots[2 * s] !== 0; s = s + 1 === cap ? 0 : s + 1) {
      if (slots[2 * s] !== hash) continue;
      const p = slots[2 * s + 1]!;
      if (((pairs >>> (p >>> 30)) & 1) === 0) continue;
      const id = p & POSTING_ID_MASK;
      if (this.alreadyVerified(id)) continue;
      const eLen = v.lens[id]!;
      if (Math.abs(eLen - len) > v.data.depth) continue;
      const limit = v.data.settings.maxDistance;
      const d = this.distance.compute(v.plates, id * MAX_PLATE_LENGTH, eLen, this.readBytes, len, limit);
      if (d === Infinity || this.expired(v, id)) continue;
      this.record(v, id, plateText(v.plates, id * MAX_PLATE_LENGTH, eLen), d === 0 ? 'exact' : 'fuzzy', d, this.distance.diff(), 1 / (1 + d));
    }
  }

  private partial(v: ListView, len: number): void {
    const c = this.readCanon;
    const kinds = v.data.gramKinds;
    for (let start = 0; start + 3 <= len; start++) {
      if (kinds & GRAM_FIXED) this.partialKey(v, len, hashGram(c, start, gramTag(len, start)));
      if (kinds & GRAM_ANCHORED) this.partialKey(v, len, hashGram(c, start, gramTag(-1, start)));
      if (kinds & GRAM_FLOATING) this.partialKey(v, len, hashGram(c, start, gramTag(-1, -1)));
    }
    const shapes = v.shapes;
    for (let s = 0; s < v.data.shapeCount; s++) {
      const shapeLen = shapes[s]! >>> 16;
      const mask = shapes[s]! & 0xffff;
      // Length 0: a prefix pattern, for any read long enough to show every known position.
      if (shapeLen === len || (shapeLen === 0 && mask < 1 << len)) this.partialKey(v, len, hashReadShape(c, shapeLen, mask));
    }
  }

  private partialKey(v: ListView, len: number, hash: number): void {
    const slots = v.partSlots;
    const cap = slots.length / 2;
    for (let s = home(hash, cap); slots[2 * s] !== 0; s = s + 1 === cap ? 0 : s + 1) {
      if (slots[2 * s] !== hash) continue;
      const k = slots[2 * s + 1]!;
      const id = v.partialEntry[k]!;
      if (this.alreadyVerified(id)) continue;
      const cost = this.patterns.match(v.patterns[k]!, this.readBytes, len, v.data.settings.maxDistance);
      if (cost === Infinity || this.expired(v, id)) continue;
      this.record(v, id, v.patterns[k]!.source, 'partial', cost, this.patterns.diff(), PARTIAL_FACTOR / (1 + cost));
    }
  }

  /** Marks `id` verified; true if it already was. Past 256 entries repeats are verified again (harmless). */
  private alreadyVerified(id: number): boolean {
    const n = this.nVerified;
    for (let i = 0; i < n; i++) if (this.verified[i] === id) return true;
    if (n < this.verified.length) this.verified[this.nVerified++] = id;
    return false;
  }

  private expired(v: ListView, id: number): boolean {
    const ex = v.expires[id]!;
    return ex !== 0 && ex <= this.nowSec;
  }

  private record(v: ListView, id: number, entryPlate: string, kind: MatchKind, distance: number, diff: number[], text: number): void {
    const entryState = v.states[id]!;
    const state: StateAgreement =
      entryState === 0 || this.readState === 0 ? 'unknown' : entryState === this.readState ? 'same' : 'other';
    const stateFactor = entryState === 0 ? 1 : STATE_FACTOR[state];
    const score = Math.round(text * (0.75 + 0.25 * this.conf) * stateFactor * 1e4) / 1e4;
    const name = v.data.settings.name;
    const entryId = `${name}:${v.data.gen}:${id}`;
    const results = this.results;
    for (let i = 0; i < results.length; i++) {
      if (results[i]!.entryId !== entryId) continue;
      if (results[i]!.score >= score) return;
      results.splice(i, 1);
      break;
    }
    const flags = v.flags[id]!;
    results.push({
      entryId,
      list: name,
      entryPlate,
      entryState: entryState === 0 ? null : (jurisdictionById(entryState)?.code ?? null),
      kind,
      score,
      distance: Math.round(distance * 1e4) / 1e4,
      diff,
      candidate: this.text,
      state,
      priority: v.priorities[id]!,
      informational: v.data.settings.informational || (flags & FLAG_INFORMATIONAL) !== 0,
      covert: v.data.settings.covert || (flags & FLAG_COVERT) !== 0,
    });
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

function plateText(bytes: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(bytes[off + i]!);
  return s;
}

function byScore(a: Match, b: Match): number {
  return b.score - a.score || b.priority - a.priority;
}

function lengthCounts(lens: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(MAX_PLATE_LENGTH + 1);
  for (let i = 0; i < count; i++) out[lens[i]!]!++;
  out[0] = 0; // partial entries
  return out;
}

function view(d: ListIndexData): ListView {
  const lens = new Uint8Array(d.lens);
  const offsets = new Uint32Array(d.patternOffsets);
  const bytes = new Uint8Array(d.patternBytes);
  const text = new TextDecoder().decode(bytes);
  const patterns: CompiledPattern[] = [];
  for (let k = 0; k < d.partials; k++) patterns.push(parsePattern(text.slice(offsets[k], offsets[k + 1])));
  return {
    data: d,
    live: d.settings.status === 'live',
    plates: new Uint8Array(d.plates),
    lens,
    states: new Uint8Array(d.states),
    priorities: new Uint8Array(d.priorities),
    expires: new Uint32Array(d.expires),
    flags: new Uint8Array(d.flags),
    fuzzySlots: new Uint32Array(d.fuzzy.slots),
    partSlots: new Uint32Array(d.partial.slots),
    lengths: lengthCounts(lens, d.count),
    partialEntry: new Uint32Array(d.partialEntry),
    patterns,
    shapes: new Uint32Array(d.shapes),
    feasible: feasiblePairs(d.settings.maxDistance),
  };
}
