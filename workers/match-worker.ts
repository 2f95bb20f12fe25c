/**
 * Match worker: holds matchers over the latest hot-list generations (shared memory, never
 * copied) and matches batches of reads. A batch names its generation, so every read of a
 * batch is matched against exactly one generation (POLICY R4: old list or new, never a mix).
 * The generation's snapshot travels only with the batches that ask for it: posting its
 * buffers with every batch cost more than matching a small batch.
 */
import { Matcher, type Match } from '../core/hotlist/matcher.js';
import type { IndexSnapshot } from '../core/hotlist/list-index.js';
import { unpackReads, type PackedReads } from './packed-reads.js';

export interface MatchTask {
  readonly generation: number;
  /** Sent when this worker said it does not hold `generation`. */
  readonly snapshot?: IndexSnapshot;
  readonly reads: PackedReads;
  readonly now: number;
}

/**
 * Only reads with matches come back: `[index, matches]` pairs; `null` when the worker does
 * not hold the batch's generation and the batch did not bring it.
 */
export type MatchTaskResult = Array<[number, Match[]]> | null;

/** The two latest generations: batches already in flight at a swap still find theirs. */
const matchers: Matcher[] = [];

function matcherFor(task: MatchTask): Matcher | undefined {
  const held = matchers.find((m) => m.generation === task.generation);
  if (held || !task.snapshot) return held;
  const made = Matcher.fromSnapshot(task.snapshot);
  matchers.unshift(made);
  matchers.length = Math.min(matchers.length, 2);
  return made;
}

export default function matchBatch(task: MatchTask): MatchTaskResult {
  const matcher = matcherFor(task);
  if (!matcher) return null;
  const out: Array<[number, Match[]]> = [];
  let i = 0;
  for (const read of unpackReads(task.reads)) {
    const m = matcher.match(read, task.now);
    if (m.length > 0) out.push([i, m]);
    i++;
  }
  return out;
}
