/**
 * The case-number-and-purpose rule for every access to stored ALPR data (POLICY R2): checked
 * before any data is read. `both` (MP 462.6 c, EC 427.7 d, RV) needs a case or incident
 * number and a permitted purpose; `either` (SM, MO) needs at least one of them. A purpose,
 * when given, must always be one the profile permits; prohibited uses (MP 462.4.1) are
 * never in that list.
 */
import { ErrBadInput, ErrCaseRequired, ErrInquiryRequired, ErrPurposeNotPermitted, ErrPurposeRequired } from '../errors.js';
import type { Profile, Purpose } from './profile.js';

export interface InquiryInput {
  readonly case?: string | null;
  readonly purpose?: string | null;
}

export interface Inquiry {
  readonly case?: string;
  readonly purpose?: Purpose;
}

/** Case and incident numbers as departments write them: `24-001234`, `MP2024/0012`, `CFS 118`. */
const CASE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,39}$/;

function present(s: string | null | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** Validates a case number's shape; throws PS_ERR_BAD_INPUT naming it. */
export function checkCaseNumber(c: string): string {
  if (!CASE_NUMBER.test(c)) {
    throw new ErrBadInput(`case number ${JSON.stringify(c)}: letters, digits, space . / _ - (at most 40)`, { field: 'case' });
  }
  return c;
}

/**
 * Returns the normalised case and purpose, or throws PS_ERR_CASE_REQUIRED,
 * PS_ERR_PURPOSE_REQUIRED, PS_ERR_INQUIRY_REQUIRED or PS_ERR_PURPOSE_NOT_PERMITTED.
 */
export function requireInquiry(profile: Profile, access: InquiryInput): Inquiry {
  const caseNo = present(access.case);
  const purpose = present(access.purpose);
  if (profile.inquiry.requires === 'both') {
    if (!caseNo) throw new ErrCaseRequired(`profile ${profile.name} requires a case or incident number on every inquiry`);
    if (!purpose) throw new ErrPurposeRequired(`profile ${profile.name} requires a permitted purpose on every inquiry`);
  } else if (!caseNo && !purpose) {
    throw new ErrInquiryRequired(`profile ${profile.name} requires a case number or a permitted purpose on every inquiry`);
  }
  if (purpose !== undefined && !(profile.inquiry.purposes as readonly string[]).includes(purpose)) {
    throw new ErrPurposeNotPermitted(`purpose ${JSON.stringify(purpose)} is not permitted; permitted: ${profile.inquiry.purposes.join(', ')}`, {
      purpose,
    });
  }
  return {
    ...(caseNo ? { case: checkCaseNumber(caseNo) } : {}),
    ...(purpose ? { purpose: purpose as Purpose } : {}),
  };
}
