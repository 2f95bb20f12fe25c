/**
 * The life of a hit (POLICY R5), pure: new → acknowledged → verified or rejected → disposed,
 * with who and when at each step. A hit is an alert, not grounds for action: it becomes
 * verified only when a person confirmed both that the plate is still on the list with the
 * source system and that the image matches visually (MP 462.4 g 1–2, EC 427.5 a, RV 426.5 d);
 * otherwise it is rejected. Every hit is closed with a disposition (EC 427.5, MP 462.4 g 3),
 * and a confirmed stolen-vehicle hit that became a call for service carries its number
 * (RV 426.6.1 d–e, 426.6.3). The server stores the states; this module only decides.
 */
import { ErrBadInput, ErrCfsRequired, ErrHitDisposition, ErrHitTransition } from '../errors.js';

export const HIT_STATES = ['new', 'acknowledged', 'verified', 'rejected', 'disposed'] as const;
export type HitStateName = (typeof HIT_STATES)[number];

/** Dispositions of PROTOCOL.md (`dispose.disp`). */
export const DISPOSITIONS = ['arrest', 'recovered', 'cfs_created', 'not_located', 'no_longer_wanted', 'misread', 'other'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/**
 * Which dispositions each state may close with. Enforcement outcomes need a verified hit
 * (an alert alone is never grounds for action, MP 462.4 g); a rejected hit closes as a
 * misread, no longer wanted, or other; an acknowledged hit whose vehicle was never found
 * closes as not located.
 */
const CLOSABLE: Readonly<Record<'acknowledged' | 'verified' | 'rejected', readonly Disposition[]>> = {
  acknowledged: ['not_located', 'no_longer_wanted'],
  verified: ['arrest', 'recovered', 'cfs_created', 'not_located', 'other'],
  rejected: ['misread', 'no_longer_wanted', 'other'],
};

export interface Step {
  readonly by: string;
  readonly at: number;
}

export interface HitState {
  readonly id: string;
  readonly state: HitStateName;
  /** The entry's reason is a stolen vehicle (or plate): a call-for-service number is kept. */
  readonly stolen: boolean;
  readonly created: number;
  readonly acknowledged?: Step;
  readonly verification?: Step & { readonly listConfirmed: boolean; readonly visualMatch: boolean; readonly note?: string };
  readonly disposition?: Step & { readonly disp: Disposition; readonly cfs?: string; readonly note?: string };
}

export type HitAction =
  | { readonly t: 'ack' }
  | { readonly t: 'verify'; readonly listConfirmed: boolean; readonly visualMatch: boolean; readonly note?: string }
  | { readonly t: 'dispose'; readonly disp: string; readonly cfs?: string; readonly note?: string };

export function newHit(id: string, stolen: boolean, created: number): HitState {
  return { id, state: 'new', stolen, created };
}

function refuse(h: HitState, action: string): never {
  throw new ErrHitTransition(`hit ${h.id} is ${h.state}; cannot ${action}`, { hit: h.id, state: h.state, action });
}

function cleanNote(note: string | undefined): { note?: string } {
  const n = note?.trim();
  if (n && n.length > 2000) throw new ErrBadInput('note is over 2000 characters', { field: 'note' });
  return n ? { note: n } : {};
}

/** Call-for-service numbers as CAD systems print them. */
const CFS = /^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,39}$/;

function dispose(h: HitState, a: Extract<HitAction, { t: 'dispose' }>, step: Step): HitState {
  if (h.state !== 'acknowledged' && h.state !== 'verified' && h.state !== 'rejected') refuse(h, 'dispose');
  if (!(DISPOSITIONS as readonly string[]).includes(a.disp)) {
    throw new ErrHitDisposition(`unknown disposition ${JSON.stringify(a.disp)}; one of ${DISPOSITIONS.join(', ')}`, { disp: a.disp });
  }
  const disp = a.disp as Disposition;
  if (!CLOSABLE[h.state].includes(disp)) {
    throw new ErrHitDisposition(`a ${h.state} hit cannot close as ${disp}; allowed: ${CLOSABLE[h.state].join(', ')}`, { disp, state: h.state });
  }
  const cfs = a.cfs?.trim();
  // RV 426.6.1 e, 426.6.3: a confirmed stolen vehicle becomes a call for service, number recorded.
  const needsCfs = disp === 'cfs_created' || (disp === 'recovered' && h.stolen);
  if (needsCfs && !cfs) throw new ErrCfsRequired(`disposition ${disp} needs the call-for-service number`, { disp });
  if (cfs && !CFS.test(cfs)) throw new ErrBadInput(`call-for-service number ${JSON.stringify(cfs)} is malformed`, { field: 'cfs' });
  return { ...h, state: 'disposed', disposition: { ...step, disp, ...(cfs ? { cfs } : {}), ...cleanNote(a.note) } };
}

/**
 * The next state of a hit after `actor` performs `action` at `now`; throws
 * PS_ERR_HIT_TRANSITION for a step out of order, PS_ERR_HIT_DISPOSITION and PS_ERR_CFS_REQUIRED
 * for a disposition that does not fit the hit.
 */
export function transition(h: HitState, action: HitAction, actor: string, now: number): HitState {
  const step: Step = { by: actor, at: now };
  switch (action.t) {
    case 'ack':
      if (h.state !== 'new') refuse(h, 'acknowledge');
      return { ...h, state: 'acknowledged', acknowledged: step };
    case 'verify': {
      if (h.state !== 'acknowledged') refuse(h, 'verify');
      if (typeof action.listConfirmed !== 'boolean' || typeof action.visualMatch !== 'boolean') {
        throw new ErrBadInput('verify needs listConfirmed and visualMatch as booleans', { field: 'listConfirmed' });
      }
      // POLICY R5: both confirmations, or the hit is rejected.
      const state = action.listConfirmed && action.visualMatch ? 'verified' : 'rejected';
      const verification = { ...step, listConfirmed: action.listConfirmed, visualMatch: action.visualMatch, ...cleanNote(action.note) };
      return { ...h, state, verification };
    }
    case 'dispose':
      return dispose(h, action, step);
    default:
      throw new ErrBadInput(`unknown hit action ${JSON.stringify((action as { t: unknown }).t)}`, { field: 't' });
  }
}

/** A rejected visual match is a misread, counted per camera and per list (POLICY R5). */
export function isMisread(h: HitState): boolean {
  return h.disposition?.disp === 'misread' || (h.verification !== undefined && !h.verification.visualMatch);
}
