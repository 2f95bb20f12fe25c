/**
 * Durable hits, in stream order. A hit is written before the read that raised it is
 * acknowledged, so a console that reconnects with `since` after a crash still gets every hit
 * of every acknowledged read. The same read matching the same entry twice (a camera resending
 * after a reconnect) raises one hit.
 *
 * Stream seqs are never handed out twice, even across a crash. A hit is pushed to consoles
 * before its commit, so a crash can lose hits a console has already seen; had the next start
 * gone on from the last durable seq, the hits raised again after it (the camera resends the
 * reads that were not stored) would take the lost hits' seqs, and a console reconnecting
 * with `since` (the last seq it saw) would skip them, and a hit id name two hits. So seqs are
 * reserved ahead, durably, `RESERVE` at a time; after a crash the stream goes on past the
 * reservation, and a clean close gives back what it did not use.
 */
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrNotFound } from '../errors.js';
import { STOLEN_REASONS, type Hit, type NewHit } from './hit.js';
import { newHit } from './lifecycle.js';

/** Seqs reserved at a time; the next reservation is written when half of one is used. */
const RESERVE = 100_000;
const RESERVED = 'reserved';

export class HitStore {
  private nextSeq: number;
  /** Highest seq durably reserved by this process (below `nextSeq` until it raises a hit). */
  private reserved: number;
  /** The next reservation's commit, while one is being written. */
  private extending: Promise<unknown> | undefined;
  /** Hits pushed to consoles but not yet committed, with the promise of their commit. */
  private readonly pending = new Map<string, { hit: Hit; durable: Promise<unknown> }>();
  private readonly pendingKeys = new Set<string>();
  /**
   * Hits still `new`, seq → raise time, oldest first: the escalation candidates, so a sweep
   * reads only hits that are due instead of scanning the store. Filled from the store on the
   * first sweep (hits raised before a restart), then kept as hits are raised and handled.
   */
  private unacked: Map<number, number> | undefined;

  private constructor(
    private readonly root: RootDatabase,
    private readonly hits: Database<Hit, number>,
    private readonly ids: Database<number, string>,
    private readonly dedup: Database<number, string>,
    private readonly meta: Database<number, string>,
  ) {
    const [last] = [...hits.getKeys({ reverse: true, limit: 1 })];
    this.nextSeq = Math.max(last ?? 0, meta.get(RESERVED) ?? 0) + 1;
    this.reserved = this.nextSeq - 1;
  }

  static open(dataDir: string): HitStore {
    const root = open({ path: join(dataDir, 'hits') });
    return new HitStore(
      root,
      root.openDB({ name: 'hits' }),
      root.openDB({ name: 'ids' }),
      root.openDB({ name: 'dedup' }),
      root.openDB({ name: 'meta' }),
    );
  }

  /**
   * Makes sure the next `n` seqs are durably reserved before they are handed out. The first
   * hit a process raises waits for one synchronous commit; later reservations are written
   * ahead, in the background, half a reservation before they are needed.
   */
  private reserve(n: number): void {
    const need = this.nextSeq + n - 1;
    if (need > this.reserved) {
      this.reserved = need + RESERVE;
      this.meta.putSync(RESERVED, this.reserved);
    } else if (need > this.reserved - RESERVE / 2 && this.extending === undefined) {
      const next = this.reserved + RESERVE;
      this.extending = this.meta
        .put(RESERVED, next)
        .then(
          () => void (this.reserved = Math.max(this.reserved, next)),
          // Not reserved: a later hit tries again, or reserves synchronously when it must.
          () => undefined,
        )
        .finally(() => (this.extending = undefined));
    }
  }

  /**
   * Raise hits; returns the new ones at once (for pushing) and a promise that resolves when
   * they are durable (the camera ack waits for it). Hits already raised are skipped.
   */
  raise(items: readonly NewHit[], now = Date.now()): { hits: Hit[]; durable: Promise<void> } {
    const fresh: Hit[] = [];
    const keys: string[] = [];
    const writes: Promise<boolean>[] = [];
    this.reserve(items.length);
    for (const item of items) {
      const key = dedupKey(item);
      if (this.pendingKeys.has(key) || this.dedup.get(key) !== undefined) continue;
      const seq = this.nextSeq++;
      const id = `H${seq}`;
      const hit: Hit = { ...item, id, seq, ts: now, life: newHit(id, STOLEN_REASONS.has(item.entry.reason), now), escalations: 0 };
      fresh.push(hit);
      keys.push(key);
      this.pendingKeys.add(key);
      writes.push(this.hits.put(seq, hit), this.ids.put(id, seq), this.dedup.put(key, seq));
      this.unacked?.set(seq, now);
    }
    const durable = Promise.all(writes).then(() => undefined);
    for (const hit of fresh) this.pending.set(hit.id, { hit, durable });
    void durable.finally(() => {
      for (const hit of fresh) this.pending.delete(hit.id);
      for (const key of keys) this.pendingKeys.delete(key);
    });
    return { hits: fresh, durable };
  }

