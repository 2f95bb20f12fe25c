/**
 * The audit trail over HTTP (POLICY R2, R3; docs/api.md): records by time and action, the
 * chain check that names the first broken record, random samples of browsing inquiries and
 * the supervisor's review of each pick. Reading the trail is itself recorded.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { drawSample, recordReview } from '../../core/audit/sampling.js';
import { ErrBadInput } from '../../core/errors.js';
import { parseInput } from '../../core/util/parse.js';
import { route, type RequestContext } from './api.js';
import { queryInt, recordChange, type RouteDeps } from './deps.js';

const Sample = z.object({ months: z.number().int().min(1).max(120), count: z.number().int().min(1).max(1000), seed: z.string().min(1).max(128).optional() }).strict();
const Review = z.object({ seq: z.number().int().positive(), outcome: z.string(), note: z.string().max(2000).optional() }).strict();

function time(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new ErrBadInput(`query parameter ${name} must be ms since the epoch or an ISO date`, { field: name });
  return ms;
}

export function auditRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  const log = deps.rooms.audit;
  route(app, deps, {
    method: 'get',
    path: '/v1/audit',
    action: 'audit.read',
    handle: async (ctx) => {
      const action = ctx.query.get('action');
      const q = {
        from: time(ctx, 'from'),
        to: time(ctx, 'to'),
        ...(action ? { actions: action.split(',') } : {}),
        limit: queryInt(ctx, 'limit', 100, 1, 10_000),
      };
      const records = log.query(q);
      await recordChange(deps, ctx, 'audit.read', q, { results: records.length });
      return records;
    },
  });
  route(app, deps, {
    method: 'get',
    path: '/v1/audit/verify',
    action: 'audit.verify',
    handle: async (ctx) => {
      const v = log.verify();
      await recordChange(deps, ctx, 'audit.verify', { ok: v.ok });
      return v.ok ? { ok: true, checked: v.count } : { ok: false, checked: v.count, firstBroken: v.brokenAt, reason: v.reason, message: v.message };
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/audit/samples',
    action: 'audit.sample',
    status: 201,
    handle: (ctx) => drawSample(log, ctx.principal, parseInput(Sample, ctx.body, 'audit sample'), Date.now()),
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/audit/samples/:id/reviews',
    action: 'audit.review',
    status: 201,
    handle: async (ctx) => {
      const sample = Number(ctx.params[0]);
      if (!Number.isSafeInteger(sample) || sample < 1) throw new ErrBadInput('sample id is a positive whole number', { field: 'id' });
      const r = parseInput(Review, ctx.body, 'review');
      const seq = await recordReview(log, ctx.principal, { sample, inquiry: r.seq, outcome: r.outcome, ...(r.note ? { note: r.note } : {}) });
      return { review: seq, sample, inquiry: r.seq, outcome: r.outcome };
    },
  });
}
