/**
 * Views of one stored detection (docs/api.md): the record, its plate crop, its overview
 * image. Each is an inquiry (POLICY R2): `?case&purpose` checked before the store reads
 * anything, and the access recorded by the store (`detections.view` or `images.view`).
 */
import type uWS from 'uWebSockets.js';
import { ErrNotFound } from '../../core/errors.js';
import type { Detection } from '../../core/detections/record.js';
import { RawResponse, route, type RequestContext } from './api.js';
import type { RouteDeps } from './deps.js';
import { openInquiry } from './inquiry.js';

const CROP_TYPES = { png: 'image/png', jpeg: 'image/jpeg' } as const;

/** A gray8 crop as a binary PGM (P5), the simplest image format any viewer opens. */
function pgm(w: number, h: number, pixels: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`, 'ascii'), pixels]);
}

function cropResponse(d: Detection): RawResponse {
  const crop = d.crop;
  if (!crop?.data) throw new ErrNotFound(`detection ${d.id} has no plate crop`, { id: d.id });
  if (crop.fmt === 'gray8') return new RawResponse('image/x-portable-graymap', pgm(crop.w, crop.h, crop.data));
  return new RawResponse(CROP_TYPES[crop.fmt], crop.data);
}

function imageResponse(d: Detection): RawResponse {
  if (!d.img) throw new ErrNotFound(`detection ${d.id} has no overview image`, { id: d.id });
  return new RawResponse('image/jpeg', d.img);
}

async function view(deps: RouteDeps, ctx: RequestContext, images: boolean): Promise<Detection> {
  const id = ctx.params[0]!;
  const { access } = await openInquiry(deps, ctx, images ? 'images.view' : 'detections.view', { id, images });
  return deps.rooms.detections.get(id, access, deps.rooms.audit, { images });
}

export function detectionRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, { method: 'get', path: '/v1/detections/:id', action: 'detections.view', handle: (ctx) => view(deps, ctx, false) });
  route(app, deps, { method: 'get', path: '/v1/detections/:id/crop', action: 'images.view', handle: async (ctx) => cropResponse(await view(deps, ctx, true)) });
  route(app, deps, { method: 'get', path: '/v1/detections/:id/image', action: 'images.view', handle: async (ctx) => imageResponse(await view(deps, ctx, true)) });
}
