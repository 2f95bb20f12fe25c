/**
 * Evidence holds over HTTP (POLICY R7; docs/api.md): list, place (by ids and/or a search,
 * under a case number and purpose), release. The detection store copies held detections out
 * of their partitions, checks the role for each step, and records every hold and release.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { parseInput } from '../../core/util/parse.js';
import { route } from './api.js';
import { bodyObject, recordChange, type RouteDeps } from './deps.js';
import { openInquiry, withoutInquiry } from './inquiry.js';

const HoldBody = z
  .object({
    note: z.string().trim().max(1000).optional(),
    ids: z.array(z.string().min(1).max(40)).max(10_000).optional(),
    search: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => (b.ids?.length ?? 0) > 0 || b.search !== undefined, 'a hold names detections by `ids` or by a `search`');

const ReleaseBody = z.object({ note: z.string().trim().max(1000).optional() }).strict();

export function holdRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, { method: 'get', path: '/v1/holds', action: 'holds.view', handle: () => deps.rooms.detections.holds() });
  route(app, deps, {
    method: 'post',
    path: '/v1/holds',
    action: 'holds.place',
    status: 201,
    handle: async (ctx) => {
      const body = parseInput(HoldBody, withoutInquiry(bodyObject(ctx)), 'hold');
      const access = await openInquiry(deps, ctx, 'hold.place', body);
      const req = {
        case: access.case ?? '',
        ...(body.note ? { note: body.note } : {}),
        ...(body.ids ? { ids: body.ids } : {}),
        ...(body.search ? { query: withoutInquiry(body.search) as { pattern: string } } : {}),
      };
      return deps.rooms.detections.placeHold(req, access, deps.rooms.audit);
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/holds/:id/release',
    action: 'holds.release',
    handle: async (ctx) => {
      const { note } = parseInput(ReleaseBody, ctx.body, 'hold release');
      const hold = ctx.params[0]!;
      const access = { user: ctx.principal.user, role: ctx.principal.role, from: ctx.from };
      const info = await deps.rooms.detections.releaseHold(hold, access, deps.rooms.audit);
      // The store records the release; the custodian's reason is kept beside it.
      if (note) await recordChange(deps, ctx, 'hold.release.note', { hold, note }, { case: info.case });
      return info;
    },
  });
}
