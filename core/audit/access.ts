/**
 * The gate every access to stored data passes (POLICY R1, R2), in one call for the server:
 * role, training, then case number and purpose, all checked before any data is read; a
 * refusal is recorded with its code and rethrown; a granted access is recorded once done
 * with what was asked and how many results it returned (Civil Code § 1798.90.52: name,
 * date and time; MP 462.6 c).
 */
import { ErrInternal, isPlateSafeError } from '../errors.js';
import { AUTHZ, checkAccess, type Action, type Principal } from '../policy/authz.js';
import { requireInquiry, type Inquiry, type InquiryInput } from '../policy/inquiry.js';
import type { Profile } from '../policy/profile.js';
import type { AuditSink } from './sink.js';

export interface AccessRequest {
  readonly principal: Principal;
  readonly action: Action;
  /** Case number and purpose as the client gave them. */
  readonly inquiry?: InquiryInput;
  /** Client address, or `cli`. */
  readonly from?: string;
  /** What was asked: the query, the ids viewed, the export's scope. */
  readonly subject?: unknown;
}

export interface GrantedAccess {
  readonly inquiry: Inquiry;
  /** Records the access with its result count; resolves with the audit sequence number. */
  done(results: number): Promise<number>;
  /** Records that the access failed after it was granted (storage error, not found…). */
  failed(error: unknown): Promise<number>;
}

/**
 * Checks the request and returns a handle to record its outcome; throws (after recording the
 * refusal) PS_ERR_FORBIDDEN, PS_ERR_TRAINING_REQUIRED, or an inquiry code of `requireInquiry`.
 */
export async function beginAccess(profile: Profile, audit: AuditSink, req: AccessRequest, now: number): Promise<GrantedAccess> {
  const base = {
    action: req.action,
    actor: req.principal.user,
    role: req.principal.role,
    ...(req.from ? { from: req.from } : {}),
    ...(req.subject === undefined ? {} : { subject: req.subject }),
  };
  let inquiry: Inquiry = {};
  try {
    checkAccess(req.principal, req.action, now);
    if (AUTHZ[req.action].inquiry) inquiry = requireInquiry(profile, req.inquiry ?? {});
  } catch (e) {
    const given = req.inquiry ?? {};
    await audit.record({
      ...base,
      ...(given.case?.trim() ? { case: given.case.trim() } : {}),
      ...(given.purpose?.trim() ? { purpose: given.purpose.trim() } : {}),
      outcome: isPlateSafeError(e) ? e.code : 'error',
    });
    throw e;
  }
  const event = { ...base, ...inquiry };
  let recorded = false;
  const once = async (outcome: string, results?: number): Promise<number> => {
    if (recorded) throw new ErrInternal(`access ${req.action} by ${req.principal.user} already recorded`);
    recorded = true;
    return audit.record({ ...event, outcome, ...(results === undefined ? {} : { results }) });
  };
  return {
    inquiry,
    done: (results) => once('ok', results),
    failed: (error) => once(isPlateSafeError(error) ? error.code : 'error'),
  };
}
