/**
 * The quarterly report of ALPR activity (POLICY R9; MP 462.8, 462.6 e, Municipal Code
 * § 2.56.050): cameras, detections, hits by list, verified hits and misreads, searches by
 * purpose, release requests approved and denied by agency, audits and violations, purges.
 * Counts only: nothing personal, no plates. As JSON and as one self-contained HTML page.
 */
import { ErrBadInput } from '../errors.js';
import type { Profile } from '../policy/profile.js';
import { facts, page, section, table } from './html.js';
import { auditActivity, releasesByAgency, searchesByPurpose, type AgencyReleases, type AuditActivity, type HitCounts, type Period, type ReportSources } from './sources.js';

export interface QuarterlyReport {
  readonly kind: 'quarterly';
  readonly department: string;
  readonly profile: string;
  readonly policyRef: string;
  readonly year: number;
  readonly quarter: number;
  readonly period: { readonly from: string; readonly to: string };
  readonly generated: string;
  /** `null` where the store that counts it was not supplied. */
  readonly cameras: number | null;
  readonly detections: number | null;
  readonly hits: { readonly total: number; readonly byList: Readonly<Record<string, number>>; readonly verified: number; readonly misreads: number } | null;
  readonly searches: { readonly total: number; readonly byPurpose: Readonly<Record<string, number>> };
  readonly releases: { readonly approved: number; readonly denied: number; readonly byAgency: readonly AgencyReleases[] };
  readonly audits: AuditActivity;
  readonly purges: { readonly partitions: number; readonly detections: number } | null;
}

/** Calendar quarter in UTC: Q1 = January to March. */
export function quarterPeriod(year: number, quarter: number): Period {
  if (!Number.isInteger(year) || year < 2000 || year > 9999 || ![1, 2, 3, 4].includes(quarter)) {
    throw new ErrBadInput(`no quarter ${year} Q${quarter}; quarters are 1–4`, { field: 'quarter' });
  }
  return { from: Date.UTC(year, (quarter - 1) * 3, 1), to: Date.UTC(year, quarter * 3, 1) };
}

const sum = (o: Readonly<Record<string, number>>): number => Object.values(o).reduce((a, b) => a + b, 0);

export async function quarterlyReport(profile: Profile, src: ReportSources, year: number, quarter: number, now: number): Promise<QuarterlyReport> {
  const p = quarterPeriod(year, quarter);
  const [cameras, detections, hits, purges] = await Promise.all([
    src.cameras ? src.cameras.cameraCount(Math.min(p.to, now)) : null,
    src.detections ? src.detections.detectionCount(p) : null,
    src.hits ? hitSummary(src.hits, p) : null,
    src.purges ? src.purges.purged(p) : null,
  ]);
  const byPurpose = searchesByPurpose(src.audit, p);
  const byAgency = releasesByAgency(src.audit, p);
  return {
    kind: 'quarterly',
    department: profile.department,
    profile: profile.name,
    policyRef: profile.policyRef,
    year,
    quarter,
    period: { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() },
    generated: new Date(now).toISOString(),
    cameras,
    detections,
    hits,
    searches: { total: sum(byPurpose), byPurpose },
    releases: {
      approved: byAgency.reduce((n, a) => n + a.approved, 0),
      denied: byAgency.reduce((n, a) => n + a.denied, 0),
      byAgency,
    },
    audits: auditActivity(src.audit, p),
    purges: purges && { partitions: purges.partitions, detections: purges.detections },
  };
}

async function hitSummary(h: HitCounts, p: Period): Promise<NonNullable<QuarterlyReport['hits']>> {
  const [byList, verified, misreads] = await Promise.all([h.hitsByList(p), h.verifiedHits(p), h.misreads(p)]);
  return { total: sum(byList), byList, verified, misreads };
}

const counts = (o: Readonly<Record<string, number>>): [string, number][] => Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const NA = 'not available';
const shown = (n: number | null | undefined): string | number => n ?? NA;

export function quarterlyHtml(r: QuarterlyReport): string {
  return page(
    `${r.department}: ALPR quarterly report, ${r.year} Q${r.quarter}`,
    `Activity from ${r.period.from.slice(0, 10)} to ${r.period.to.slice(0, 10)} (exclusive), under ${r.policyRef}.`,
    [
      section('Summary', facts([
        ['Cameras in service', shown(r.cameras)],
        ['Detections stored', shown(r.detections)],
        ['Hits', shown(r.hits?.total)],
        ['Verified hits', shown(r.hits?.verified)],
        ['Misreads', shown(r.hits?.misreads)],
        ['Searches', r.searches.total],
        ['Release requests approved', r.releases.approved],
        ['Release requests denied', r.releases.denied],
      ])),
      section('Hits by list', r.hits ? table(['list', 'hits'], counts(r.hits.byList)) : NA),
      section('Searches by purpose', table(['purpose', 'searches'], counts(r.searches.byPurpose))),
      section('Release requests by agency', table(['agency', 'approved', 'denied'], r.releases.byAgency.map((a) => [a.agency, a.approved, a.denied]))),
      section('Audits', facts([
        ['Random samples drawn', r.audits.samples],
        ['Inquiries reviewed', r.audits.reviewed],
        ['Compliant', r.audits.compliant],
        ['Violations', r.audits.violations],
      ])),
      section('Data purged', facts([
        ['Partitions destroyed', shown(r.purges?.partitions)],
        ['Detections purged', shown(r.purges?.detections)],
      ])),
    ],
    `Generated ${r.generated}. Counts only; no plates or personal information.`,
  );
}
