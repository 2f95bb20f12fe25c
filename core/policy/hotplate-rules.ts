/**
 * Hot-list governance rules (POLICY R4), pure: what a manually entered hot plate must carry
 * and how long it may live, who may put a special list live, and when a general list is stale.
 * The hot-list room stores lists and entries; it asks these functions before it does.
 */
import { ErrApproverRole, ErrBadInput, ErrConflict, ErrHotplateExpiry, ErrHotplateIncomplete, ErrSelfApproval } from '../errors.js';
import { jurisdictionCode } from '../plates/jurisdictions.js';
import { normalizePlate } from '../plates/normalize.js';
import { HOUR_MS, DAY_MS } from '../util/time.js';
import { authorize, type Principal } from './authz.js';
import { checkCaseNumber } from './inquiry.js';
import type { Profile } from './profile.js';
import type { Role } from './roles.js';

export interface ManualHotPlateInput {
  /** Full plate, or a partial one with `?`, `*`, `[…]` wildcards (MP 462.4 c). */
  readonly plate: string;
  readonly st?: string;
  /** Entering member's name, contact phone, case number, synopsis (RV 426.6.5, EC 427.5.1 b). */
  readonly memberName?: string;
  readonly phone?: string;
  readonly case?: string;
  readonly synopsis?: string;
  /** The plate is also entered in the NCIC files (SVS, SLR, SFR, MUPS…): shorter cap. */
  readonly alsoInNcic?: boolean;
  /** Requested expiry (ms); defaults to the profile's cap. */
  readonly expires?: number;
}

export interface ManualHotPlate {
  readonly plate: string;
  readonly partial: boolean;
  readonly st?: string;
  readonly memberName: string;
  readonly phone: string;
  readonly case: string;
  readonly synopsis: string;
  readonly alsoInNcic: boolean;
  readonly enteredBy: string;
  readonly entered: number;
  readonly expires: number;
}

const WILDCARD = /[?*[\]]/;
const PARTIAL = /^[A-Z0-9?*[\]]{1,16}$/;

function required(input: ManualHotPlateInput): { memberName: string; phone: string; case: string; synopsis: string } {
  const fields = {
    memberName: input.memberName?.trim() ?? '',
    phone: input.phone?.trim() ?? '',
    case: input.case?.trim() ?? '',
    synopsis: input.synopsis?.trim() ?? '',
  };
  const missing = Object.entries(fields)
    .filter(([, v]) => v.length === 0)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new ErrHotplateIncomplete(`manual hot plate is missing: ${missing.join(', ')}`, { missing });
  }
  // A reachable phone number: at least 7 digits, in any punctuation.
  if ((fields.phone.match(/\d/g) ?? []).length < 7 || !/^[\d\s()+.x-]+$/i.test(fields.phone)) {
    throw new ErrBadInput(`contact phone ${JSON.stringify(fields.phone)} is not a phone number`, { field: 'phone' });
  }
  if (fields.synopsis.length > 500) throw new ErrBadInput('synopsis is over 500 characters', { field: 'synopsis' });
  checkCaseNumber(fields.case);
  return fields;
}

function plateOf(text: string): { plate: string; partial: boolean } {
  const t = text.trim().toUpperCase().replace(/[\s-]/g, '');
  if (!WILDCARD.test(t)) return { plate: normalizePlate(t), partial: false };
  if (!PARTIAL.test(t)) throw new ErrBadInput(`partial plate ${JSON.stringify(text)} has characters no pattern uses`, { field: 'plate' });
  return { plate: t, partial: true };
}

/** Latest expiry the profile allows for an entry made at `entered` (RV 426.6.5). */
export function expiryCap(profile: Profile, alsoInNcic: boolean, entered: number): number {
  const days = entered + profile.hotlists.manualMaxDays * DAY_MS;
  return alsoInNcic ? Math.min(days, entered + profile.hotlists.manualNcicMaxHours * HOUR_MS) : days;
}

/**
 * Validates a manual hot plate and fixes its expiry: refused without the member's name,
 * phone, case number and synopsis (POLICY R4), or with an expiry past the profile's cap.
 */
