/**
 * Release rules (POLICY R8), pure: the agency registry's record, the written request
 * (agency, requesting person, intended purpose, case, scope), and the profile rules that deny
 * a request automatically, each named. A request no rule denies waits for the profile's
 * approver. Rules are re-checked at decision and fulfilment: a contract can lapse meanwhile.
 */
import { z } from 'zod';
import { AGENCY_KINDS, PURPOSES, RELEASE_PROHIBITIONS, type Profile } from '../policy/profile.js';
import { findJurisdiction } from '../plates/jurisdictions.js';

export const AgencySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'lower-case letters, digits and dashes'),
    name: z.string().trim().min(2).max(200),
    kind: z.enum(AGENCY_KINDS),
    /** Jurisdiction the agency belongs to (`CA`, `NV`…); federal agencies give their office's. */
    state: z
      .string()
      .trim()
      .toUpperCase()
      .refine((s) => findJurisdiction(s) !== undefined, 'unknown jurisdiction'),
    federal: z.boolean().default(false),
    /** The agency's mission includes federal immigration enforcement (ICE, CBP: MP 462.2 b). */
    immigrationEnforcement: z.boolean().default(false),
    /** Written contract on file and the chief's prior authorisation (MP 462.2, 462.5, 462.9). */
    contract: z
      .object({ from: z.number().int(), to: z.number().int(), authorizedBy: z.string().trim().min(2) })
      .refine((c) => c.to > c.from, 'contract must end after it starts')
      .optional(),
  })
  .strict();
export type Agency = z.infer<typeof AgencySchema>;
export type AgencyInput = z.input<typeof AgencySchema>;

/** What the intended use falls under: permitted purposes, or the uses some profiles forbid. */
export const RELEASE_USES = [...PURPOSES, ...RELEASE_PROHIBITIONS] as const;

const Window = { from: z.number().int(), to: z.number().int() };
export const ScopeSchema = z
  .discriminatedUnion('kind', [
    /** The results of one search: a plate or partial-plate pattern in a time window. */
    z.object({ kind: z.literal('search'), pattern: z.string().trim().min(1).max(16), ...Window, cameras: z.array(z.string()).optional() }).strict(),
    /** Every detection in a time window, optionally of some cameras. */
    z.object({ kind: z.literal('range'), ...Window, cameras: z.array(z.string()).optional() }).strict(),
  ])
  .refine((s) => s.to > s.from, 'scope must end after it starts');
export type ReleaseScope = z.infer<typeof ScopeSchema>;

export const RequestSchema = z
  .object({
    agency: z.string(),
    /** The person at the agency who asks (MP 462.7 1.2). */
    requester: z.object({ name: z.string().trim().min(2).max(200), title: z.string().trim().max(200).optional(), contact: z.string().trim().max(200).optional() }),
    /** The intended purpose in the requester's words (MP 462.7 1.3). */
    purpose: z.string().trim().min(10).max(2000),
    uses: z.array(z.enum(RELEASE_USES)).min(1),
    case: z.string().trim().min(1).max(40),
    scope: ScopeSchema,
    /** Why the agency needs and has a right to the data (EC 427.9). */
    needToKnow: z.string().trim().max(2000).optional(),
  })
  .strict();
export type ReleaseRequestInput = z.input<typeof RequestSchema>;
export type ReleaseRequestBody = z.infer<typeof RequestSchema>;

export const RELEASE_RULES = {
  recipient_kind: 'the profile does not release to agencies of this kind (Civil Code § 1798.90.55)',
  out_of_state: 'only California state or local agencies may receive data (MP 462.7)',
  federal: 'federal agencies may not receive data under this profile (MP 462.7)',
  immigration_enforcement: 'never for federal immigration enforcement (MP 462.2 b, EC 427.3, Gov. Code § 7284.2)',
  out_of_state_enforcement: 'never to assist another state’s enforcement that violates California law (MP 462.2 c)',
  reproductive_health: 'never to investigate or prosecute the exercise of reproductive health-care rights (EC 427.9)',
  no_contract: 'contracted entities need a written contract in force and the chief’s authorisation (MP 462.2, 462.5)',
  need_to_know: 'the request must state the need or right to know (EC 427.9)',
} as const;
export type ReleaseRule = keyof typeof RELEASE_RULES;

export function contractInForce(a: Agency, now: number): boolean {
  return a.contract !== undefined && a.contract.from <= now && now < a.contract.to;
}

/** Every rule of the profile the request breaks, in a fixed order; empty when none. */
export function evaluateRelease(profile: Profile, agency: Agency, req: ReleaseRequestBody, now: number): ReleaseRule[] {
  const r = profile.release;
  const out: ReleaseRule[] = [];
  const uses = new Set<string>(req.uses);
  const prohibited = new Set<string>(r.prohibitedPurposes);
  if (!r.recipients.includes(agency.kind)) out.push('recipient_kind');
  // A California state or local agency excludes federal ones wherever their office is (MP 462.7).
  if (r.californiaOnly && agency.state !== 'CA') out.push('out_of_state');
  if (agency.federal && (r.californiaOnly || !r.allowFederal)) out.push('federal');
  if (prohibited.has('immigration_enforcement') && (uses.has('immigration_enforcement') || agency.immigrationEnforcement)) {
    out.push('immigration_enforcement');
  }
  if (prohibited.has('out_of_state_enforcement') && uses.has('out_of_state_enforcement')) out.push('out_of_state_enforcement');
  if (prohibited.has('reproductive_health') && uses.has('reproductive_health')) out.push('reproductive_health');
  if (agency.kind === 'contracted_entity' && !contractInForce(agency, now)) out.push('no_contract');
  if (r.requireNeedToKnow && !req.needToKnow) out.push('need_to_know');
  return out;
}
