/**
 * The path of a read (DESIGN.md): accepted reads gather into a batch for one event-loop
 * turn; the batch goes to the matcher and to the detection store at the same time. Hits are
 * pushed to consoles as soon as matching returns, long before the batch is on disk; the
 * camera's ack waits for the durable write of the read and of its hits.
 *
 * Acks are cumulative ("every read up to seq is durable"), so batches complete strictly in
 * order even when a later batch's work finishes first. In-flight reads are bounded: past the
 * bound, callers answer `busy` and the camera keeps its reads.
 */
import type { Logger } from 'pino';
import type { Crop, Read } from '../../core/reads/read.js';
import type { NewHit } from '../../core/hits/hit.js';
import type { Metrics } from '../metrics.js';
import type { OcrStage } from './ocr-stage.js';
import { ErrBusy, ErrRetentionPassed } from '../../core/errors.js';
import type { DetectionInput, DetectionWriter, HitBroadcaster, HitSink, MatchRequest, MatchService, WriteResult } from './ports.js';

/** Who gets the ack: a camera connection or an HTTP request. */
export interface AckTarget {
  readonly cam: string;
  /**
   * Bumped by `interrupt`. A read carries the epoch it was admitted in; a read of an older
   * epoch is not written.
   */
  readonly epoch: number;
  /**
   * A batch holding reads of this camera failed before reaching the store. Acks are
   * cumulative and the camera resumes after the highest seq stored, so a later read stored
   * behind the gap would make the camera drop the failed ones for good: the reads it has in
   * flight are withheld from the store and fail too, and it resends them all.
   */
  interrupt(): void;
  /** These reads are done: durable, already stored, or (`nacked`) refused for good. */
  acked(seqs: readonly number[]): void;
  /** The store refused this read for good (expired, or a clock far in the future). */
  nacked(seq: number, code: string, msg: string): void;
  /** These reads could not be stored now (after `interrupt`); the client keeps them and resends. */
  failed(seqs: readonly number[], error: unknown): void;
}

export interface Accepted {
  readonly read: Read;
  /** Normalised plate text: the camera's, else the OCR's best reading once known. */
  plate: string | undefined;
  /** The server's own reading of the crop, when the read carried one. */
  ocr?: { plate: string; conf: number; cands: [string, number][] };
  /** Camera and OCR candidates merged, when OCR ran. */
  cands?: [string, number][];
  /** Why the read can never be stored (a crop that does not decode), when it cannot. */
  refused?: { code: string; msg: string };
  readonly target: AckTarget;
  /** `target.epoch` when the read was admitted. */
  readonly epoch: number;
  /** Receive time, `performance.now()` for latency and `Date.now()` for the record. */
  readonly rxMono: number;
  readonly rx: number;
}

interface WriteTurn {
  readonly ready: Promise<void>;
  readonly release: () => void;
}

/** What became of a read: the store's answer, or withheld after its camera was interrupted. */
type ReadResult = WriteResult | { readonly status: 'withheld' };

export interface PipelineOptions {
  readonly maxInFlight: number;
  readonly maxBatch: number;
}

const WITHHELD = { status: 'withheld' } as const;

export class IngestPipeline {
  private pending: Accepted[] = [];
  private scheduled = false;
  private inFlight = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Resolves once the previous batch has been handed to the store. */
  private writeTurn: Promise<void> = Promise.resolve();

  constructor(
    private readonly match: MatchService,
    private readonly store: DetectionWriter,
    private readonly hits: HitSink,
    private readonly consoles: HitBroadcaster,
    private readonly ocr: OcrStage,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: PipelineOptions,
  ) {}

  /** Room for `n` more reads? Callers answer `busy` when not. */
  hasRoom(n = 1): boolean {
    return this.inFlight + n <= this.options.maxInFlight && this.match.hasRoom();
  }

  get depth(): number {
    return this.inFlight;
  }

