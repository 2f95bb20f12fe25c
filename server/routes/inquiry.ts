/**
 * Inquiries over HTTP (POLICY R2): every access to stored data carries a case or incident
 * number and a permitted purpose (`case` and `purpose` in a POST body, query parameters of a
 * GET), checked by the access gate of `core/audit/access.ts` before any data is read. A
 * refusal is recorded with its code; an access is recorded with who, when, from where, case,
 * purpose, what was asked and how many results came back.
 */
import { beginAccess, type GrantedAccess } from '../../core/audit/access.js';
import type { AccessContext } from '../../core/audit/sink.js';
import type { Action } from '../../core/policy/authz.js';
import type { InquiryInput } from '../../core/policy/inquiry.js';
import type { RequestContext } from './api.js';
import type { RouteDeps } from './deps.js';

/** Case and purpose as the request gave them: from the JSON body, else the query string. */
export function givenInquiry(ctx: RequestContext): InquiryInput {
  const b = ctx.body as { case?: unknown; purpose?: unknown } | undefined;
  const pick = (name: 'case' | 'purpose'): string | undefined => {
    const v = b && typeof b === 'object' ? b[name] : undefined;
    return typeof v === 'string' ? v : (ctx.query.get(name) ?? undefined);
  };
  return { case: pick('case'), purpose: pick('purpose') };
}

/**
 * Passes the gate (refusals are recorded there) and returns the access context the stores
 * record with, and the grant for routes that record the access themselves.
 */
export async function openInquiry(deps: RouteDeps, ctx: RequestContext, action: Action, subject: unknown): Promise<{ access: AccessContext; grant: GrantedAccess }> {
  const grant = await beginAccess(deps.profile, deps.rooms.audit, { principal: ctx.principal, action, inquiry: givenInquiry(ctx), from: ctx.from, subject }, Date.now());
  return { access: { user: ctx.principal.user, role: ctx.principal.role, from: ctx.from, ...grant.inquiry }, grant };
}

/**
 * An inquiry the route answers itself (hits, hot-list entries): the gate first, then `work`
 * reads, then the access is recorded with its result count, or its failure with the code.
 */
export async function auditedInquiry<T>(
  deps: RouteDeps,
  ctx: RequestContext,
  action: Action,
  subject: unknown,
  work: (access: AccessContext) => { value: T; results: number } | Promise<{ value: T; results: number }>,
): Promise<T> {
  const { access, grant } = await openInquiry(deps, ctx, action, subject);
  let out: { value: T; results: number };
  try {
    out = await work(access);
  } catch (e) {
    await grant.failed(e);
    throw e;
  }
  await grant.done(out.results);
  return out.value;
}

/** The body without the inquiry fields, for the stores' strict query schemas. */
export function withoutInquiry(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body };
  delete rest.case;
  delete rest.purpose;
  return rest;
}
