/**
 * Whether a feed row becomes a hot-list entry: schema validation, the department's source
 * exclusions and the rules for hand-entered plates. Pure: no storage, so the rules test alone.
 */
import { z } from 'zod';
import { ErrHotlistRow } from '../errors.js';
import type { Profile } from '../policy/profile.js';
import { HotlistEntrySchema, type HotlistEntry } from './entry.js';
import type { ListSettings } from './list.js';

const DAY_MS = 24 * 3600 * 1000;

export type Admission =
  | { readonly ok: true; readonly entry: HotlistEntry }
  | { readonly ok: false; readonly excluded: true }
  | { readonly ok: false; readonly excluded: false; readonly code: string; readonly reason: string };

/** Fields every manually entered hot plate must carry (POLICY R4: MP 462.4 g, EC 427.5.1 b, RV 426.6.5). */
const MANUAL_REQUIRED = ['entered_by', 'phone', 'case', 'synopsis'] as const;

export class RowAdmission {
  private readonly excluded: ReadonlySet<string>;

  constructor(
    private readonly settings: ListSettings,
    private readonly profile: Profile,
    private readonly now: number,
  ) {
    this.excluded = new Set(profile.hotlists.excludedSources.map((s) => s.toUpperCase()));
  }

  admit(fields: Record<string, unknown>): Admission {
    fields.list = this.settings.name;
    const parsed = HotlistEntrySchema.safeParse(fields);
    if (!parsed.success) return reject(describe(parsed.error));
    const entry = compact(parsed.data, this.now);
    // POLICY R4: entries from feed files the profile excludes are dropped and counted.
    if (entry.source !== undefined && this.excluded.has(entry.source.toUpperCase())) return { ok: false, excluded: true };
    if (this.settings.kind === 'manual') return this.manual(entry);
    return { ok: true, entry };
  }

  /** POLICY R4, RV 426.6.5: who entered it and why, and an expiry within the profile's cap. */
  private manual(entry: HotlistEntry): Admission {
    const missing = MANUAL_REQUIRED.filter((f) => entry[f] === undefined);
    if (missing.length > 0) return reject(`a manual hot plate needs ${missing.join(', ')}`);
    const cap = entry.created + this.profile.hotlists.manualMaxDays * DAY_MS;
    if (entry.expires === undefined) return { ok: true, entry: { ...entry, expires: cap } };
    if (entry.expires > cap) {
      return reject(`expires more than ${this.profile.hotlists.manualMaxDays} days after entry (profile cap)`);
    }
    return { ok: true, entry };
  }
}

/** The entry without absent fields (smaller records on disk), stamped with its creation time. */
function compact(data: Omit<HotlistEntry, 'created'> & { created?: number | undefined }, now: number): HotlistEntry {
  const out: Record<string, unknown> = {};
  for (const k in data) {
    const v = data[k as keyof typeof data];
    if (v !== undefined) out[k] = v;
  }
  out.created ??= now;
  return out as HotlistEntry;
}

function reject(reason: string): Admission {
  return { ok: false, excluded: false, code: ErrHotlistRow.code, reason };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}
