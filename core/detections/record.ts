/**
 * What the store keeps of a detection, and its compact encoding. A stored record is a
 * msgpack array with times relative to the partition start, the camera as a small number
 * from the partition's camera dictionary, confidences in thousandths and coordinates in
 * millionths of a degree: a text-only detection packs into about 40 bytes. Image bytes live
 * in a separate database so text scans never page them in.
 *
 * Detection ids name their partition (`<partition start hour, base 36>-<number, base 36>`),
 * so a get by id opens the right partition with no lookup.
 */
import { Packr } from 'msgpackr';
import type { Crop, Read, Vehicle } from '../reads/read.js';
import { ErrNotFound } from '../errors.js';

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
const micro = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 1e6));
const unMilli = (x: number | undefined | null): number | undefined => (x == null ? undefined : x / 1000);
const unMicro = (x: number | undefined | null): number | undefined => (x == null ? undefined : x / 1e6);

function candsOut(c: readonly (readonly [string, number])[] | undefined): [string, number][] | undefined {
  return c?.map(([p, q]) => [p, Math.round(q * 1000)]);
}

function candsIn(c: [string, number][] | null | undefined): [string, number][] | undefined {
  return c?.map(([p, q]) => [p, q / 1000]);
}

/** Packs a detection's text fields. `plate` is the normalised plate the index holds. */
export function encodeRecord(input: DetectionInput, plate: string | undefined, start: number, camNo: number, received: number): Buffer {
  const r = input.read;
  const v = r.veh;
  const o = input.ocr;
  const row: unknown[] = [
    r.ts - start,
    camNo,
    r.seq,
    plate ?? r.plate ?? null,
    r.st ?? null,
    milli(r.conf) ?? null,
    received - r.ts,
    candsOut(r.cands) ?? null,
    micro(r.lat) ?? null,
    micro(r.lon) ?? null,
    r.hdg ?? null,
    r.spd ?? null,
    r.lane ?? null,
    v ? [v.make ?? null, v.model ?? null, v.color ?? null, v.body ?? null] : null,
    o ? [o.plate, milli(o.conf), candsOut(o.cands) ?? null] : null,
    r.chars?.map((c) => Math.round(c * 1000)) ?? null,
    r.crop ? [r.crop.fmt, r.crop.w, r.crop.h] : null,
    r.crop !== undefined || r.img !== undefined ? 1 : null,
  ];
  while (row.length > 0 && row[row.length - 1] === null) row.pop();
  return packr.pack(row);
}

/** Packs the image bytes of a detection, or null when it has none. */
export function encodeImages(read: Read): Buffer | null {
  if (read.crop === undefined && read.img === undefined) return null;
  return packr.pack([read.crop?.data ?? null, read.img ?? null]);
}

type Row = [number, number, number, string | null, string | null, number | null, number, ...unknown[]];

/** The fields search filters need without building a whole view. */
export interface RecordFacts {
  readonly conf: number | undefined;
  readonly lat: number | undefined;
  readonly lon: number | undefined;
}

export function recordFacts(buf: Uint8Array): RecordFacts {
  const row = packr.unpack(buf) as Row;
  return { conf: unMilli(row[5]), lat: unMicro(row[8] as number | null), lon: unMicro(row[9] as number | null) };
}

export function decodeRecord(id: string, buf: Uint8Array, start: number, camNames: readonly string[]): Detection {
  const row = packr.unpack(buf) as Row;
  const cam = camNames[row[1]] ?? '';
  const ts = start + row[0];
  const veh = row[13] as (string | null)[] | null | undefined;
  const ocr = row[14] as [string, number, [string, number][] | null] | null | undefined;
  const crop = row[16] as [Crop['fmt'], number, number] | null | undefined;
  const d = {
    id,
    cam,
    seq: row[2],
    ts,
    received: ts + row[6],
    plate: row[3] ?? undefined,
    st: row[4] ?? undefined,
    conf: unMilli(row[5]),
    cands: candsIn(row[7] as [string, number][] | null | undefined),
    lat: unMicro(row[8] as number | null | undefined),
    lon: unMicro(row[9] as number | null | undefined),
    hdg: row[10] ?? undefined,
    spd: row[11] ?? undefined,
    lane: row[12] ?? undefined,
    veh: veh ? { make: veh[0] ?? undefined, model: veh[1] ?? undefined, color: veh[2] ?? undefined, body: veh[3] ?? undefined } : undefined,
    ocr: ocr ? { plate: ocr[0], conf: ocr[1] / 1000, cands: candsIn(ocr[2]) } : undefined,
    chars: (row[15] as number[] | null | undefined)?.map((c) => c / 1000),
    crop: crop ? { fmt: crop[0], w: crop[1], h: crop[2] } : undefined,
    hasImages: row[17] === 1,
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
