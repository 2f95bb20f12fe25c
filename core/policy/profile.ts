/**
 * A policy profile: one department's rules as data (POLICY.md, "Profiles"). One zod schema,
 * defaults in the schema; where a seed policy is silent the default is the conservative
 * choice and the profile's `notes` say so. Nothing in code hard-codes one department's numbers.
 */
import { z } from 'zod';
import { ROLES } from './roles.js';

/** Permitted purposes a browsing inquiry may give (POLICY R2). Prohibited uses are never here. */
export const PURPOSES = [
  'stolen_vehicle',
  'stolen_plate',
  'wanted_person',
  'missing_person',
  'criminal_investigation',
  'crime_scene_canvass',
  'civil_administrative',
  'evidence_discovery',
  'officer_safety',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Release purposes the law forbids in some profiles (POLICY R8). */
export const RELEASE_PROHIBITIONS = ['immigration_enforcement', 'out_of_state_enforcement', 'reproductive_health'] as const;

export const AGENCY_KINDS = ['law_enforcement', 'prosecutorial', 'other_public', 'contracted_entity'] as const;

const days = z.number().int().positive();

export const ProfileSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    department: z.string().min(1),
    /** Clause each setting comes from, for the transparency page. */
    policyRef: z.string().min(1),
    retention: z
      .object({
        /** Detections are purged once older than this (POLICY R7). */
        detectionDays: days,
        /** Minimum retention the law requires before purging (Gov. Code § 34090.6), if any. */
        minDays: z.number().int().nonnegative().default(0),
        /** The audit trail outlives the data it describes (POLICY R2). */
        auditDays: days.default(3 * 365),
        /** Partition width: a day unless retention needs finer purges. */
        partitionHours: z.number().int().min(1).max(24).default(24),
      })
      .refine((r) => r.detectionDays >= r.minDays, { message: 'detectionDays is below minDays' })
      .refine((r) => r.auditDays > r.detectionDays, { message: 'auditDays must exceed detectionDays' }),
    hotlists: z
      .object({
        /** General lists must be refreshed at least this often (POLICY R4); stale after. */
        minDownloadsPerDay: z.number().positive().default(1),
        /** Manually entered hot plates expire no later than this (RV 426.6.5). */
        manualMaxDays: days.default(30),
        /** …and no later than this when the plate is also in the NCIC files. */
        manualNcicMaxHours: z.number().int().positive().default(24 * 30),
        /**
         * Who approves special lists before they go live, in order, one step each (POLICY R4):
         * Menlo Park's ALPR administrator, then a supervisor (MP 462.4 g 5).
         */
        specialApprovers: z.array(z.enum(ROLES)).min(1).max(4).default(['supervisor']),
        /** Feed files whose entries are dropped at import (e.g. NCIC immigration violators). */
        excludedSources: z.array(z.string()).default(['IMMIGRATION_VIOLATOR']),
      })
      .prefault({}),
    inquiry: z
      .object({
        /** `both`: case number and purpose (MP, EC, RV); `either`: case or purpose (SM, MO). */
        requires: z.enum(['both', 'either']).default('both'),
        purposes: z.array(z.enum(PURPOSES)).min(1).default([...PURPOSES]),
      })
      .prefault({}),
    audit: z
      .object({
        sampleCount: z.number().int().positive().default(10),
        windowMonths: z.number().int().positive().default(6),
        /** How often the random audit is due. */
        every: z.enum(['quarter', 'year']).default('quarter'),
        /** A yearly audit by someone outside the agency (MP 462.6 d). */
        external: z.boolean().default(false),
      })
      .prefault({}),
    release: z
      .object({
        recipients: z.array(z.enum(AGENCY_KINDS)).min(1).default(['law_enforcement', 'prosecutorial']),
        /** Only California state and local public agencies (MP 462.7). */
        californiaOnly: z.boolean().default(false),
        allowFederal: z.boolean().default(true),
        prohibitedPurposes: z.array(z.enum(RELEASE_PROHIBITIONS)).default(['immigration_enforcement']),
        /** Release of the agency's own special lists needs authorisation (RV 426.6.4 c). */
        approver: z.enum(ROLES).default('records_custodian'),
        /** Need-to-know / right-to-know must be stated (EC 427.9). */
        requireNeedToKnow: z.boolean().default(false),
      })
      .prefault({}),
    transparency: z
      .object({
        quarterlyReport: z.boolean().default(false),
        publicPage: z.boolean().default(true),
      })
      .prefault({}),
    /** Where the seed policy is silent and the profile chose a conservative default. */
    notes: z.array(z.string()).default([]),
  })
  .strict();

export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;