  get(id: string): Hit | undefined {
    const pending = this.pending.get(id);
    if (pending) return pending.hit;
    const seq = this.ids.get(id);
    return seq === undefined ? undefined : this.hits.get(seq);
  }

  /**
   * Hits after `seq`, oldest first, at most `limit`; hits already pushed but still being
   * committed are among them, so a console subscribing meanwhile misses none.
   */
  since(seq: number, limit = 1000): Hit[] {
    const out = [...this.hits.getRange({ start: seq + 1, limit })].map(({ value }) => value);
    const have = new Set(out.map((h) => h.seq));
    for (const { hit } of this.pending.values()) if (hit.seq > seq && !have.has(hit.seq)) out.push(hit);
    return out.sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  /**
   * Hits raised since `from` that nobody has closed yet, oldest first, at most `limit`; hits
   * already pushed but still being committed are among them.
   */
  open(from: number, limit = 1000): Hit[] {
    const out: Hit[] = [...this.pending.values()].map((p) => p.hit).filter((h) => h.ts >= from);
    const seen = new Set(out.map((h) => h.seq));
    for (const { value } of this.hits.getRange({ reverse: true })) {
      if (value.ts < from || out.length >= limit) break;
      if (value.life.state !== 'disposed' && !seen.has(value.seq)) out.push(value);
    }
    return out.sort((a, b) => a.seq - b.seq).slice(-limit);
  }

  /**
   * Hits still new (nobody acknowledged them), raised before `before` and not before
   * `horizon`, oldest first, at most `limit`. Hits older than the horizon are forgotten for
   * escalation (they have had every escalation they can get).
   */
  unacknowledgedBefore(before: number, horizon: number, limit = 1000): Hit[] {
    const unacked = (this.unacked ??= this.loadUnacknowledged(horizon));
    const out: Hit[] = [];
    for (const [seq, ts] of unacked) {
      if (ts >= before || out.length >= limit) break;
      const hit = ts < horizon ? undefined : (this.pending.get(`H${seq}`)?.hit ?? this.hits.get(seq));
      if (hit?.life.state === 'new') out.push(hit);
      else unacked.delete(seq);
    }
    return out;
  }

  /** Hits still new since `horizon`, from the store (newest are last in key order). */
  private loadUnacknowledged(horizon: number): Map<number, number> {
    const found: [number, number][] = [];
    for (const { key, value } of this.hits.getRange({ reverse: true })) {
      if (value.ts < horizon) break;
      if (value.life.state === 'new') found.push([key, value.ts]);
    }
    for (const { hit } of this.pending.values()) if (hit.life.state === 'new') found.push([hit.seq, hit.ts]);
    return new Map(found.sort((a, b) => a[0] - b[0]));
  }

  /** Apply a state change durably; returns the updated hit. */
  async update(id: string, change: (hit: Hit) => Hit): Promise<Hit> {
    // An operator can act on a hit the instant it is pushed, before its commit.
    await this.pending.get(id)?.durable;
    const seq = this.ids.get(id);
    if (seq === undefined) throw new ErrNotFound(`no hit ${id}`);
    return this.root.transaction(() => {
      const current = this.hits.get(seq);
      if (!current) throw new ErrNotFound(`no hit ${id}`);
      const next = change(current);
      void this.hits.put(seq, next);
      if (next.life.state !== 'new') this.unacked?.delete(seq);
      return next;
    });
  }

  /** Gives back the reserved seqs it did not use, once every hit it raised is durable. */
  async close(): Promise<void> {
    await this.extending;
    // A failed commit is its raiser's to report; the seqs it took are then not given back.
    const settled = await Promise.allSettled([...this.pending.values()].map((p) => p.durable));
    if (settled.some((r) => r.status === 'rejected')) return this.root.close();
    if (this.reserved >= this.nextSeq) await this.meta.put(RESERVED, this.nextSeq - 1);
    await this.root.close();
  }
}

/** One hit per (camera, read seq, entry): a resent read raises nothing new. */
function dedupKey(h: NewHit): string {
  return `${h.read.cam}\u0000${h.read.seq}\u0000${h.entry.id}`;
}
