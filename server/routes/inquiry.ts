/**
 * Inquiries over HTTP (POLICY R2): every access to stored data carries a case or incident
 * number and a permitted purpose (`case` and `purpose` in a POST body, query parameters of a
 * GET), checked with the profile's rule before any data is read. A refusal is recorded with
 * its code; an access is recorded with who, when, from where, case, purpose, what was asked
 * and how many results came back.
 */
import type { AccessContext, AuditEvent } from '../../core/audit/sink.js';
import { isPlateSafeError } from '../../core/errors.js';
import { requireInquiry, type Inquiry } from '../../core/policy/inquiry.js';
import type { RequestContext } from './api.js';
import type { RouteDeps } from './deps.js';

/** Case and purpose as the request gave them: from the JSON body, else the query string. */
function given(ctx: RequestContext): { case?: string; purpose?: string } {
  const b = ctx.body as { case?: unknown; purpose?: unknown } | undefined;
  const pick = (name: 'case' | 'purpose'): string | undefined => {
    const v = b && typeof b === 'object' ? b[name] : undefined;
    if (typeof v === 'string') return v;
    return ctx.query.get(name) ?? undefined;
  };
  const c = pick('case');
  const p = pick('purpose');
  return { ...(c !== undefined ? { case: c } : {}), ...(p !== undefined ? { purpose: p } : {}) };
}

function base(ctx: RequestContext, action: string, subject: unknown, inquiry: { case?: string; purpose?: string }): Omit<AuditEvent, 'outcome'> {
  return {
    action,
    actor: ctx.principal.user,
    role: ctx.principal.role,
    from: ctx.from,
    ...(inquiry.case !== undefined ? { case: inquiry.case } : {}),
    ...(inquiry.purpose !== undefined ? { purpose: inquiry.purpose } : {}),
    subject,
  };
}

function accessOf(ctx: RequestContext, inquiry: Inquiry): AccessContext {
  return { user: ctx.principal.user, role: ctx.principal.role, from: ctx.from, ...inquiry };
}

/**
 * Checks the request's case and purpose against the profile before anything is read; a
 * refusal is recorded and rethrown. Returns the access context the stores record with.
 */
export async function openInquiry(deps: RouteDeps, ctx: RequestContext, action: string, subject: unknown): Promise<AccessContext> {
  const raw = given(ctx);
  try {
    return accessOf(ctx, requireInquiry(deps.profile, raw));
  } catch (e) {
    await deps.rooms.audit.record({ ...base(ctx, action, subject, raw), outcome: isPlateSafeError(e) ? e.code : 'PS_ERR_INTERNAL' });
    throw e;
  }
}

/**
 * An inquiry the route answers itself (hits, hot-list entries): checked first, then `work`
 * reads, then the access is recorded with its result count; failures are recorded with
 * their code.
 */
export async function auditedInquiry<T>(
  deps: RouteDeps,
  ctx: RequestContext,
  action: string,
  subject: unknown,
  work: (access: AccessContext) => { value: T; results: number } | Promise<{ value: T; results: number }>,
): Promise<T> {
  const access = await openInquiry(deps, ctx, action, subject);
  const event = base(ctx, action, subject, access);
  let out: { value: T; results: number };
  try {
    out = await work(access);
  } catch (e) {
    await deps.rooms.audit.record({ ...event, outcome: isPlateSafeError(e) ? e.code : 'PS_ERR_INTERNAL' });
    throw e;
  }
  await deps.rooms.audit.record({ ...event, results: out.results, outcome: 'ok' });
  return out.value;
}

/** The body without the inquiry fields, for the stores' strict query schemas. */
export function withoutInquiry(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body };
  delete rest.case;
  delete rest.purpose;
  return rest;
}
