/**
 * What ingest needs from the rooms around it. The server wires the real matcher pool,
 * detection store and hit store to these; keeping them small keeps ingest testable and lets
 * a cluster backend slot in (DESIGN.md, "When one machine is not enough").
 */
import type { AppendResult } from '../../core/detections/store.js';
import type { Crop, Read } from '../../core/reads/read.js';
import type { Hit, NewHit } from '../../core/hits/hit.js';

/** One read to match: its text and every candidate reading (camera and OCR). */
export interface MatchRequest {
  readonly plate: string | undefined;
  readonly st?: string;
  readonly conf?: number;
  readonly cands?: ReadonlyArray<readonly [string, number]>;
}

/** A match as ingest turns it into a hit; `entry` is filled from the hot-list store. */
export type MatchedHit = Omit<NewHit, 'read'>;

export interface MatchService {
  /** Matches for each request, best first, in request order. */
  match(batch: readonly MatchRequest[]): Promise<MatchedHit[][]>;
  /** Room for another batch? Ingest sheds load (`busy`) when not. */
  hasRoom(): boolean;
}

/** A read on its way to the detection store. */
export interface DetectionInput {
  readonly cam: string;
  readonly read: Read;
  /** Server receive time. */
  readonly received: number;
  readonly ocr?: { readonly plate: string; readonly conf: number; readonly cands: [string, number][] };
}

/** What became of one read in a group commit. */
export type WriteResult = AppendResult;

export interface DetectionWriter {
  /** Durable in one group commit; resolves with one result per item, in order. */
  appendBatch(items: readonly DetectionInput[]): Promise<readonly WriteResult[]>;
  /** Highest seq durably stored for the camera (0 when none). */
  lastSeq(cam: string): number;
}

export interface HitSink {
  raise(items: readonly NewHit[]): { hits: Hit[]; durable: Promise<void> };
}

/** Pushes hits to subscribed consoles. */
export interface HitBroadcaster {
  /** `crop`: the plate crop of the read, shown live and not stored with the hit. */
  publish(hit: Hit, escalated?: boolean, crop?: Crop): void;
}
