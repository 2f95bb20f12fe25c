/**
 * Where report numbers come from (POLICY R9). Counts of cameras, detections, hits and purges
 * come through small interfaces the server implements over its stores; searches, releases
 * and audits are counted here from the audit log, the one record of who did what.
 */
import type { AuditLog } from '../audit/log.js';

export type MaybePromise<T> = T | Promise<T>;

/** A time window, `from` inclusive, `to` exclusive (ms, UTC). */
export interface Period {
  readonly from: number;
  readonly to: number;
}

export interface CameraCounts {
  /** Cameras in service at `at`. */
  cameraCount(at: number): MaybePromise<number>;
}

export interface DetectionCounts {
  /** Detections stored during the period. */
  detectionCount(p: Period): MaybePromise<number>;
}

export interface HitCounts {
  /** Hits during the period, by hot-list name. */
  hitsByList(p: Period): MaybePromise<Readonly<Record<string, number>>>;
  /** Hits verified (list status and visual match confirmed) during the period. */
  verifiedHits(p: Period): MaybePromise<number>;
  /** Hits found to be misreads during the period. */
  misreads(p: Period): MaybePromise<number>;
}

export interface PurgeCounts {
  /** What retention purged during the period. */
  purged(p: Period): MaybePromise<{ readonly partitions: number; readonly detections: number }>;
}

/**
 * The audit log is always there; the other counts come from the stores that own them. A
 * command run without those stores leaves them out, and the report says "not available"
 * rather than printing a zero nobody counted.
 */
export interface ReportSources {
  readonly audit: AuditLog;
  readonly cameras?: CameraCounts;
  readonly detections?: DetectionCounts;
  readonly hits?: HitCounts;
  readonly purges?: PurgeCounts;
}

export interface AgencyReleases {
  readonly agency: string;
  readonly approved: number;
  readonly denied: number;
}

interface ReleaseSubject {
  readonly agencyName: string;
  readonly status: string;
  readonly decision?: string;
}

/** Successful detection searches in the period by purpose (`none` where the profile let it be omitted). */
export function searchesByPurpose(audit: AuditLog, p: Period): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of audit.scan({ from: p.from, to: p.to, actions: ['detections.search'] })) {
    if (r.outcome !== 'ok') continue;
    const k = r.purpose ?? 'none';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Release requests approved and denied in the period, by agency (automatic denials included). */
export function releasesByAgency(audit: AuditLog, p: Period): AgencyReleases[] {
  const by = new Map<string, { approved: number; denied: number }>();
  const bump = (agency: string, k: 'approved' | 'denied'): void => {
    const row = by.get(agency) ?? { approved: 0, denied: 0 };
    row[k]++;
    by.set(agency, row);
  };
  for (const r of audit.scan({ from: p.from, to: p.to, actions: ['releases.request', 'releases.decide'] })) {
    // Refused attempts (wrong role, self-approval) are on file but decided nothing.
    if (r.outcome !== 'ok') continue;
    const s = r.subject as ReleaseSubject;
    if (r.action === 'releases.request' && s.status === 'denied') bump(s.agencyName, 'denied');
    if (r.action === 'releases.decide') bump(s.agencyName, s.decision === 'approved' ? 'approved' : 'denied');
  }
  return [...by.entries()].map(([agency, c]) => ({ agency, ...c })).sort((a, b) => a.agency.localeCompare(b.agency));
}

/** Agencies that had a release approved in the period: names only, for the public page. */
export function agenciesSharedWith(audit: AuditLog, p: Period): string[] {
  return releasesByAgency(audit, p)
    .filter((a) => a.approved > 0)
    .map((a) => a.agency);
}

export interface AuditActivity {
  readonly samples: number;
  readonly reviewed: number;
  readonly compliant: number;
  readonly violations: number;
}

/** Random audits drawn and their review outcomes in the period (POLICY R3 → R9, MP 462.6 e). */
export function auditActivity(audit: AuditLog, p: Period): AuditActivity {
  let samples = 0;
  let compliant = 0;
  let violations = 0;
  for (const r of audit.scan({ from: p.from, to: p.to, actions: ['audit.sample', 'audit.review'] })) {
    if (r.outcome !== 'ok') continue;
    if (r.action === 'audit.sample') samples++;
    else if ((r.subject as { outcome: string }).outcome === 'violation') violations++;
    else compliant++;
  }
  return { samples, reviewed: compliant + violations, compliant, violations };
}
