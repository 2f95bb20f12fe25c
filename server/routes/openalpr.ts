/**
 * `POST /v1/compat/openalpr`: OpenALPR agent uploads, unchanged, so existing OpenALPR cameras
 * can point at PlateSafe. `alpr_group` and `alpr_results` become reads; `heartbeat` feeds
 * camera health. The camera's token comes in `?token=` (agents cannot set headers).
 * OpenALPR numbers nothing, so the server gives each read the next seq of its camera.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { ErrBadInput } from '../../core/errors.js';
import type { Camera } from '../../core/cameras/registry.js';
import type { ReadAdmission } from '../camera/admission.js';
import type { CameraHealth } from '../camera/health.js';
import { admitAndWait, cameraPost, type ReadsRouteDeps } from './reads.js';

const Candidate = z.object({ plate: z.string(), confidence: z.number() }).loose();
const Named = z.array(z.object({ name: z.string(), confidence: z.number().optional() }).loose()).optional();

const Group = z
  .object({
    data_type: z.literal('alpr_group'),
    epoch_start: z.number(),
    best_plate_number: z.string(),
    best_confidence: z.number(),
    best_region: z.string().optional(),
    candidates: z.array(Candidate).optional(),
    gps_latitude: z.number().optional(),
    gps_longitude: z.number().optional(),
    travel_direction: z.number().optional(),
    vehicle: z.object({ color: Named, make: Named, make_model: Named, body_type: Named }).loose().optional(),
  })
  .loose();

const Results = z
  .object({
    data_type: z.literal('alpr_results'),
    epoch_time: z.number(),
    results: z.array(
      z.object({ plate: z.string(), confidence: z.number(), region: z.string().optional(), candidates: z.array(Candidate).optional() }).loose(),
    ),
  })
  .loose();

const Heartbeat = z.object({ data_type: z.literal('heartbeat') }).loose();

const Upload = z.discriminatedUnion('data_type', [Group, Results, Heartbeat]);

/** OpenALPR regions look like `us-ca`; PlateSafe's jurisdiction codes like `CA`. */
function state(region: string | undefined): string | undefined {
  if (!region) return undefined;
  const parts = region.toUpperCase().split('-');
  return parts[parts.length - 1];
}

const pct = (c: number): number => Math.max(0, Math.min(1, c / 100));
const first = (n: z.infer<typeof Named>): string | undefined => n?.[0]?.name;

export function toReads(upload: z.infer<typeof Upload>, nextSeq: () => number): Record<string, unknown>[] {
  if (upload.data_type === 'alpr_group') {
    const g = upload;
    return [
      {
        seq: nextSeq(),
        ts: Math.round(g.epoch_start),
        plate: g.best_plate_number,
        st: state(g.best_region),
        conf: pct(g.best_confidence),
        cands: g.candidates?.map((c) => [c.plate, pct(c.confidence)]),
        lat: g.gps_latitude,
        lon: g.gps_longitude,
        hdg: g.travel_direction,
        veh: g.vehicle ? { color: first(g.vehicle.color), make: first(g.vehicle.make), model: first(g.vehicle.make_model), body: first(g.vehicle.body_type) } : undefined,
      },
    ];
  }
  if (upload.data_type === 'alpr_results') {
    return upload.results.map((r) => ({
      seq: nextSeq(),
      ts: Math.round(upload.epoch_time),
      plate: r.plate,
      st: state(r.region),
      conf: pct(r.confidence),
      cands: r.candidates?.map((c) => [c.plate, pct(c.confidence)]),
    }));
  }
  return [];
}

export function openAlprRoute(app: uWS.TemplatedApp, deps: ReadsRouteDeps & { health: CameraHealth }): void {
  cameraPost(app, '/v1/compat/openalpr', deps, async (camera, body) => {
    const parsed = Upload.safeParse(body);
    if (!parsed.success) throw new ErrBadInput(`not an OpenALPR upload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    if (parsed.data.data_type === 'heartbeat') {
      deps.health.connected(camera.id);
      deps.health.heartbeat(camera.id, { t: 'hb', st: { cams: 'ok' } });
      return { acked: [], nacked: [] };
    }
    return admitAndWait(deps.admission, camera, toReads(parsed.data, seqAllocator(deps.admission, camera)));
  });
}

/** Next seq for an agent that numbers nothing: after the last one, and never before now. */
function seqAllocator(admission: ReadAdmission, camera: Camera): () => number {
  let next = Math.max(admission.state(camera).lastSeq + 1, Date.now());
  return () => next++;
}
