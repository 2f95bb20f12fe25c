/**
 * A hot-list entry (POLICY R4): a plate or partial pattern, where it came from, why it is
 * wanted, and who vouches for it. Feed files deliver strings; the schema coerces them
 * (empty cells are absent, numbers and dates parsed) and names the field that failed.
 */
import { z } from 'zod';
import { jurisdictionCode } from '../plates/jurisdictions.js';
import { normalizePlate } from '../plates/normalize.js';
import { isPattern, normalizePattern, parsePattern, patternKey } from './pattern.js';

export const REASONS = [
  'stolen_vehicle',
  'stolen_plate',
  'wanted_person',
  'missing_person',
  'amber_alert',
  'protective_order',
  'bolo',
  'felony_vehicle',
  'gang_member',
  'other',
] as const;
export type Reason = (typeof REASONS)[number];

/** Names feed files use for the reasons above. */
const REASON_ALIASES: Record<string, Reason> = {
  stolen: 'stolen_vehicle',
  svs: 'stolen_vehicle',
  slr: 'stolen_plate',
  wanted: 'wanted_person',
  warrant: 'wanted_person',
  missing: 'missing_person',
  amber: 'amber_alert',
  protection_order: 'protective_order',
};

/** Milliseconds since the epoch from a number, a numeric string or an ISO date. */
const instant = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

const flag = z.union([z.boolean(), z.string()]).transform((v) => v === true || /^(1|true|yes|y)$/i.test(String(v)));

/** A plate, or a partial pattern that compiles and can be indexed. */
const plateOrPattern = z.string().transform((v, ctx) => {
  try {
    if (!isPattern(v)) return normalizePlate(v);
    patternKey(parsePattern(v));
    return normalizePattern(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const stateCode = z.string().transform((v, ctx) => {
  try {
    return jurisdictionCode(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const reason = z
  .string()
  .transform((v) => v.toLowerCase().replace(/[^a-z0-9]+/g, '_'))
  .transform((v) => REASON_ALIASES[v] ?? v)
  .pipe(z.enum(REASONS));

/** Feed rows arrive trimmed, empty cells absent (rows.ts); numbers and dates may be strings. */
export const HotlistEntrySchema = z.object({
  plate: plateOrPattern,
  state: stateCode.optional(),
  list: z.string().min(1),
  source: z.string().max(64).optional(),
  reason: reason.default('other'),
  priority: z.coerce.number().int().min(0).max(100).default(50),
  case: z.string().max(64).optional(),
  entered_by: z.string().max(120).optional(),
  phone: z.string().max(40).optional(),
  synopsis: z.string().max(500).optional(),
  created: instant.optional(),
  expires: instant.optional(),
  approved_by: z.string().max(120).optional(),
  covert: flag.default(false),
  informational: flag.default(false),
});

export type HotlistEntry = z.infer<typeof HotlistEntrySchema> & { created: number };
export type HotlistEntryInput = z.input<typeof HotlistEntrySchema>;

/** The columns a canonical CSV carries (other layouts map theirs onto these). */
export const CANONICAL_COLUMNS = [
  'plate',
  'state',
  'reason',
  'priority',
  'case',
  'entered_by',
  'phone',
  'synopsis',
  'expires',
  'source',
] as const;

/** Every field a row may fill, canonical columns first. */
export const ENTRY_FIELDS = [...CANONICAL_COLUMNS, 'created', 'approved_by', 'covert', 'informational'] as const;
