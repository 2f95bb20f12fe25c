/**
 * The audit log (POLICY R2): an append-only LMDB database in `<dataDir>/audit/` where each
 * record carries the SHA-256 hash of the previous one over a canonical encoding, so a record
 * altered, removed or reordered breaks the chain at that record and `verify()` names it.
 * It is kept longer than the data it describes (`retention.auditDays`) and refuses to purge
 * anything younger. Sequence numbers and the head are assigned inside the write transaction,
 * so a CLI process and the server can append to the same log.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrAuditRetention, ErrBadInput, ErrStorage } from '../errors.js';
import { DAY_MS } from '../util/time.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { AuditEvent, AuditSink } from './sink.js';

const GENESIS = '0'.repeat(64);

export interface AuditRecord extends AuditEvent {
  readonly seq: number;
  readonly ts: number;
  /** Hash of the previous record (or of the last purged one; zeros for the first). */
  readonly prev: string;
  /** SHA-256 of this record's canonical encoding without `hash`. */
  readonly hash: string;
}

/** Where the chain stands: the last record written, and the anchor left by purges. */
interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
  readonly ts: number;
}

export type BreakReason = 'altered' | 'removed' | 'reordered' | 'link' | 'truncated';

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly head: number }
  | { readonly ok: false; readonly count: number; readonly brokenAt: number; readonly reason: BreakReason; readonly message: string };

export interface AuditQuery {
  /** Inclusive lower bound on `ts` (ms). */
  readonly from?: number;
  /** Exclusive upper bound on `ts` (ms). */
  readonly to?: number;
  readonly actions?: readonly string[];
  readonly actor?: string;
  readonly limit?: number;
}

export interface AuditLogOptions {
  /** Folder of the LMDB environment, usually `<dataDir>/audit`. */
  readonly dir: string;
  /** Profile `retention.auditDays`: nothing younger is ever purged. */
  readonly auditDays: number;
  readonly now?: () => number;
}

export function hashRecord(rec: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(canonicalJson(rec));
}

function checkEvent(e: AuditEvent): void {
  for (const f of ['action', 'actor', 'outcome'] as const) {
    if (typeof e[f] !== 'string' || e[f].length === 0) throw new ErrBadInput(`audit event needs ${f}`, { field: f });
  }
  if (e.subject !== undefined && e.subject !== null && typeof e.subject === 'object') {
    try {
      JSON.stringify(e.subject);
    } catch {
      throw new ErrBadInput('audit event subject cannot be encoded (a cycle?)', { field: 'subject' });
    }
  }
}

export class AuditLog implements AuditSink {
  private readonly root: RootDatabase;
  private readonly records: Database<string, number>;
  private readonly meta: Database<ChainPoint, string>;
  private readonly now: () => number;
  readonly auditDays: number;

  private constructor(opts: AuditLogOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.root = open({ path: opts.dir, compression: false });
    this.records = this.root.openDB<string, number>({ name: 'records', encoding: 'string' });
    this.meta = this.root.openDB<ChainPoint, string>({ name: 'meta', encoding: 'msgpack' });
    this.now = opts.now ?? Date.now;
    this.auditDays = opts.auditDays;
  }

  static open(opts: AuditLogOptions): AuditLog {
    return new AuditLog(opts);
  }

  /** Durably appends the event to the chain; resolves with its sequence number. */
  async record(event: AuditEvent): Promise<number> {
    checkEvent(event);
    try {
      return await this.records.transaction(() => {
        const head = this.headPoint();
        const body = { ...event, seq: head.seq + 1, ts: Math.max(this.now(), head.ts), prev: head.hash };
        const hash = hashRecord(body);
        void this.records.put(body.seq, canonicalJson({ ...body, hash }));
        void this.meta.put('head', { seq: body.seq, hash, ts: body.ts });
        return body.seq;
      });
    } catch (e) {
      throw new ErrStorage(`audit log append failed: ${(e as Error).message}`);
    }
  }

  private headPoint(): ChainPoint {
    return this.meta.get('head') ?? this.basePoint();
  }

  private basePoint(): ChainPoint {
    return this.meta.get('base') ?? { seq: 0, hash: GENESIS, ts: 0 };
  }

  /**
   * lmdb-js keeps one read snapshot until the next turn of the event loop; another process
   * (the command line) may have appended since, so every reading entry point starts fresh.
   */
  private latest(): void {
    this.root.resetReadTxn();
  }

