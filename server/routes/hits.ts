/**
 * Stored hits over HTTP (docs/api.md): the stream after a sequence number, and one hit with
 * its lifecycle (POLICY R5: who acknowledged, verified, disposed, and when). Hits are stored
 * ALPR data, so each view is an inquiry with a case and purpose, recorded (POLICY R2).
 * Covert-list hits are left out for roles not cleared for them, as on the consoles.
 */
import type uWS from 'uWebSockets.js';
import { ErrNotFound } from '../../core/errors.js';
import type { Hit } from '../../core/hits/hit.js';
import { allows, type Principal } from '../../core/policy/authz.js';
import { hitFrame } from '../console/hub.js';
import { route } from './api.js';
import { queryInt, type RouteDeps } from './deps.js';
import { auditedInquiry } from './inquiry.js';

const MAX_LIMIT = 1000;

function visible(p: Principal, hit: Hit): boolean {
  return !hit.entry.covert || allows(p.role, 'covert.receive');
}

function hitView(hit: Hit): Record<string, unknown> {
  return { ...hitFrame(hit), life: hit.life, escalations: hit.escalations };
}

export function hitRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, {
    method: 'get',
    path: '/v1/hits',
    action: 'hits.view',
    handle: (ctx) => {
      const since = queryInt(ctx, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = queryInt(ctx, 'limit', 100, 1, MAX_LIMIT);
      return auditedInquiry(deps, ctx, 'hits.view', { since, limit }, () => {
        const items = deps.rooms.hits
          .since(since, limit)
          .filter((h) => visible(ctx.principal, h))
          .map(hitView);
        return { value: { items }, results: items.length };
      });
    },
  });
  route(app, deps, {
    method: 'get',
    path: '/v1/hits/:id',
    action: 'hits.view',
    handle: (ctx) => {
      const id = ctx.params[0]!;
      return auditedInquiry(deps, ctx, 'hits.view', { id }, () => {
        const hit = deps.rooms.hits.get(id);
        if (!hit || !visible(ctx.principal, hit)) throw new ErrNotFound(`no hit ${id}`, { id });
        return { value: hitView(hit), results: 1 };
      });
    },
  });
}
