/**
 * The hits of one read while it is being matched: plain numbers in reused typed arrays, the
 * best score per entry. Match objects (strings, arrays) are built only for the hits left
 * when the read is done, so a miss allocates nothing and a hit later beaten by another
 * candidate of the read costs no garbage.
 */
import { jurisdictionById } from '../plates/jurisdictions.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { maskPositions } from './distance.js';
import { FLAG_COVERT, FLAG_INFORMATIONAL } from './list-index.js';
import type { ListView } from './list-view.js';

export type MatchKind = 'exact' | 'fuzzy' | 'partial';
export type StateAgreement = 'same' | 'other' | 'unknown';

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

export const KIND_EXACT = 0;
export const KIND_FUZZY = 1;
export const KIND_PARTIAL = 2;
const KINDS: readonly MatchKind[] = ['exact', 'fuzzy', 'partial'];

const SAME = 0;
const UNKNOWN = 1;
const OTHER = 2;
const AGREEMENTS: readonly StateAgreement[] = ['same', 'unknown', 'other'];
/** A read of another state is still reported, but weaker (POLICY R5: the person verifies state). */
const STATE_FACTOR = [1, 0.9, 0.5];

export class HitBuffer {
  size = 0;
  private list = new Uint16Array(16);
  private entry = new Uint32Array(16);
  /** A partial hit's pattern ordinal. */
  private ref = new Uint32Array(16);
  private kind = new Uint8Array(16);
  /** Index of the read text that matched. */
  private text = new Uint16Array(16);
  private state = new Uint8Array(16);
  /** Differing read positions, bit i for position i. */
  private diff = new Uint16Array(16);
  private distance = new Float64Array(16);
  private score = new Float64Array(16);

  clear(): void {
    this.size = 0;
  }

  /**
   * Records a hit of entry `entry` of list `list`; `closeness` is its text score times the
   * candidate's confidence weight. An entry keeps only its best-scoring hit; a better one
   * replaces it and goes last, so equal scores stay in the order they were found.
   */
  add(list: number, entry: number, ref: number, kind: number, text: number, diff: number, distance: number, closeness: number, entryState: number, readState: number): void {
    const state = entryState === 0 || readState === 0 ? UNKNOWN : entryState === readState ? SAME : OTHER;
    const score = Math.round(closeness * (entryState === 0 ? 1 : STATE_FACTOR[state]!) * 1e4) / 1e4;
    for (let i = 0; i < this.size; i++) {
      if (this.entry[i] !== entry || this.list[i] !== list) continue;
      if (this.score[i]! >= score) return;
      this.remove(i);
      break;
    }
    if (this.size === this.list.length) this.grow();
    const i = this.size++;
    this.list[i] = list;
    this.entry[i] = entry;
    this.ref[i] = ref;
    this.kind[i] = kind;
    this.text[i] = text;
    this.state[i] = state;
    this.diff[i] = diff;
    this.distance[i] = distance;
    this.score[i] = score;
  }

  /** The hits as Match objects, best first (then higher priority, then first found). */
  matches(views: readonly ListView[], texts: readonly string[]): Match[] {
    const out: Match[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.match(i, views[this.list[i]!]!, texts));
    if (out.length > 1) out.sort(byScore);
    return out;
  }

  private match(i: number, v: ListView, texts: readonly string[]): Match {
    const id = this.entry[i]!;
    const kind = this.kind[i]!;
    const entryState = v.states[id]!;
    const flags = v.flags[id]!;
    return {
      entryId: `${v.name}:${v.data.gen}:${id}`,
      list: v.name,
      entryPlate: kind === KIND_PARTIAL ? v.patterns[this.ref[i]!]!.source : plateText(v.plates, id * MAX_PLATE_LENGTH),
      entryState: entryState === 0 ? null : (jurisdictionById(entryState)?.code ?? null),
      kind: KINDS[kind]!,
      score: this.score[i]!,
      distance: Math.round(this.distance[i]! * 1e4) / 1e4,
      diff: maskPositions(this.diff[i]!),
      candidate: texts[this.text[i]!]!,
      state: AGREEMENTS[this.state[i]!]!,
      priority: v.priorities[id]!,
      informational: v.data.settings.informational || (flags & FLAG_INFORMATIONAL) !== 0,
      covert: v.data.settings.covert || (flags & FLAG_COVERT) !== 0,
    };
  }

  private remove(i: number): void {
    const end = this.size--;
    for (const a of this.columns()) a.copyWithin(i, i + 1, end);
  }

  private grow(): void {
    const cap = this.list.length * 2;
    this.list = resized(this.list, new Uint16Array(cap));
    this.entry = resized(this.entry, new Uint32Array(cap));
    this.ref = resized(this.ref, new Uint32Array(cap));
    this.kind = resized(this.kind, new Uint8Array(cap));
    this.text = resized(this.text, new Uint16Array(cap));
    this.state = resized(this.state, new Uint8Array(cap));
    this.diff = resized(this.diff, new Uint16Array(cap));
    this.distance = resized(this.distance, new Float64Array(cap));
    this.score = resized(this.score, new Float64Array(cap));
  }

  private columns(): ReadonlyArray<Uint8Array | Uint16Array | Uint32Array | Float64Array> {
    return [this.list, this.entry, this.ref, this.kind, this.text, this.state, this.diff, this.distance, this.score];
  }
}

function resized<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** The plate stored at `off`: its bytes up to the first zero. */
function plateText(bytes: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < MAX_PLATE_LENGTH && bytes[off + i] !== 0; i++) s += String.fromCharCode(bytes[off + i]!);
  return s;
}

function byScore(a: Match, b: Match): number {
  return b.score - a.score || b.priority - a.priority;
}
