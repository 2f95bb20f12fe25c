/**
 * The pool of match workers (piscina). Reads travel in batches (one message per batch, not
 * per read). While every worker is busy, the batches that arrive wait and leave together as
 * one task when a worker frees up: a task costs the event loop a message and a wake-up
 * whatever its size, and at 20,000 reads a second one task per event-loop turn cost a tenth
 * of the loop. The wait is bounded: past `maxQueue` waiting batches the pool answers
 * `PS_ERR_BUSY` and ingest sheds load instead of growing without limit.
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

/** Reads in one task at most, so a merged task never holds a worker for long. */
const MAX_TASK_READS = 4096;

interface Waiting {
  readonly reads: readonly MatchRead[];
  readonly resolve: (found: Match[][]) => void;
  readonly reject: (e: unknown) => void;
}

export class MatchPool {
  private readonly pool: Piscina<MatchTask, MatchTaskResult>;
  private readonly threads: number;
  private readonly maxQueue: number;
  private running = 0;
  private waiting: Waiting[] = [];

  constructor(
    private snapshot: IndexSnapshot,
    options: MatchPoolOptions = {},
  ) {
    // One core stays with the event loop (sockets, encoding, storage hand-off).
    const threads = (this.threads = options.threads ?? Math.max(1, availableParallelism() - 1));
    this.maxQueue = options.maxQueue ?? 256;
    this.pool = new Piscina({
      filename: workerFile('match-worker'),
      minThreads: threads,
      maxThreads: threads,
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

  /** Batches waiting for a worker. */
  get queueSize(): number {
    return this.waiting.length;
  }

  /** Room for another batch, keeping a margin for batches already on their way. */
  hasRoom(): boolean {
    return this.waiting.length < this.maxQueue * 0.75;
  }

  /** Matches per read, in read order (empty arrays for misses). */
  match(reads: readonly MatchRead[]): Promise<Match[][]> {
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new ErrBusy('match queue full'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ reads, resolve, reject });
      this.dispatch();
    });
  }

  /** While a worker is free, sends the waiting batches (up to MAX_TASK_READS reads) as one task. */
  private dispatch(): void {
    if (this.running >= this.threads || this.waiting.length === 0) return;
    let n = 0;
    let take = 0;
    while (take < this.waiting.length && (take === 0 || n + this.waiting[take]!.reads.length <= MAX_TASK_READS)) n += this.waiting[take++]!.reads.length;
    const group = this.waiting.splice(0, take);
    const reads = group.length === 1 ? group[0]!.reads : group.flatMap((g) => g.reads);
    this.running++;
    this.matchNow(reads)
      .then(
        (found) => {
          let at = 0;
          for (const g of group) g.resolve(found.slice(at, (at += g.reads.length)));
        },
        (e: unknown) => {
          for (const g of group) g.reject(e);
        },
      )
      .finally(() => {
        this.running--;
        this.dispatch();
      });
  }

  private async matchNow(reads: readonly MatchRead[]): Promise<Match[][]> {
    const snapshot = this.snapshot;
    const generation = snapshot.generation;
    const packed = packReads(reads);
    const now = Date.now();
    // A worker that lacks the generation (new, restarted, or just after a swap) answers
    // null once and gets it with the same batch.
    const found = (await this.pool.run({ generation, reads: packed, now })) ?? (await this.pool.run({ generation, snapshot, reads: packed, now }));
    if (!found) throw new ErrInternal(`match worker could not load hot-list generation ${generation}`);
    const out: Match[][] = new Array(reads.length);
    for (let i = 0; i < reads.length; i++) out[i] = [];
    for (const [i, m] of found) out[i] = m;
    return out;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
