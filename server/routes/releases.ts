/**
 * Releases over HTTP (POLICY R8; docs/api.md): the agency registry, written release requests
 * (denied at once, naming the rule, when the profile forbids them), the designated
 * approver's decision, and fulfilment of exactly the approved scope. The release room checks
 * roles and rules again and records every step.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import type { AgencyInput, ReleaseRequestInput } from '../../core/releases/rules.js';
import type { ReleaseStatus } from '../../core/releases/registry.js';
import { ErrBadInput } from '../../core/errors.js';
import { parseInput } from '../../core/util/parse.js';
import { DetectionExporter } from '../releases/exporter.js';
import { route } from './api.js';
import { bodyObject, type RouteDeps } from './deps.js';

const Decision = z.object({ approve: z.boolean(), note: z.string().max(2000).optional() }).strict();
const STATUSES: readonly string[] = ['pending', 'denied', 'approved', 'fulfilled'];

export function releaseRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  const releases = deps.rooms.releases;
  route(app, deps, { method: 'get', path: '/v1/agencies', action: 'agencies.manage', handle: () => releases.listAgencies() });
  route(app, deps, {
    method: 'post',
    path: '/v1/agencies',
    action: 'agencies.manage',
    status: 201,
    handle: (ctx) => releases.saveAgency(ctx.principal, bodyObject(ctx) as AgencyInput),
  });
  route(app, deps, {
    method: 'get',
    path: '/v1/releases',
    action: 'releases.view',
    handle: (ctx) => {
      const status = ctx.query.get('status');
      if (status && !STATUSES.includes(status)) throw new ErrBadInput(`status must be one of ${STATUSES.join(', ')}`, { field: 'status' });
      return releases.list(status ? (status as ReleaseStatus) : undefined);
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/releases',
    action: 'releases.request',
    status: 201,
    handle: (ctx) => releases.request(ctx.principal, bodyObject(ctx) as ReleaseRequestInput),
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/releases/:id/decision',
    action: 'releases.decide',
    handle: (ctx) => {
      const d = parseInput(Decision, ctx.body, 'decision');
      return releases.decide(ctx.principal, ctx.params[0]!, d.approve, d.note);
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/releases/:id/fulfil',
    action: 'releases.fulfil',
    handle: async (ctx) => {
      const exporter = new DetectionExporter(deps.rooms.detections, deps.rooms.audit, deps.dataDir, ctx.from);
      const request = await releases.fulfil(ctx.principal, ctx.params[0]!, exporter);
      return { request, items: exporter.exported };
    },
  });
}
