/**
 * A plate read as PROTOCOL.md defines it (camera → server `read`). One schema for the
 * WebSocket channel, `POST /v1/reads` and the OpenALPR adapter; the store and the matcher
 * take the validated shape.
 */
import { z } from 'zod';

const bin = z.instanceof(Uint8Array);
const prob = z.number().min(0).max(1);

/** Largest crop accepted: a plate crop is a few kilobytes; 1 MiB is generous. */
export const MAX_CROP_BYTES = 1 << 20;
/** Largest overview image accepted. */
export const MAX_IMAGE_BYTES = 4 << 20;

export const CropSchema = z.object({
  fmt: z.enum(['gray8', 'png', 'jpeg']),
  w: z.number().int().positive().max(4096),
  h: z.number().int().positive().max(4096),
  data: bin.refine((d) => d.byteLength <= MAX_CROP_BYTES, { message: `crop over ${MAX_CROP_BYTES} bytes` }),
});

export const VehicleSchema = z.object({
  make: z.string().max(40).optional(),
  model: z.string().max(40).optional(),
  color: z.string().max(20).optional(),
  body: z.string().max(20).optional(),
});

export const ReadSchema = z
  .object({
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    ts: z.number().int().nonnegative(),
    plate: z.string().min(1).max(32).optional(),
    st: z.string().min(2).max(6).optional(),
    conf: prob.optional(),
    cands: z.array(z.tuple([z.string().min(1).max(32), prob])).max(20).optional(),
    chars: z.array(prob).max(16).optional(),
    crop: CropSchema.optional(),
    img: bin.refine((d) => d.byteLength <= MAX_IMAGE_BYTES, { message: `img over ${MAX_IMAGE_BYTES} bytes` }).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    hdg: z.number().min(0).max(360).optional(),
    spd: z.number().min(0).max(500).optional(),
    lane: z.number().int().min(0).max(32).optional(),
    veh: VehicleSchema.optional(),
  })
  .refine((r) => r.plate !== undefined || r.crop !== undefined, { message: 'a read needs plate or crop' });

export type Read = z.infer<typeof ReadSchema>;
export type Crop = z.infer<typeof CropSchema>;
export type Vehicle = z.infer<typeof VehicleSchema>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max;
const isStr = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isBin = (v: unknown, max: number): v is Uint8Array => v instanceof Uint8Array && v.byteLength <= max;
const CROP_FORMATS: ReadonlySet<unknown> = new Set(CropSchema.shape.fmt.options);

/**
 * The read in `raw` when it is well formed, checked field by field exactly as ReadSchema
 * checks it (a property test holds the two together), else undefined: ReadSchema then says
 * what is wrong. Every read goes through here, and the schema's generic machinery cost more
 * than everything else done to a read before it is matched.
 */
export function wellFormedRead(raw: unknown): Read | undefined {
  if (!isObject(raw) || !isInt(raw.seq, 0, Number.MAX_SAFE_INTEGER) || !isInt(raw.ts, 0, Number.MAX_SAFE_INTEGER)) return undefined;
  const out: Record<string, unknown> = { seq: raw.seq, ts: raw.ts };
  const { plate, st, conf, cands, chars, crop, img, lat, lon, hdg, spd, lane, veh } = raw;
  if (plate === undefined && crop === undefined) return undefined;
  if (plate !== undefined) {
    if (!isStr(plate, 1, 32)) return undefined;
    out.plate = plate;
  }
  if (st !== undefined) {
    if (!isStr(st, 2, 6)) return undefined;
    out.st = st;
  }
  if (conf !== undefined) {
    if (!isNum(conf, 0, 1)) return undefined;
    out.conf = conf;
  }
  if (cands !== undefined) {
    if (!Array.isArray(cands) || cands.length > 20 || !cands.every(isCandidate)) return undefined;
    out.cands = cands.map((c: [string, number]) => [c[0], c[1]]);
  }
  if (chars !== undefined) {
    if (!Array.isArray(chars) || chars.length > 16 || !chars.every((p) => isNum(p, 0, 1))) return undefined;
    out.chars = chars.slice();
  }
  if (crop !== undefined) {
    if (!isObject(crop) || !CROP_FORMATS.has(crop.fmt) || !isInt(crop.w, 1, 4096) || !isInt(crop.h, 1, 4096) || !isBin(crop.data, MAX_CROP_BYTES)) return undefined;
    out.crop = { fmt: crop.fmt, w: crop.w, h: crop.h, data: crop.data };
  }
  if (img !== undefined) {
    if (!isBin(img, MAX_IMAGE_BYTES)) return undefined;
    out.img = img;
  }
  if (!copyNumber(out, 'lat', lat, -90, 90) || !copyNumber(out, 'lon', lon, -180, 180) || !copyNumber(out, 'hdg', hdg, 0, 360) || !copyNumber(out, 'spd', spd, 0, 500)) return undefined;
  if (lane !== undefined) {
    if (!isInt(lane, 0, 32)) return undefined;
    out.lane = lane;
  }
  if (veh !== undefined) {
    const v = vehicle(veh);
    if (v === undefined) return undefined;
    out.veh = v;
  }
  return out as Read;
}

function isCandidate(c: unknown): c is [string, number] {
  return Array.isArray(c) && c.length === 2 && isStr(c[0], 1, 32) && isNum(c[1], 0, 1);
}

function copyNumber(out: Record<string, unknown>, key: string, v: unknown, min: number, max: number): boolean {
  if (v === undefined) return true;
  if (!isNum(v, min, max)) return false;
  out[key] = v;
  return true;
}

const VEHICLE_LIMITS = { make: 40, model: 40, color: 20, body: 20 } as const;
const VEHICLE_KEYS = Object.keys(VEHICLE_LIMITS) as (keyof typeof VEHICLE_LIMITS)[];

function vehicle(raw: unknown): Vehicle | undefined {
  if (!isObject(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const key of VEHICLE_KEYS) {
    const v = raw[key];
    if (v === undefined) continue;
    if (!isStr(v, 0, VEHICLE_LIMITS[key])) return undefined;
    out[key] = v;
  }
  return out;
}
