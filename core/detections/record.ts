/**
 * What the store keeps of a detection, and its compact encoding: times relative to the
 * partition start, the camera as a small number from the partition's camera dictionary,
 * confidences in thousandths and coordinates in millionths of a degree, the fields of every
 * text read in a fixed binary layout and the rarer ones in msgpack: a text-only detection
 * packs into about 30 bytes. Image bytes live in a separate database so text scans never
 * page them in.
 *
 * Detection ids name their partition (`<partition start hour, base 36>-<number, base 36>`),
 * so a get by id opens the right partition with no lookup.
 */
import { Packr } from 'msgpackr';
import type { Crop, Read, Vehicle } from '../reads/read.js';
import { ErrBadInput, ErrNotFound } from '../errors.js';

/** The server's OCR result for a read that came with a crop. */
export interface OcrResult {
  readonly plate: string;
  readonly conf: number;
  readonly cands?: readonly (readonly [string, number])[];
}

/** What the server hands the store: a validated read, its camera, and when it arrived. */
export interface DetectionInput {
  readonly cam: string;
  readonly read: Read;
  /** Server clock when the read arrived (ms); the store's clock when omitted. */
  readonly received?: number;
  readonly ocr?: OcrResult;
}

/** A stored detection as searches and views return it. */
export interface Detection {
  readonly id: string;
  readonly cam: string;
  readonly seq: number;
  readonly ts: number;
  readonly received: number;
  readonly plate?: string;
  readonly st?: string;
  readonly conf?: number;
  readonly cands?: [string, number][];
  readonly chars?: number[];
  readonly lat?: number;
  readonly lon?: number;
  readonly hdg?: number;
  readonly spd?: number;
  readonly lane?: number;
  readonly veh?: Vehicle;
  readonly ocr?: OcrResult;
  /** Crop metadata; its bytes come with `get(…, { images: true })`. */
  readonly crop?: Omit<Crop, 'data'> & { data?: Uint8Array };
  readonly img?: Uint8Array;
  readonly hasImages: boolean;
}

export const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

export function formatId(startHour: number, num: number): string {
  return `${startHour.toString(36)}-${num.toString(36)}`;
}

export function parseId(id: string): { startHour: number; num: number } {
  const m = /^([0-9a-z]{1,8})-([0-9a-z]{1,7})$/.exec(id);
  if (!m) throw new ErrNotFound(`no detection ${JSON.stringify(id)}`, { id });
  return { startHour: parseInt(m[1]!, 36), num: parseInt(m[2]!, 36) };
}

const milli = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 1000));
const unMilli = (x: number | undefined | null): number | undefined => (x == null ? undefined : x / 1000);

function candsOut(c: readonly (readonly [string, number])[] | undefined): [string, number][] | undefined {
  return c?.map(([p, q]) => [p, Math.round(q * 1000)]);
}

function candsIn(c: [string, number][] | null | undefined): [string, number][] | undefined {
  return c?.map(([p, q]) => [p, q / 1000]);
}

/*
 * Record layout (little-endian), the fields every text read has first, fixed or varint:
 *   capture time − partition start (varint)  camera number (varint)  seq (varint)
 *   received − capture time (zigzag varint)  flags (1)
 *   [plate: length(1) UTF-8]  [st: length(1) UTF-8]  [conf: thousandths (2)]
 *   [lat, lon: millionths of a degree (4 + 4, signed)]
 *   [rest: msgpack array of the rarer fields, trailing nulls cut]
 * Written straight into the batch's buffer: no intermediate array or object per read.
 */
const F_PLATE = 1;
const F_ST = 2;
const F_CONF = 4;
const F_PLACE = 8;
const F_REST = 16;

/** Largest record: the fixed part plus a rest bounded by the read schema (core/reads/read.ts). */
export const MAX_RECORD = 16 * 1024;