export function validateManualHotPlate(profile: Profile, input: ManualHotPlateInput, enteredBy: string, now: number): ManualHotPlate {
  const fields = required(input);
  const { plate, partial } = plateOf(input.plate ?? '');
  const alsoInNcic = input.alsoInNcic === true;
  const cap = expiryCap(profile, alsoInNcic, now);
  const expires = input.expires ?? cap;
  if (expires <= now) throw new ErrHotplateExpiry('hot-plate expiry is not in the future', { expires });
  if (expires > cap) {
    throw new ErrHotplateExpiry(
      `profile ${profile.name} caps manual hot plates at ${alsoInNcic ? `${profile.hotlists.manualNcicMaxHours} h when also in NCIC` : `${profile.hotlists.manualMaxDays} days`}`,
      { expires, cap },
    );
  }
  return {
    plate,
    partial,
    ...(input.st ? { st: jurisdictionCode(input.st) } : {}),
    ...fields,
    alsoInNcic,
    enteredBy,
    entered: now,
    expires,
  };
}

export function isExpired(entry: Pick<ManualHotPlate, 'expires'>, now: number): boolean {
  return entry.expires <= now;
}

// ── special lists: pending until the profile's approver puts them live (POLICY R4) ─────────

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** One approval given on the way to a list going live. */
export interface ApprovalStep {
  readonly by: string;
  readonly role: Role;
  readonly at: number;
  readonly note?: string;
}

export interface Approval {
  readonly status: ApprovalStatus;
  readonly submittedBy: string;
  readonly submittedAt: number;
  /** Approvals given so far, in the order of the profile's `hotlists.specialApprovers`. */
  readonly steps?: readonly ApprovalStep[];
  /** Who made the final decision: the last approval, or a rejection at any step. */
  readonly decidedBy?: string;
  readonly decidedAt?: number;
  readonly note?: string;
  /** While pending: the role whose approval the list waits for. */
  readonly next?: Role;
}

export function submitForApproval(profile: Profile, submittedBy: string, now: number): Approval {
  return { status: 'pending', submittedBy, submittedAt: now, steps: [], next: profile.hotlists.specialApprovers[0]! };
}

/**
 * Approves or rejects a pending special list. The profile's `hotlists.specialApprovers`
 * decide in their order, each role a step (MP 462.4 g 5: the ALPR administrator, then a
 * supervisor; EC 427.5.1 a, RV 426.6.4 b: one approver); nobody approves a list they entered,
 * nor two steps of the same list.
 */
export function decideApproval(profile: Profile, a: Approval, approver: Principal, approve: boolean, now: number, note?: string): Approval {
  authorize(approver.role, 'hotlist.approve');
  if (a.status !== 'pending') throw new ErrConflict(`the list is already ${a.status}`, { status: a.status });
  const chain = profile.hotlists.specialApprovers;
  const steps = a.steps ?? [];
  const role = chain[steps.length]!;
  if (approver.role !== role) {
    throw new ErrApproverRole(`profile ${profile.name}: special lists are approved by the ${chain.join(', then the ')}; this one waits for the ${role}`, {
      approver: role,
      step: steps.length + 1,
      of: chain.length,
    });
  }
  if (approver.user === a.submittedBy) throw new ErrSelfApproval(`${approver.user} entered this list and may not approve it`);
  if (steps.some((s) => s.by === approver.user)) throw new ErrSelfApproval(`${approver.user} already approved this list at an earlier step`);
  const n = note?.trim();
  const said = n ? { note: n } : {};
  const base = { submittedBy: a.submittedBy, submittedAt: a.submittedAt };
  if (!approve) return { ...base, status: 'rejected', steps, decidedBy: approver.user, decidedAt: now, ...said };
  const done = [...steps, { by: approver.user, role, at: now, ...said }];
  if (done.length < chain.length) return { ...base, status: 'pending', steps: done, next: chain[done.length]! };
  return { ...base, status: 'approved', steps: done, decidedBy: approver.user, decidedAt: now, ...said };
}

/** Only an approved special list is matched against reads. */
export function isLive(a: Approval): boolean {
  return a.status === 'approved';
}

// ── freshness of general lists (MP 462.4 g 4, EC 427.5.1 a, RV 426.6.4 a) ─────────────────

export interface Freshness {
  readonly state: 'fresh' | 'stale';
  /** Age of the last import (ms), absent when the list was never imported. */
  readonly age?: number;
  /** Oldest a list may be under the profile: a day divided by the minimum downloads per day. */
  readonly maxAge: number;
}

export function listFreshness(profile: Profile, lastImport: number | undefined, now: number): Freshness {
  const maxAge = DAY_MS / profile.hotlists.minDownloadsPerDay;
  if (lastImport === undefined) return { state: 'stale', maxAge };
  const age = Math.max(0, now - lastImport);
  return { state: age > maxAge ? 'stale' : 'fresh', age, maxAge };
}
