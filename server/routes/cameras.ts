/**
 * Cameras over HTTP (POLICY R6; docs/api.md): the fleet with its health, registration with a
 * placement justification (MP 462.10) and a token shown once, token rotation, and exclusion
 * zones inside which reads are dropped at ingest. Every change is recorded; a zone change
 * reaches the camera's live connection at once.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { ErrNotFound } from '../../core/errors.js';
import { parseInput } from '../../core/util/parse.js';
import { route } from './api.js';
import { recordChange, type RouteDeps } from './deps.js';

const LatLon = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]);

const Zones = z.object({ zones: z.array(z.array(LatLon).min(3).max(200)).max(50) }).strict();

const NewCamera = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    placement: z
      .object({
        lat: z.number().min(-90).max(90).optional(),
        lon: z.number().min(-180).max(180).optional(),
        justification: z.string().trim().min(1).max(1000),
      })
      .strict(),
  })
  .strict();

export function cameraRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  const registry = deps.rooms.cameras;
  route(app, deps, {
    method: 'get',
    path: '/v1/cameras',
    action: 'cameras.view',
    handle: () => {
      const health = new Map(deps.health.status().map((s) => [s.cam, s]));
      return registry.list().map((c) => ({ ...c, health: health.get(c.id) }));
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/cameras',
    action: 'cameras.manage',
    status: 201,
    handle: async (ctx) => {
      const input = parseInput(NewCamera, ctx.body, 'camera');
      const { camera, token } = await registry.add(input);
      deps.health.register(camera.id);
      await recordChange(deps, ctx, 'camera.add', { camera: camera.id, placement: camera.placement });
      return { camera, token };
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/cameras/:id/token',
    action: 'cameras.manage',
    handle: async (ctx) => {
      const id = ctx.params[0]!;
      const token = await registry.rotateToken(id);
      await recordChange(deps, ctx, 'camera.token', { camera: id });
      return { token };
    },
  });
  route(app, deps, {
    method: 'put',
    path: '/v1/cameras/:id/zones',
    action: 'cameras.manage',
    handle: async (ctx) => {
      const id = ctx.params[0]!;
      const { zones } = parseInput(Zones, ctx.body, 'zones');
      if (!registry.get(id)) throw new ErrNotFound(`no camera ${id}`, { id });
      const camera = await registry.setZones(id, zones);
      deps.admission.refresh(camera);
      await recordChange(deps, ctx, 'camera.zones', { camera: id, zones: zones.length });
      return camera;
    },
  });
}
