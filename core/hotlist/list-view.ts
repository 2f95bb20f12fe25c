/**
 * A compiled list as the matcher reads it: typed-array views over the shared buffers of a
 * ListIndexData, plus the little the matcher derives once per snapshot (plate lengths held,
 * shape keys by read length, parsed patterns) so that no read recomputes it.
 */
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { feasiblePairs } from './keys.js';
import type { ListIndexData } from './list-index.js';
import { parsePattern, type CompiledPattern } from './pattern.js';

export interface ListView {
  readonly data: ListIndexData;
  readonly live: boolean;
  readonly name: string;
  readonly maxDistance: number;
  readonly minConfidence: number;
  /** Fuzzy-table deletion depth. */
  readonly depth: number;
  /** `count × MAX_PLATE_LENGTH` bytes, zero after each plate's last character. */
  readonly plates: Uint8Array;
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
  /** Offset masks of the trigram keys in use, by row (list-index.ts GRAMS_…). */
  readonly grams: Uint16Array;
  /** By read length, the shape keys a read of that length can carry. */
  readonly shapesByLength: readonly Uint32Array[];
  /** Most partial-table keys a read of any length probes in this list. */
  readonly maxPartialKeys: number;
  /** feasiblePairs of the list's distance. */
  readonly feasible: number;
}

export function listView(d: ListIndexData): ListView {
  const lens = new Uint8Array(d.lens);
  const offsets = new Uint32Array(d.patternOffsets);
  const text = new TextDecoder().decode(new Uint8Array(d.patternBytes));
  const patterns: CompiledPattern[] = [];
  for (let k = 0; k < d.partials; k++) patterns.push(parsePattern(text.slice(offsets[k], offsets[k + 1])));
  const grams = new Uint16Array(d.grams);
  const shapes = shapesByLength(new Uint32Array(d.shapes, 0, d.shapeCount));
  return {
    data: d,
    live: d.settings.status === 'live',
    name: d.settings.name,
    maxDistance: d.settings.maxDistance,
    minConfidence: d.settings.minConfidence,
    depth: d.depth,
    plates: new Uint8Array(d.plates),
    states: new Uint8Array(d.states),
    priorities: new Uint8Array(d.priorities),
    expires: new Uint32Array(d.expires),
    flags: new Uint8Array(d.flags),
    fuzzySlots: new Uint32Array(d.fuzzy.slots),
    partSlots: new Uint32Array(d.partial.slots),
    lengths: lengthCounts(lens, d.count),
    partialEntry: new Uint32Array(d.partialEntry),
    patterns,
    grams,
    shapesByLength: shapes,
    maxPartialKeys: 3 * (MAX_PLATE_LENGTH - 2) + Math.max(...shapes.map((s) => s.length)),
    feasible: feasiblePairs(d.settings.maxDistance),
  };
}

/** Length 0 is a prefix pattern's shape: any read long enough to show every known position. */
function shapesByLength(shapes: Uint32Array): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let len = 0; len <= MAX_PLATE_LENGTH; len++) {
    out.push(shapes.filter((code) => code >>> 16 === len || (code >>> 16 === 0 && (code & 0xffff) < 1 << len)));
  }
  return out;
}

function lengthCounts(lens: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(MAX_PLATE_LENGTH + 1);
  for (let i = 0; i < count; i++) out[lens[i]!]!++;
  out[0] = 0; // partial entries
  return out;
}
