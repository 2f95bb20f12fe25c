/**
 * Admission of reads, shared by the camera channel and `POST /v1/reads`: validation,
 * sequence rules, exclusion zones (POLICY R6) and load shedding, per camera.
 *
 * Sequence rules (PROTOCOL.md): seqs rise strictly per camera. A read at or below the last
 * seq accepted is either a resend of a read still in flight (ignored: the coming cumulative
 * ack covers it) or out of order (`nack PS_ERR_SEQ_ORDER`). When the server sheds load at seq
 * N it answers `busy` once and refuses every later read until N comes again, so the camera's
 * resend never arrives "backwards".
 */
import type { Logger } from 'pino';
import { ErrBadInput, ErrBusy, ErrExcludedZone, ErrPlateInvalid, ErrSeqOrder, type PlateSafeErrorClass } from '../../core/errors.js';
import type { Camera } from '../../core/cameras/registry.js';
import { inPolygon } from '../../core/geo.js';
import { tryNormalizePlate } from '../../core/plates/normalize.js';
import { ReadSchema, wellFormedRead, type Read } from '../../core/reads/read.js';
import type { Metrics } from '../metrics.js';
import type { AckTarget, IngestPipeline } from '../ingest/pipeline.js';
import type { DetectionWriter } from '../ingest/ports.js';
import type { OcrStage } from '../ingest/ocr-stage.js';

const MAX_REFUSALS = 10_000;

/** Where a camera's frames go back to: its live connection, if any. */
export interface CameraLink {
  send(frame: object): void;
  failed(): void;
}

