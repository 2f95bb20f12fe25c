/**
 * The one authorization table: which role may perform which action (POLICY R1, "a role
 * grants only what its work needs"). Every HTTP endpoint and WebSocket message names one
 * action; the server calls `authorize` (or `checkAccess` for a signed-in person) before it
 * does anything else. Actions that touch stored ALPR data also need current training
 * (MP 462.4 d, SM/MO d, RV 426.6.1 c) and, for inquiries, a case number and purpose
 * (`inquiry.ts`, POLICY R2).
 */
import { ErrForbidden, ErrTrainingRequired } from '../errors.js';
import { ROLES, type Role } from './roles.js';

interface ActionRule {
  /** Roles that may perform the action. */
  readonly roles: readonly Role[];
  /** Touches stored ALPR data or live hits: needs current training (POLICY R1). */
  readonly data: boolean;
  /** An inquiry into stored data: needs a case number and purpose, and is audited (POLICY R2). */
  readonly inquiry: boolean;
  /** A browsing inquiry, eligible for the random audit (POLICY R3, EC 427.8). */
  readonly browsing: boolean;
}

const HIT_HANDLERS: readonly Role[] = ['operator', 'dispatcher', 'supervisor'];
const INVESTIGATORS: readonly Role[] = ['investigator', 'supervisor'];

function rule(roles: readonly Role[], kind: 'plain' | 'data' | 'inquiry' | 'browsing' = 'plain'): ActionRule {
  return {
    roles,
    data: kind !== 'plain',
    inquiry: kind === 'inquiry' || kind === 'browsing',
    browsing: kind === 'browsing',
  };
}

/** Role × action. Adding an endpoint means adding its action here and to the table test. */
export const AUTHZ = {
  // camera channel, POST /v1/reads, OpenALPR compatibility
  'reads.write': rule(['camera']),
  // console channel (PROTOCOL.md): sub, ack, verify, dispose
  'hits.receive': rule(HIT_HANDLERS, 'data'),
  'hits.ack': rule(HIT_HANDLERS, 'data'),
  'hits.verify': rule(HIT_HANDLERS, 'data'),
  'hits.dispose': rule(HIT_HANDLERS, 'data'),
  /** Hits on covert lists go only to investigators and supervisors. */
  'covert.receive': rule(INVESTIGATORS, 'data'),
  // stored data: every access carries a case number and purpose (POLICY R2)
  'hits.view': rule(['dispatcher', 'investigator', 'supervisor'], 'inquiry'),
  'hotlist.view': rule(['operator', 'dispatcher', 'investigator', 'supervisor', 'administrator'], 'inquiry'),
  'detections.search': rule(INVESTIGATORS, 'browsing'),
  'detections.view': rule(INVESTIGATORS, 'browsing'),
  'images.view': rule(INVESTIGATORS, 'browsing'),
  export: rule(INVESTIGATORS, 'browsing'),
  // hot-list governance (POLICY R4)
  'hotlist.designate': rule(['administrator']),
  'hotlist.import': rule(['administrator']),
  'hotplate.enter': rule(['operator', 'dispatcher', 'investigator', 'supervisor'], 'data'),
  /** Held by the approver roles a profile may name (`hotlists.specialApprover`). */
  'hotlist.approve': rule(['supervisor', 'administrator'], 'data'),
  // evidence holds (POLICY R7): placed by investigators and custodians, released by custodians
  'holds.view': rule(['investigator', 'supervisor', 'records_custodian'], 'data'),
  'holds.place': rule(['investigator', 'records_custodian'], 'data'),
  'holds.release': rule(['records_custodian'], 'data'),
  // releases (POLICY R8)
  'agencies.manage': rule(['administrator', 'records_custodian']),
  'releases.view': rule(['records_custodian', 'administrator']),
  'releases.request': rule(['records_custodian']),
  /** Held by the approver roles a profile may name (`release.approver`). */
  'releases.decide': rule(['records_custodian', 'administrator']),
  'releases.fulfil': rule(['records_custodian'], 'data'),
  // administration
  'users.manage': rule(['administrator']),
  'cameras.manage': rule(['administrator']),
  'cameras.view': rule(['dispatcher', 'supervisor', 'administrator']),
  // audit trail (POLICY R2, R3): the auditor only reads it
  'audit.read': rule(['auditor', 'supervisor']),
  'audit.verify': rule(['auditor', 'administrator']),
  'audit.sample': rule(['supervisor']),
  'audit.review': rule(['supervisor']),
  'audit.purge': rule(['administrator']),
  // transparency (POLICY R9)
  'reports.read': rule(['supervisor', 'administrator', 'auditor']),
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof AUTHZ;
export const ACTIONS = Object.keys(AUTHZ) as readonly Action[];

/** Browsing inquiries, the population of the random audit (POLICY R3). */
export const BROWSING_ACTIONS: readonly Action[] = ACTIONS.filter((a) => AUTHZ[a].browsing);
/** Accesses to stored data that need a case number and purpose (POLICY R2). */
export const INQUIRY_ACTIONS: readonly Action[] = ACTIONS.filter((a) => AUTHZ[a].inquiry);

export function isAction(s: string): s is Action {
  return Object.hasOwn(AUTHZ, s);
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function allows(role: string, action: string): boolean {
  if (!isAction(action) || !isRole(role)) return false;
  return (AUTHZ[action].roles as readonly Role[]).includes(role);
}

/** Throws PS_ERR_FORBIDDEN unless the role may perform the action. */
export function authorize(role: string, action: string): void {
  if (!allows(role, action)) {
    throw new ErrForbidden(`role ${role} may not perform ${action}`, { role, action });
  }
}

/** What the access check needs to know of a signed-in person or device. */
export interface Principal {
  readonly user: string;
  readonly role: Role;
  /** When the user's department-approved training lapses (ms), or undefined if none recorded. */
  readonly trainingExpires?: number;
}

export function trainingCurrent(p: Principal, now: number): boolean {
  return p.role === 'camera' || (p.trainingExpires !== undefined && p.trainingExpires > now);
}

/**
 * Role check plus the training rule: a person whose training is missing or lapsed may sign in
 * (to manage accounts, read reports) but not touch ALPR data (POLICY R1, MP 462.4 d).
 */
export function checkAccess(p: Principal, action: string, now: number): void {
  authorize(p.role, action);
  if (AUTHZ[action as Action].data && !trainingCurrent(p, now)) {
    throw new ErrTrainingRequired(`${p.user}: training missing or lapsed; ${action} needs current training`, {
      user: p.user,
      action,
    });
  }
}
