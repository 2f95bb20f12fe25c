/**
 * The gate every browsing inquiry passes (POLICY R2): a case number and a permitted purpose,
 * as the active profile's `inquiry.requires` says, checked before any data is read; and the
 * access record (who, when, from where, case, purpose, what was asked, how many results)
 * written through the audit sink, refusals included.
 */
import type { AccessContext, AuditSink } from '../audit/sink.js';
import { ErrForbidden, ErrInquiryIncomplete, ErrPurposeNotPermitted, isPlateSafeError } from '../errors.js';
import { allows } from '../policy/authz.js';
import type { Profile } from '../policy/profile.js';

const present = (s: string | undefined): boolean => s !== undefined && s.trim().length > 0;

/** Throws the stable refusal for an inquiry the profile does not allow. */
export function checkInquiry(profile: Profile, access: AccessContext): void {
  if (!present(access.user)) throw new ErrInquiryIncomplete('an inquiry needs the requesting user');
  const hasCase = present(access.case);
  const hasPurpose = present(access.purpose);
  // MP 462.6 c, EC 427.7 d: case number and reason; SM and MO accept either.
  const ok = profile.inquiry.requires === 'both' ? hasCase && hasPurpose : hasCase || hasPurpose;
  if (!ok) {
    throw new ErrInquiryIncomplete(
      profile.inquiry.requires === 'both' ? 'a case number and a purpose are both required' : 'a case number or a purpose is required',
      { requires: profile.inquiry.requires },
    );
  }
  if (hasPurpose && !(profile.inquiry.purposes as readonly string[]).includes(access.purpose!)) {
    throw new ErrPurposeNotPermitted(`purpose ${JSON.stringify(access.purpose)} is not permitted`, {
      permitted: profile.inquiry.purposes,
    });
  }
}

/**
 * Holds follow the authorization table (POLICY R7, R1 roles): investigators and records
 * custodians place them, only a records custodian releases one.
 */
export function checkHoldRole(access: AccessContext, action: 'holds.place' | 'holds.release'): void {
  if (!allows(access.role ?? '', action)) throw new ErrForbidden(`role ${access.role ?? 'none'} may not perform ${action}`, { action });
}

/**
 * Runs `work` as an audited access: the gate first, then the work, then the record. A
 * refusal or failure is recorded with its code before it is rethrown.
 */
export async function audited<T>(
  audit: AuditSink,
  access: AccessContext,
  action: string,
  subject: unknown,
  gate: () => void,
  work: () => Promise<{ value: T; results: number }>,
): Promise<T> {
  const base = {
    action,
    actor: access.user,
    ...(access.role !== undefined ? { role: access.role } : {}),
    ...(access.case !== undefined ? { case: access.case } : {}),
    ...(access.purpose !== undefined ? { purpose: access.purpose } : {}),
    ...(access.from !== undefined ? { from: access.from } : {}),
    subject,
  };
  let out: { value: T; results: number };
  try {
    gate();
    out = await work();
  } catch (e) {
    await audit.record({ ...base, outcome: isPlateSafeError(e) ? e.code : 'PS_ERR_INTERNAL' });
    throw e;
  }
  await audit.record({ ...base, results: out.results, outcome: 'ok' });
  return out.value;
}
