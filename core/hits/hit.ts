/**
 * A hit: a read that matched a hot-list entry (PROTOCOL.md `hit`). It is an alert, not
 * grounds for action, until a person verifies it (POLICY R5).
 */
import type { Vehicle } from '../reads/read.js';
import type { HitState } from './lifecycle.js';

export interface HitRead {
  readonly plate: string;
  readonly st?: string;
  readonly conf?: number;
  readonly cam: string;
  /** Camera sequence number of the read. */
  readonly seq: number;
  /** Capture time (camera clock). */
  readonly ts: number;
  readonly lat?: number;
  readonly lon?: number;
  readonly veh?: Vehicle;
  /** Detection id in the store, once known. */
  readonly det?: string;
  /** Candidates the matcher tried (camera and OCR). */
  readonly cands?: ReadonlyArray<readonly [string, number]>;
  /** The server's own reading of the plate crop, when the camera sent one. */
  readonly ocr?: { readonly plate: string; readonly conf: number };
}

export interface HitEntry {
  /** Hot-list entry id (`list:generation:number`). */
  readonly id: string;
  readonly list: string;
  readonly plate: string;
  readonly st?: string;
  readonly reason: string;
  readonly pri: number;
  readonly case?: string;
  /** Special-list hits are informational (POLICY R4, MP 462.4 g 5, RV 426.6.4 c). */
  readonly info: boolean;
  readonly covert: boolean;
}

export interface HitMatch {
  readonly kind: 'exact' | 'fuzzy' | 'partial';
  readonly score: number;
  readonly diff: readonly number[];
  readonly state: 'same' | 'other' | 'unknown';
  readonly candidate: string;
}

export interface Hit {
  readonly id: string;
  /** Position in the console stream; `since` replays from it. */
  readonly seq: number;
  /** When the hit was raised (server clock). */
  readonly ts: number;
  readonly read: HitRead;
  readonly entry: HitEntry;
  readonly match: HitMatch;
  /** Where the hit stands in its lifecycle, with who and when at each step (POLICY R5). */
  readonly life: HitState;
  readonly escalations: number;
}

/** Reasons whose confirmed hits become calls for service with a number (RV 426.6.1). */
export const STOLEN_REASONS: ReadonlySet<string> = new Set(['stolen_vehicle', 'stolen_plate']);

/** What raises a hit; the store assigns id, seq and time. */
export type NewHit = Pick<Hit, 'read' | 'entry' | 'match'>;