  submit(item: Accepted): void {
    this.inFlight++;
    this.pending.push(item);
    if (this.pending.length >= this.options.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves when everything submitted so far has been acked or failed. */
  drain(): Promise<void> {
    this.flush();
    return this.chain;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.metrics.inFlight.set(this.inFlight);
    // Batches reach the store in the order they were flushed, whichever is ready first (a
    // batch with crops waits for OCR): the store knows a camera's reads by their highest seq,
    // so an earlier batch written after a later one would be taken for duplicates and lost.
    const turn = this.takeWriteTurn();
    const crops = batch.filter((a) => a.read.crop !== undefined);
    // The whole batch waits for its crops: acks are cumulative per camera, so a camera's
    // later text read must not be acked before its earlier crop read is stored.
    const done =
      crops.length === 0
        ? this.process(batch, turn)
        : this.ocr.run(crops).then(
            () => this.process(batch, turn),
            (e: unknown) => {
              this.abandon(batch, turn);
              throw e;
            },
          );
    // Handled in turn by the chain below; marked handled now so an early failure is not
    // taken for an unhandled rejection while earlier batches finish.
    done.catch(() => undefined);
    this.chain = this.chain.then(() =>
      done.then(
        ([results]) => this.complete(batch, results),
        (e: unknown) => this.fail(batch, e),
      ),
    );
  }

  /**
   * This batch's place in the store's queue: `ready` once the batch before it was handed
   * over. A batch that fails early still lets the next one go only after its own turn came,
   * or a later batch could reach the store before an earlier one.
   */
  private takeWriteTurn(): WriteTurn {
    const ready = this.writeTurn;
    let pass!: () => void;
    this.writeTurn = new Promise<void>((r) => (pass = r));
    return { ready, release: () => void ready.then(pass) };
  }

  /** The batch will not reach the store: its cameras' later reads must not either. */
  private abandon(batch: readonly Accepted[], turn: WriteTurn): void {
    this.interrupt(batch);
    turn.release();
  }

  private interrupt(batch: readonly Accepted[]): void {
    for (const target of new Set(batch.map((a) => a.target))) target.interrupt();
  }

  /**
   * Matching, then the durable write. Hits go to consoles as soon as matching returns; the
   * reads are written only once their hits are durable, because a camera resumes from what
   * the store holds (`welcome.ack`): a stored read whose hit was lost in a crash would never
   * be matched again.
   */
  private process(batch: readonly Accepted[], turn: WriteTurn): Promise<[readonly ReadResult[], void]> {
    const started = performance.now();
    const hitsDurable = this.match.match(batch.map(toMatchRequest)).then((results) => {
      this.metrics.matchLatency.observe((performance.now() - started) / 1000);
      return this.raiseHits(batch, results);
    });
    const written = turn.ready
      .then(() => hitsDurable)
      .then(
        () => {
          const w = this.write(batch);
          turn.release();
          return w.catch((e: unknown) => {
            this.interrupt(batch);
            throw e;
          });
        },
        (e: unknown) => {
          this.abandon(batch, turn);
          throw e;
        },
      );
    return Promise.all([written, hitsDurable]);
  }

  /** The durable write of every read not refused or withheld before it; results in batch order. */
  private async write(batch: readonly Accepted[]): Promise<ReadResult[]> {
    const keep = batch.filter((a) => !a.refused && a.epoch === a.target.epoch);
    const stored = keep.length > 0 ? await this.store.appendBatch(keep.map(toDetection)) : [];
    let j = 0;
    return batch.map((a) => (a.refused ? { status: 'rejected', code: a.refused.code } : a.epoch === a.target.epoch ? stored[j++]! : WITHHELD));
  }

  private raiseHits(batch: readonly Accepted[], results: Awaited<ReturnType<MatchService['match']>>): Promise<void> {
    const raised: NewHit[] = [];
    const rxOf: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      const matches = results[i];
      if (!matches || matches.length === 0) continue;
      const a = batch[i]!;
      for (const m of matches) {
        raised.push({ ...m, read: hitRead(a) });
        rxOf.push(a.rxMono);
      }
    }
    if (raised.length === 0) return Promise.resolve();
    const { hits, durable } = this.hits.raise(raised);
    const now = performance.now();
    const crops = new Map<string, Crop>();
    for (const a of batch) if (a.read.crop) crops.set(`${a.target.cam}:${a.read.seq}`, a.read.crop);
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i]!;
      this.consoles.publish(hit, false, crops.get(`${hit.read.cam}:${hit.read.seq}`));
      this.metrics.hits.inc({ list: hit.entry.list, kind: hit.match.kind });
    }
    for (const rx of rxOf) this.metrics.hitLatency.observe((now - rx) / 1000);
    return durable;
  }

  private complete(batch: readonly Accepted[], results: readonly ReadResult[]): void {
    const now = performance.now();
    let duplicates = 0;
    let withheld: Accepted[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const r = results[i];
      if (r?.status === 'duplicate') duplicates++;
      else if (r?.status === 'expired' || r?.status === 'rejected') this.refused(batch[i]!, r);
      else if (r?.status === 'withheld') (withheld ??= []).push(batch[i]!);
    }
    if (withheld) this.fail(withheld, new ErrBusy('an earlier batch of this camera failed; resend from the last ack'));
    const done = withheld ? batch.filter((_, i) => results[i]?.status !== 'withheld') : batch;
    for (const [target, seqs] of byTarget(done)) target.acked(seqs);
    this.inFlight -= done.length;
    this.metrics.inFlight.set(this.inFlight);
    this.metrics.readsAcked.inc(done.length);
    if (duplicates > 0) this.metrics.readsDuplicate.inc(duplicates);
    this.metrics.ackLatency.observe((now - batch[0]!.rxMono) / 1000);
  }

  private refused(a: Accepted, r: Extract<WriteResult, { status: 'expired' | 'rejected' }>): void {
    const code = r.status === 'expired' ? ErrRetentionPassed.code : r.code;
    const msg = r.status === 'expired' ? 'read is older than the retention window; not stored (POLICY R7)' : (a.refused?.msg ?? 'read refused by the store');
    this.metrics.readsNacked.inc({ code });
    this.log.warn({ cam: a.target.cam, seq: a.read.seq, code }, 'read not stored');
    a.target.nacked(a.read.seq, code, msg);
  }

  private fail(batch: readonly Accepted[], e: unknown): void {
    this.log.error({ err: e, reads: batch.length }, 'batch not stored; cameras will resend');
    for (const [target, seqs] of byTarget(batch)) target.failed(seqs, e);
    this.inFlight -= batch.length;
    this.metrics.inFlight.set(this.inFlight);
    this.metrics.readsShed.inc(batch.length);
  }
}