  /** The last sequence number written (0 when empty). */
  lastSeq(): number {
    this.latest();
    return this.headPoint().seq;
  }

  get(seq: number): AuditRecord | undefined {
    const raw = this.records.get(seq);
    return raw === undefined ? undefined : (JSON.parse(raw) as AuditRecord);
  }

  /** First sequence number whose `ts` is at or after `ts` (timestamps never decrease). */
  private firstSeqAtOrAfter(ts: number): number {
    let lo = this.basePoint().seq + 1;
    let hi = this.headPoint().seq + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const found = [...this.records.getRange({ start: mid, limit: 1 })][0];
      if (found === undefined) {
        hi = mid;
        continue;
      }
      const rec = JSON.parse(found.value) as AuditRecord;
      if (rec.ts < ts) lo = found.key + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Records in sequence order within the time window, optionally by action and actor. */
  *scan(q: AuditQuery = {}): Generator<AuditRecord> {
    this.latest();
    const start = q.from === undefined ? 0 : this.firstSeqAtOrAfter(q.from);
    const actions = q.actions ? new Set(q.actions) : undefined;
    let n = 0;
    for (const { value } of this.records.getRange({ start })) {
      const rec = JSON.parse(value) as AuditRecord;
      if (q.to !== undefined && rec.ts >= q.to) return;
      if (actions && !actions.has(rec.action)) continue;
      if (q.actor !== undefined && rec.actor !== q.actor) continue;
      yield rec;
      if (q.limit !== undefined && ++n >= q.limit) return;
    }
  }

  query(q: AuditQuery = {}): AuditRecord[] {
    return [...this.scan(q)];
  }

  /** Walks the whole chain and names the first record altered, removed or reordered. */
  verify(): VerifyResult {
    this.latest();
    const head = this.headPoint();
    let expected = this.basePoint().seq + 1;
    let prev = this.basePoint().hash;
    let count = 0;
    const broken = (brokenAt: number, reason: BreakReason, message: string): VerifyResult => ({ ok: false, count, brokenAt, reason, message });
    for (const { key, value } of this.records.getRange({})) {
      if (key > expected) return broken(expected, 'removed', `record ${expected} is missing`);
      let rec: AuditRecord;
      try {
        rec = JSON.parse(value) as AuditRecord;
      } catch {
        return broken(key, 'altered', `record ${key} is not valid JSON`);
      }
      const { hash, ...body } = rec;
      if (hashRecord(body) !== hash) return broken(key, 'altered', `record ${key} does not match its hash`);
      if (rec.seq !== key) return broken(key, 'reordered', `record stored at ${key} says it is ${rec.seq}`);
      if (rec.prev !== prev) return broken(key, 'link', `record ${key} does not chain to record ${key - 1}`);
      prev = hash;
      expected = key + 1;
      count++;
    }
    if (head.seq >= expected) return broken(expected, 'truncated', `records ${expected}..${head.seq} are missing`);
    if (head.hash !== prev) return broken(expected - 1, 'altered', `last record ${expected - 1} does not match the recorded head`);
    return { ok: true, count, head: head.seq };
  }

  /**
   * Removes records older than `before`, refusing if any of them is younger than the audit
   * retention (POLICY R2: the trail outlives the data, never purged early). The last removed
   * record becomes the chain's anchor, and the purge itself is recorded.
   */
  async purgeBefore(before: number, actor: string): Promise<{ removed: number; anchor: number }> {
    const limit = this.now() - this.auditDays * DAY_MS;
    if (before > limit) {
      throw new ErrAuditRetention(`audit records are kept ${this.auditDays} days; cannot purge before ${new Date(before).toISOString()}`, {
        before,
        earliestAllowed: limit,
      });
    }
    const end = this.firstSeqAtOrAfter(before);
    const removed = await this.records.transaction(() => {
      const doomed = [...this.records.getRange({ end })];
      const last = doomed.at(-1);
      for (const { key } of doomed) void this.records.remove(key);
      if (last) {
        const rec = JSON.parse(last.value) as AuditRecord;
        void this.meta.put('base', { seq: rec.seq, hash: rec.hash, ts: rec.ts });
      }
      return doomed.length;
    });
    await this.record({ action: 'audit.purge', actor, outcome: 'ok', subject: { before }, results: removed });
    return { removed, anchor: this.basePoint().seq };
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
