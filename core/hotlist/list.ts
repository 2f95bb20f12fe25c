/**
 * Hot-list settings: what kind of list it is, how much OCR error it tolerates, and whether
 * it may match at all yet. One zod schema, defaults in the schema; a list's kind decides
 * the defaults POLICY R4 asks for (special lists start pending and informational).
 */
import { z } from 'zod';

export const LIST_KINDS = ['general', 'special', 'manual'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Largest weighted distance a list may accept: beyond two edits a plate is another plate. */
export const MAX_LIST_DISTANCE = 2;

export const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const ListSettingsSchema = z
  .object({
    name: z.string().regex(LIST_NAME, 'list names are letters, digits, _ . - (at most 64)'),
    /** general: NCIC/NLETS-style downloads replaced whole; special: department lists; manual: hand-entered plates. */
    kind: z.enum(LIST_KINDS).default('general'),
    /** Weighted edit distance accepted (0 = exact only). */
    maxDistance: z.number().min(0).max(MAX_LIST_DISTANCE).default(1),
    /** Read candidates below this confidence are not matched against the list. */
    minConfidence: z.number().min(0).max(1).default(0),
    /** Hits are labelled informational on every console (POLICY R4: MP, RV 426.6.4 c). */
    informational: z.boolean().optional(),
    /** Hits reach only consoles cleared for covert lists. */
    covert: z.boolean().default(false),
    /** Pending lists never match (POLICY R4: special lists need supervisor approval first). */
    status: z.enum(['live', 'pending']).optional(),
    /** When the last import finished (ms since the epoch); 0 before the first. */
    lastImport: z.number().int().nonnegative().default(0),
  })
  .strict()
  .transform((s) => ({
    ...s,
    informational: s.informational ?? s.kind === 'special',
    status: s.status ?? (s.kind === 'special' ? ('pending' as const) : ('live' as const)),
  }));

export type ListSettings = z.output<typeof ListSettingsSchema>;
export type ListSettingsInput = z.input<typeof ListSettingsSchema>;