function byTarget(batch: readonly Accepted[]): Map<AckTarget, number[]> {
  const out = new Map<AckTarget, number[]>();
  for (const a of batch) {
    const seqs = out.get(a.target);
    if (seqs) seqs.push(a.read.seq);
    else out.set(a.target, [a.read.seq]);
  }
  return out;
}

function toMatchRequest(a: Accepted): MatchRequest {
  const r = a.read;
  // With OCR the merged candidates carry the camera's plate too; the best of them leads.
  if (a.cands) return { plate: a.cands[0]?.[0], st: r.st, conf: a.cands[0]?.[1], cands: a.cands.slice(1) };
  return { plate: a.plate, st: r.st, conf: r.conf, cands: r.cands };
}

function toDetection(a: Accepted): DetectionInput {
  return { cam: a.target.cam, read: a.read, received: a.rx, ocr: a.ocr };
}

function hitRead(a: Accepted): NewHit['read'] {
  const r = a.read;
  return {
    plate: a.plate ?? '',
    st: r.st,
    conf: r.conf ?? a.ocr?.conf,
    cam: a.target.cam,
    seq: r.seq,
    ts: r.ts,
    lat: r.lat,
    lon: r.lon,
    veh: r.veh,
    cands: a.cands ?? r.cands,
    ocr: a.ocr ? { plate: a.ocr.plate, conf: a.ocr.conf } : undefined,
  };
}
