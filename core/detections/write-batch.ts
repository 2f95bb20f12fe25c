/**
 * A batch of detections bound for one partition, kept column by column: record bytes in one
 * growing buffer, numbers in typed arrays, strings by reference. A write then allocates per
 * batch, not per detection: with tens of thousands of reads in flight until their commit is
 * durable, an object or two per read used to be the largest share of ingest's time (garbage
 * collection of objects that live just long enough to be promoted).
 */
import { encodeRecord, MAX_RECORD, type DetectionInput } from './record.js';

/** Record bytes a detection is expected to need (the buffer grows past it when needed). */
const TYPICAL_RECORD = 40;

export class WriteBatch {
  /** Detections in the batch; the k-th is numbered `first + k`. */
  n = 0;
  /** Record bytes of detection k: `bytes[k === 0 ? 0 : ends[k - 1], ends[k])`. */
  bytes: Buffer;
  readonly ends: Uint32Array;
  readonly tsOff: Float64Array;
  readonly seqs: Float64Array;
  readonly camNos: Uint32Array;
  readonly cams: string[];
  readonly plates: (string | undefined)[];
  readonly alternates: (readonly string[])[];
  readonly st: (string | undefined)[];
  readonly make: (string | undefined)[];
  readonly color: (string | undefined)[];
  readonly body: (string | undefined)[];
  /** Packed image bytes by detection, null for a text-only read. */
  readonly images: (Buffer | null)[];
  /** Positions of the detections in the caller's input (for its results). */
  readonly slots: Uint32Array;

  constructor(
    readonly first: number,
    capacity: number,
  ) {
    this.bytes = Buffer.allocUnsafe(capacity * TYPICAL_RECORD + MAX_RECORD);
    this.ends = new Uint32Array(capacity);
    this.tsOff = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.camNos = new Uint32Array(capacity);
    this.slots = new Uint32Array(capacity);
    this.cams = new Array<string>(capacity);
    this.plates = new Array<string | undefined>(capacity);
    this.alternates = new Array<readonly string[]>(capacity);
    this.st = new Array<string | undefined>(capacity);
    this.make = new Array<string | undefined>(capacity);
    this.color = new Array<string | undefined>(capacity);
    this.body = new Array<string | undefined>(capacity);
    this.images = new Array<Buffer | null>(capacity);
  }

  /** Appends a detection (its number is `first + n`). */
  add(input: DetectionInput, slot: number, start: number, camNo: number, plate: string | undefined, alternates: readonly string[], received: number, images: Buffer | null): void {
    const k = this.n++;
    const from = k === 0 ? 0 : this.ends[k - 1]!;
    if (from + MAX_RECORD > this.bytes.length) {
      const next = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(next, 0, 0, from);
      this.bytes = next;
    }
    const { read, cam } = input;
    this.ends[k] = encodeRecord(input, plate, start, camNo, received, this.bytes, from);
    this.tsOff[k] = read.ts - start;
    this.seqs[k] = read.seq;
    this.camNos[k] = camNo;
    this.slots[k] = slot;
    this.cams[k] = cam;
    this.plates[k] = plate;
    this.alternates[k] = alternates;
    const v = read.veh;
    this.st[k] = read.st;
    this.make[k] = v?.make;
    this.color[k] = v?.color;
    this.body[k] = v?.body;
    this.images[k] = images;
  }
}