/** Per-camera ingest state; the ack target of all its reads, whichever way they came. */
export class CameraState implements AckTarget {
  link: CameraLink | undefined;
  /** Highest seq accepted; a new read must come after it. */
  lastSeq: number;
  /** Highest seq acknowledged durable. */
  durableSeq: number;
  /** Seq that was answered `busy`, or -1. */
  busySeq = -1;
  epoch = 0;
  readonly inFlight = new Set<number>();
  private readonly refusals = new Map<number, { code: string; msg: string }>();
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    /** Replaced when an administrator changes the camera (its exclusion zones, POLICY R6). */
    public camera: Camera,
    durable: number,
  ) {
    this.lastSeq = durable;
    this.durableSeq = durable;
  }

  get cam(): string {
    return this.camera.id;
  }

  acked(seqs: readonly number[]): void {
    let max = this.durableSeq;
    for (const s of seqs) {
      this.inFlight.delete(s);
      if (s > max) max = s;
    }
    this.durableSeq = max;
    this.link?.send({ t: 'ack', seq: max });
    if (this.waiters.length > 0) this.settle((w) => w.seq <= max, (w) => w.resolve());
  }

  nacked(seq: number, code: string, msg: string): void {
    this.link?.send({ t: 'nack', seq, code, msg });
    // HTTP requests read their refusals back after the ack (`takeRefusal`); keep a bounded few.
    this.refusals.set(seq, { code, msg });
    if (this.refusals.size > MAX_REFUSALS) this.refusals.delete(this.refusals.keys().next().value!);
  }

  takeRefusal(seq: number): { code: string; msg: string } | undefined {
    const r = this.refusals.get(seq);
    if (r) this.refusals.delete(seq);
    return r;
  }

  interrupt(): void {
    this.epoch++;
    // Restart the sequence from what is durable: a WebSocket camera reconnects and resends
    // after its `welcome` ack; an HTTP client gets `busy` for every read after the oldest one
    // in flight until it sends that one again.
    let oldest = Infinity;
    for (const s of this.inFlight) if (s < oldest) oldest = s;
    if (oldest !== Infinity && (this.busySeq < 0 || oldest < this.busySeq)) this.busySeq = oldest;
    this.lastSeq = this.durableSeq;
    this.link?.failed();
  }

  failed(seqs: readonly number[], error: unknown): void {
    for (const s of seqs) this.inFlight.delete(s);
    const busy = new ErrBusy(`storage unavailable: ${(error as Error).message ?? String(error)}`);
    this.settle((w) => seqs.includes(w.seq) || w.seq > this.durableSeq, (w) => w.reject(busy));
  }

  /** Resolves when `seq` is durable (for HTTP requests). */
  whenDurable(seq: number): Promise<void> {
    if (seq <= this.durableSeq && !this.inFlight.has(seq)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  private settle(pick: (w: CameraState['waiters'][number]) => boolean, act: (w: CameraState['waiters'][number]) => void): void {
    const keep: CameraState['waiters'] = [];
    for (const w of this.waiters) (pick(w) ? act : keep.push.bind(keep))(w);
    this.waiters = keep;
  }
}

export type Verdict =
  | { readonly kind: 'accepted'; readonly seq: number }
  | { readonly kind: 'duplicate'; readonly seq: number }
  | { readonly kind: 'busy'; readonly seq: number; readonly first: boolean }
  | { readonly kind: 'nack'; readonly seq: number; readonly code: string; readonly msg: string }
  | { readonly kind: 'invalid'; readonly code: string; readonly msg: string };

export class ReadAdmission {
  private readonly states = new Map<string, CameraState>();

  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly ocr: OcrStage,
    private readonly store: DetectionWriter,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    readonly busyRetryMs: number,
  ) {}

  state(camera: Camera): CameraState {
    let s = this.states.get(camera.id);
    if (s) s.camera = camera;
    else {
      s = new CameraState(camera, this.store.lastSeq(camera.id));
      this.states.set(camera.id, s);
    }
    return s;
  }

  /** An administrator changed the camera: its live connection applies the new zones at once. */
  refresh(camera: Camera): void {
    const s = this.states.get(camera.id);
    if (s) s.camera = camera;
  }

  /** Attach a new connection; returns the seq the camera resumes after (`welcome.ack`). */
  attach(camera: Camera, link: CameraLink): CameraState {
    const s = this.state(camera);
    s.link = link;
    s.busySeq = -1;
    // Reads of an earlier connection still in flight may be resent; they stay deduplicated.
    s.lastSeq = s.durableSeq;
    return s;
  }

  detach(s: CameraState, link: CameraLink): void {
    if (s.link === link) s.link = undefined;
  }

  /** Decide on one read and, when accepted, hand it to the pipeline. */
  admit(s: CameraState, raw: unknown, via: 'ws' | 'http'): Verdict {
    this.metrics.readsIn.inc({ via });
    const read = wellFormedRead(raw);
    if (read === undefined) return this.reject(s, raw, ErrBadInput, whatIsWrong(raw));
    if (s.inFlight.has(read.seq) && read.seq <= s.lastSeq) {
      this.metrics.readsDuplicate.inc();
      return { kind: 'duplicate', seq: read.seq };
    }
    if (s.busySeq >= 0 && read.seq > s.busySeq) return this.shed(s, read.seq);
    if (read.seq <= s.lastSeq) {
      return this.reject(s, raw, ErrSeqOrder, `seq ${read.seq} is not after ${s.lastSeq}`);
    }
    const plate = read.plate === undefined ? undefined : (tryNormalizePlate(read.plate) ?? undefined);
    // A crop is read by OCR; without one, the camera's text must be a plate.
    if (plate === undefined && read.crop === undefined) {
      return this.reject(s, raw, ErrPlateInvalid, `plate ${JSON.stringify(read.plate ?? '')} is not 1–10 letters and digits`);
    }
    if (this.excluded(s.camera, read)) {
      this.metrics.readsExcluded.inc();
      s.lastSeq = read.seq;
      return this.reject(s, raw, ErrExcludedZone, 'read inside an exclusion zone of this camera');
    }
    if (!this.pipeline.hasRoom() || (read.crop !== undefined && !this.ocr.hasRoom())) return this.shed(s, read.seq);
    s.busySeq = -1;
    s.lastSeq = read.seq;
    s.inFlight.add(read.seq);
    this.pipeline.submit({ read, plate, target: s, epoch: s.epoch, rxMono: performance.now(), rx: Date.now() });
    return { kind: 'accepted', seq: read.seq };
  }

  /** Refuse for now. Only the read that starts (or retries) a busy episode is answered. */
  private shed(s: CameraState, seq: number): Verdict {
    this.metrics.readsShed.inc();
    const first = s.busySeq < 0 || s.busySeq === seq;
    if (s.busySeq < 0) s.busySeq = seq;
    return { kind: 'busy', seq, first };
  }

  private excluded(camera: Camera, read: Read): boolean {
    if (camera.zones.length === 0 || read.lat === undefined || read.lon === undefined) return false;
    const p = { lat: read.lat, lon: read.lon };
    return camera.zones.some((zone) => inPolygon(p, zone));
  }

  private reject(s: CameraState, raw: unknown, cls: PlateSafeErrorClass, msg: string): Verdict {
    const seq = seqOf(raw);
    this.metrics.readsNacked.inc({ code: cls.code });
    this.log.warn({ cam: s.cam, seq, code: cls.code, msg }, 'read refused');
    if (seq === undefined) return { kind: 'invalid', code: cls.code, msg };
    return { kind: 'nack', seq, code: cls.code, msg };
  }
}

function seqOf(raw: unknown): number | undefined {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

function whatIsWrong(raw: unknown): string {
  const parsed = ReadSchema.safeParse(raw);
  if (parsed.success) return 'read refused';
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'read'}: ${i.message}`).join('; ');
}
