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
