/**
 * The pool of match workers (piscina). Reads travel in batches (one message per batch, not
 * per read); the queue is bounded and a full queue answers `PS_ERR_BUSY` so ingest sheds
 * load instead of growing without limit.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ErrBusy, ErrInternal } from '../core/errors.js';
import type { IndexSnapshot } from '../core/hotlist/list-index.js';
import type { Match, MatchRead } from '../core/hotlist/matcher.js';
import type { MatchTask, MatchTaskResult } from './match-worker.js';
import { packReads } from './packed-reads.js';
import { workerFile } from './paths.js';

export interface MatchPoolOptions {
  readonly threads?: number;
  readonly maxQueue?: number;
}

export class MatchPool {
  private readonly pool: Piscina<MatchTask, MatchTaskResult>;

  constructor(
    private snapshot: IndexSnapshot,
    options: MatchPoolOptions = {},
  ) {
    // One core stays with the event loop (sockets, encoding, storage hand-off).
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    this.pool = new Piscina({
      filename: workerFile('match-worker'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: options.maxQueue ?? 256,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Later batches match against this generation; batches in flight finish on theirs. */
  setSnapshot(snapshot: IndexSnapshot): void {
    this.snapshot = snapshot;
  }

  get generation(): number {
    return this.snapshot.generation;
  }

  get queueSize(): number {
    return this.pool.queueSize;
  }

  /** Room for another batch, keeping a margin for batches already on their way. */
  hasRoom(): boolean {
    return this.pool.queueSize < this.pool.options.maxQueue * 0.75;
  }

  /** Matches per read, in read order (empty arrays for misses). */
  async match(reads: readonly MatchRead[], now = Date.now()): Promise<Match[][]> {
    const snapshot = this.snapshot;
    const generation = snapshot.generation;
    const packed = packReads(reads);
    // A worker that lacks the generation (new, restarted, or just after a swap) answers
    // null once and gets it with the same batch.
    const found = (await this.run({ generation, reads: packed, now })) ?? (await this.run({ generation, snapshot, reads: packed, now }));
    if (!found) throw new ErrInternal(`match worker could not load hot-list generation ${generation}`);
    const out: Match[][] = new Array(reads.length);
    for (let i = 0; i < reads.length; i++) out[i] = [];
    for (const [i, m] of found) out[i] = m;
    return out;
  }

  private async run(task: MatchTask): Promise<MatchTaskResult> {
    try {
      return await this.pool.run(task);
    } catch (e) {
      if (this.pool.queueSize >= this.pool.options.maxQueue) throw new ErrBusy('match queue full');
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
