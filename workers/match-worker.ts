/**
 * Match worker: holds a matcher over the current hot-list generation (shared memory, never
 * copied) and matches batches of reads. A batch names its generation, so every read of a
 * batch is matched against exactly one generation (POLICY R4: old list or new, never a mix).
 */
import { Matcher, type Match, type MatchRead } from '../core/hotlist/matcher.js';
import type { IndexSnapshot } from '../core/hotlist/list-index.js';

export interface MatchTask {
  readonly snapshot: IndexSnapshot;
  readonly reads: readonly MatchRead[];
  readonly now: number;
}

/** Only reads with matches come back: `[index, matches]` pairs. */
export type MatchTaskResult = Array<[number, Match[]]>;

let matcher: Matcher | undefined;

export default function matchBatch(task: MatchTask): MatchTaskResult {
  if (!matcher || matcher.generation !== task.snapshot.generation) matcher = Matcher.fromSnapshot(task.snapshot);
  const out: MatchTaskResult = [];
  for (let i = 0; i < task.reads.length; i++) {
    const m = matcher.match(task.reads[i]!, task.now);
    if (m.length > 0) out.push([i, m]);
  }
  return out;
}