function putVar(buf: Buffer, at: number, v: number): number {
  while (v >= 128) {
    buf[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[at++] = v;
  return at;
}

/** Writes a short string as length(1) + UTF-8; ASCII (every normalised plate) byte by byte. */
function putText(buf: Buffer, at: number, s: string): number {
  const n = s.length;
  let ascii = n < 128;
  for (let i = 0; ascii && i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) ascii = false;
    else buf[at + 1 + i] = c;
  }
  if (ascii) {
    buf[at] = n;
    return at + 1 + n;
  }
  const bytes = buf.write(s.slice(0, 60), at + 1, 'utf8');
  buf[at] = bytes;
  return at + 1 + bytes;
}

function rest(input: DetectionInput): unknown[] | null {
  const r = input.read;
  const v = r.veh;
  const o = input.ocr;
  if (r.cands === undefined && r.hdg === undefined && r.spd === undefined && r.lane === undefined && v === undefined && o === undefined && r.chars === undefined && r.crop === undefined && r.img === undefined) return null;
  const row: unknown[] = [
    candsOut(r.cands) ?? null,
    r.hdg ?? null,
    r.spd ?? null,
    r.lane ?? null,
    v ? [v.make ?? null, v.model ?? null, v.color ?? null, v.body ?? null] : null,
    o ? [o.plate, milli(o.conf), candsOut(o.cands) ?? null] : null,
    r.chars?.map((c) => Math.round(c * 1000)) ?? null,
    r.crop ? [r.crop.fmt, r.crop.w, r.crop.h] : null,
    r.crop !== undefined || r.img !== undefined ? 1 : null,
  ];
  while (row[row.length - 1] === null) row.pop();
  return row;
}

/**
 * Encodes a detection's text fields into `buf` at `from` (at least MAX_RECORD bytes free)
 * and returns where the record ends. `plate` is the normalised plate the index holds.
 */
export function encodeRecord(input: DetectionInput, plate: string | undefined, start: number, camNo: number, received: number, buf: Buffer, from: number): number {
  const r = input.read;
  let at = putVar(buf, from, r.ts - start);
  at = putVar(buf, at, camNo);
  at = putVar(buf, at, r.seq);
  const late = received - r.ts;
  at = putVar(buf, at, late >= 0 ? late * 2 : -late * 2 - 1);
  const text = plate ?? r.plate;
  const tail = rest(input);
  const flagsAt = at++;
  let flags = 0;
  if (text !== undefined) {
    flags |= F_PLATE;
    at = putText(buf, at, text);
  }
  if (r.st !== undefined) {
    flags |= F_ST;
    at = putText(buf, at, r.st);
  }
  if (r.conf !== undefined) {
    flags |= F_CONF;
    buf.writeUInt16LE(Math.round(r.conf * 1000), at);
    at += 2;
  }
  if (r.lat !== undefined && r.lon !== undefined) {
    flags |= F_PLACE;
    buf.writeInt32LE(Math.round(r.lat * 1e6), at);
    buf.writeInt32LE(Math.round(r.lon * 1e6), at + 4);
    at += 8;
  }
  if (tail !== null) {
    flags |= F_REST;
    const packed = packr.pack(tail);
    if (at + packed.length > from + MAX_RECORD) throw new ErrBadInput('a read\'s fields are too large to store', { bytes: packed.length });
    packed.copy(buf, at);
    at += packed.length;
  }
  buf[flagsAt] = flags;
  return at;
}

/** Packs the image bytes of a detection, or null when it has none. */
export function encodeImages(read: Read): Buffer | null {
  if (read.crop === undefined && read.img === undefined) return null;
  return packr.pack([read.crop?.data ?? null, read.img ?? null]);
}

/** A record's fields, decoded: what indexing, filters and views read. */
export interface RecordFields {
  readonly tsOff: number;
  readonly camNo: number;
  readonly seq: number;
  readonly late: number;
  readonly plate: string | undefined;
  readonly st: string | undefined;
  /** Confidence in thousandths. */
  readonly conf: number | undefined;
  /** Millionths of a degree. */
  readonly lat: number | undefined;
  readonly lon: number | undefined;
  /** [cands, hdg, spd, lane, veh, ocr, chars, crop, hasImages], trailing nulls cut. */
  readonly rest: readonly unknown[];
}

const NO_REST: readonly unknown[] = Object.freeze([]);

/** Read position of `readFields` (module state rather than a closure per record: hot path). */
let pos = 0;

function getVar(buf: Uint8Array): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++]!;
    v += (b & 127) * scale;
    if (b < 128) return v;
    scale *= 128;
  }
}

