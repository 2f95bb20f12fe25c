/**
 * Hot-list governance over HTTP (POLICY R4; docs/api.md): administrators designate lists and
 * import their feeds (CSV or JSON Lines, replacing the list atomically); the profile's
 * approver puts special lists live; entries are viewed only under a case and purpose.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { ErrConflict, ErrForbidden, ErrHotlistUnknown } from '../../core/errors.js';
import { LIST_KINDS, MAX_LIST_DISTANCE } from '../../core/hotlist/list.js';
import type { HotlistEntry } from '../../core/hotlist/entry.js';
import { allows, type Principal } from '../../core/policy/authz.js';
import { decideApproval } from '../../core/policy/hotplate-rules.js';
import { parseInput } from '../../core/util/parse.js';
import { formatOfContentType, importBody, listView } from '../hotlists/governance.js';
import { route, type RequestContext } from './api.js';
import { queryInt, recordChange, type RouteDeps } from './deps.js';
import { auditedInquiry } from './inquiry.js';

const Designation = z
  .object({
    kind: z.enum(LIST_KINDS).optional(),
    maxDistance: z.number().min(0).max(MAX_LIST_DISTANCE).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    covert: z.boolean().optional(),
    informational: z.boolean().optional(),
  })
  .strict();

const Decision = z.object({ approve: z.boolean().default(true), note: z.string().trim().max(1000).optional() }).strict();

const MAX_ENTRIES = 10_000;

/** Covert lists are seen by roles cleared for their hits, and by the administrators who designate them. */
function maySee(p: Principal, covert: boolean): boolean {
  return !covert || allows(p.role, 'covert.receive') || allows(p.role, 'hotlist.designate');
}

function exists(deps: RouteDeps, name: string): boolean {
  return deps.rooms.hotlists.lists().some((l) => l.settings.name === name);
}

async function designate(deps: RouteDeps, ctx: RequestContext) {
  const name = ctx.params[0]!;
  const patch = parseInput(Designation, ctx.body, 'list designation');
  const now = Date.now();
  const before = exists(deps, name) ? deps.rooms.hotlists.list(name).settings : undefined;
  const becomesSpecial = patch.kind === 'special' && before?.kind !== 'special';
  // Unapproved special content never goes live by changing the list's kind (POLICY R4).
  if (before?.kind === 'special' && before.status === 'pending' && patch.kind !== undefined && patch.kind !== 'special') {
    throw new ErrConflict(`list ${name} waits for approval; approve or reject it before changing its kind`, { list: name });
  }
  if (before) {
    await deps.rooms.hotlists.configureList(name, { ...patch, ...(becomesSpecial ? { status: 'pending' as const } : {}) });
  } else {
    // A new list starts empty; its kind decides whether it waits for approval (POLICY R4).
    await deps.rooms.hotlists.importRows([], { list: name, replace: true, settings: patch, now });
  }
  if (becomesSpecial) await deps.rooms.approvals.submit(deps.profile, name, ctx.principal.user, now);
  await recordChange(deps, ctx, 'hotlist.designate', { list: name, ...patch, created: before === undefined });
  return listView(deps, deps.rooms.hotlists.list(name), now);
}

async function importFeed(deps: RouteDeps, ctx: RequestContext) {
  const list = ctx.params[0]!;
  const replace = ctx.query.get('replace') === '1' || ctx.query.get('replace') === 'true';
  const report = await importBody(deps, ctx.body as Buffer, formatOfContentType(ctx.contentType), { list, replace, by: ctx.principal.user, now: Date.now() });
  const { rejected, ...counts } = report;
  await recordChange(deps, ctx, 'hotlist.import', { ...counts, replace, rejectedFirst: rejected.slice(0, 10) }, { results: report.imported });
  return report;
}

async function approve(deps: RouteDeps, ctx: RequestContext) {
  const list = ctx.params[0]!;
  const { approve: yes, note } = parseInput(Decision, ctx.body, 'approval');
  deps.rooms.hotlists.list(list);
  const pending = deps.rooms.approvals.get(list);
  if (!pending) throw new ErrConflict(`list ${list} has nothing waiting for approval`, { list });
  const now = Date.now();
  const decided = decideApproval(deps.profile, pending, ctx.principal, yes, now, note);
  await deps.rooms.approvals.decide(list, pending, decided);
  if (decided.status === 'approved') await deps.rooms.hotlists.configureList(list, { status: 'live' });
  const step = { step: (pending.steps?.length ?? 0) + 1, of: deps.profile.hotlists.specialApprovers.length };
  await recordChange(deps, ctx, 'hotlist.approve', { list, status: decided.status, ...step, submittedBy: pending.submittedBy, ...(note?.trim() ? { note: note.trim() } : {}) });
  return listView(deps, deps.rooms.hotlists.list(list), now);
}

function entries(deps: RouteDeps, ctx: RequestContext) {
  const list = ctx.params[0]!;
  const limit = queryInt(ctx, 'limit', 100, 1, MAX_ENTRIES);
  return auditedInquiry(deps, ctx, 'hotlist.view', { list, limit }, () => {
    if (!exists(deps, list)) throw new ErrHotlistUnknown(`no hot list ${JSON.stringify(list)}`, { list });
    const info = deps.rooms.hotlists.list(list);
    if (!maySee(ctx.principal, info.settings.covert)) throw new ErrForbidden(`role ${ctx.principal.role} may not view covert list ${list}`);
    const items: HotlistEntry[] = [];
    for (let n = 0; n < info.count && items.length < limit; n++) {
      const e = deps.rooms.hotlists.entry(`${list}:${info.gen}:${n}`);
      if (e) items.push(e);
    }
    return { value: { list, generation: info.gen, count: info.count, items }, results: items.length };
  });
}

export function hotlistRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, {
    method: 'get',
    path: '/v1/hotlists',
    action: ['hotlist.designate', 'cameras.view'],
    handle: (ctx) => {
      const now = Date.now();
      return deps.rooms.hotlists
        .lists()
        .filter((l) => maySee(ctx.principal, l.settings.covert))
        .map((l) => listView(deps, l, now));
    },
  });
  route(app, deps, { method: 'get', path: '/v1/hotlists/:list/entries', action: 'hotlist.view', handle: (ctx) => entries(deps, ctx) });
  route(app, deps, { method: 'put', path: '/v1/hotlists/:list', action: 'hotlist.designate', handle: (ctx) => designate(deps, ctx) });
  route(app, deps, {
    method: 'post',
    path: '/v1/hotlists/:list/import',
    action: 'hotlist.import',
    body: 'raw',
    maxBodyBytes: deps.config.hotlistImports.maxBodyBytes,
    handle: (ctx) => importFeed(deps, ctx),
  });
  route(app, deps, { method: 'post', path: '/v1/hotlists/:list/approve', action: 'hotlist.approve', handle: (ctx) => approve(deps, ctx) });
}
