/**
 * The case-and-purpose rule as the investigation page applies it before it lets a search
 * start (POLICY R2, MP 462.6 c, EC 427.7 d): `both` needs a case number and a permitted
 * purpose; `either` (SM, MO) needs at least one. The server applies the same rule again.
 */

export interface Inquiry {
  readonly case: string;
  readonly purpose: string;
}

export function inquiryComplete(requires: string, inq: Inquiry): boolean {
  const hasCase = inq.case.trim() !== '';
  const hasPurpose = inq.purpose.trim() !== '';
  return requires === 'either' ? hasCase || hasPurpose : hasCase && hasPurpose;
}
