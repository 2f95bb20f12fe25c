/**
 * Evidence holds over HTTP (POLICY R7; docs/api.md): list, place (by ids and/or a search,
 * under a case number and purpose), release. The detection store copies held detections out
 * of their partitions, checks the role for each step, and records every hold and release.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import type { AccessContext } from '../../core/audit/sink.js';
import { isPlateSafeError } from '../../core/errors.js';
import { requireInquiry } from '../../core/policy/inquiry.js';
import { parseInput } from '../../core/util/parse.js';
import { route, type RequestContext } from './api.js';
import { bodyObject, recordChange, type RouteDeps } from './deps.js';
import { givenInquiry, withoutInquiry } from './inquiry.js';

const HoldBody = z
  .object({
    note: z.string().trim().max(1000).optional(),
    ids: z.array(z.string().min(1).max(40)).max(10_000).optional(),
    search: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => (b.ids?.length ?? 0) > 0 || b.search !== undefined, 'a hold names detections by `ids` or by a `search`');

const ReleaseBody = z.object({ note: z.string().trim().max(1000).optional() }).strict();

/**
 * A hold names a case and a purpose like any inquiry (POLICY R2, R7); the store checks the
 * role and records the hold, so only a refusal is recorded here, under the store's name.
 */
async function holdInquiry(deps: RouteDeps, ctx: RequestContext, subject: unknown): Promise<AccessContext> {
  const given = givenInquiry(ctx);
  try {
    return { user: ctx.principal.user, role: ctx.principal.role, from: ctx.from, ...requireInquiry(deps.profile, given) };
  } catch (e) {
    await recordChange(deps, ctx, 'hold.place', subject, { outcome: isPlateSafeError(e) ? e.code : 'error', ...(given.case ? { case: given.case } : {}) });
    throw e;
  }
}

export function holdRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, { method: 'get', path: '/v1/holds', action: 'holds.view', handle: () => deps.rooms.detections.holds() });
  route(app, deps, {
    method: 'post',
    path: '/v1/holds',
    action: 'holds.place',
    status: 201,
    handle: async (ctx) => {
      const body = parseInput(HoldBody, withoutInquiry(bodyObject(ctx)), 'hold');
      const access = await holdInquiry(deps, ctx, body);
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