/** A length(1) + UTF-8 short string; ASCII (every normalised plate) without a Buffer view. */
function getText(buf: Uint8Array): string {
  const n = buf[pos]!;
  const from = pos + 1;
  pos = from + n;
  let out = '';
  for (let i = from; i < pos; i++) {
    const c = buf[i]!;
    if (c >= 128) return Buffer.from(buf.buffer, buf.byteOffset + from, n).toString('utf8');
    out += String.fromCharCode(c);
  }
  return out;
}

function getInt32(buf: Uint8Array, at: number): number {
  return buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);
}

export function readFields(buf: Uint8Array): RecordFields {
  pos = 0;
  const tsOff = getVar(buf);
  const camNo = getVar(buf);
  const seq = getVar(buf);
  const z = getVar(buf);
  const flags = buf[pos++]!;
  const plate = flags & F_PLATE ? getText(buf) : undefined;
  const st = flags & F_ST ? getText(buf) : undefined;
  let conf: number | undefined;
  if (flags & F_CONF) {
    conf = buf[pos]! | (buf[pos + 1]! << 8);
    pos += 2;
  }
  let lat: number | undefined;
  let lon: number | undefined;
  if (flags & F_PLACE) {
    lat = getInt32(buf, pos);
    lon = getInt32(buf, pos + 4);
    pos += 8;
  }
  const tail = flags & F_REST ? (packr.unpack(buf.subarray(pos)) as unknown[]) : NO_REST;
  return { tsOff, camNo, seq, late: z % 2 === 0 ? z / 2 : -(z + 1) / 2, plate, st, conf, lat, lon, rest: tail };
}

type Candidates = [string, number][] | null | undefined;
type OcrRow = [string, number, Candidates] | null | undefined;

/** Every plate text a record holds: the plate, the camera's and the OCR's alternates. */
export function recordTexts(f: RecordFields): (string | undefined)[] {
  const texts: (string | undefined)[] = [];
  const ocr = f.rest[5] as OcrRow;
  if (ocr && ocr[0] !== f.plate) texts.push(ocr[0]);
  for (const c of (f.rest[0] as Candidates) ?? []) texts.push(c[0]);
  for (const c of ocr?.[2] ?? []) texts.push(c[0]);
  return texts;
}

/** The vehicle of a record as [make, model, color, body], or undefined. */
export function recordVehicle(f: RecordFields): (string | null)[] | undefined {
  return (f.rest[4] as (string | null)[] | null | undefined) ?? undefined;
}

export function decodeRecord(id: string, buf: Uint8Array, start: number, camNames: readonly string[]): Detection {
  const f = readFields(buf);
  const ts = start + f.tsOff;
  const x = f.rest;
  const veh = x[4] as (string | null)[] | null | undefined;
  const ocr = x[5] as OcrRow;
  const crop = x[7] as [Crop['fmt'], number, number] | null | undefined;
  const d = {
    id,
    cam: camNames[f.camNo] ?? '',
    seq: f.seq,
    ts,
    received: ts + f.late,
    plate: f.plate,
    st: f.st,
    conf: unMilli(f.conf),
    cands: candsIn(x[0] as Candidates),
    lat: f.lat === undefined ? undefined : f.lat / 1e6,
    lon: f.lon === undefined ? undefined : f.lon / 1e6,
    hdg: (x[1] as number | null | undefined) ?? undefined,
    spd: (x[2] as number | null | undefined) ?? undefined,
    lane: (x[3] as number | null | undefined) ?? undefined,
    veh: veh ? { make: veh[0] ?? undefined, model: veh[1] ?? undefined, color: veh[2] ?? undefined, body: veh[3] ?? undefined } : undefined,
    ocr: ocr ? { plate: ocr[0], conf: ocr[1] / 1000, cands: candsIn(ocr[2]) } : undefined,
    chars: (x[6] as number[] | null | undefined)?.map((c) => c / 1000),
    crop: crop ? { fmt: crop[0], w: crop[1], h: crop[2] } : undefined,
    hasImages: x[8] === 1,
  };
  // Absent fields stay as undefined (one object shape for every view; JSON drops them).
  return d as unknown as Detection;
}

/** Adds image bytes to a decoded view. */
export function withImages(d: Detection, images: Uint8Array | undefined): Detection {
  if (images === undefined) return d;
  const [crop, img] = packr.unpack(images) as [Uint8Array | null, Uint8Array | null];
  return {
    ...d,
    ...(d.crop && crop ? { crop: { ...d.crop, data: crop } } : {}),
    ...(img ? { img } : {}),
  };
}
