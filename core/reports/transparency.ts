/**
 * The public transparency page (POLICY R9, MP 462.8 "Transparency Portal"), served at
 * `GET /transparency` without login: the profile's policy in plain words, retention, camera
 * count, detections and searches in the last 30 days, and the agencies data was shared with
 * in the last year. Nothing personal and no plates: only counts and agency names.
 */
import type { Profile } from '../policy/profile.js';
import { DAY_MS } from '../util/time.js';
import { facts, page, section, table } from './html.js';
import { agenciesSharedWith, searchesByPurpose, type ReportSources } from './sources.js';

export interface TransparencyData {
  readonly department: string;
  readonly policyRef: string;
  readonly generated: string;
  readonly policy: {
    readonly retentionDays: number;
    readonly minimumRetentionDays: number;
    readonly auditTrailDays: number;
    readonly inquiryRequires: string;
    readonly permittedPurposes: readonly string[];
    readonly hotListDownloadsPerDay: number;
    readonly randomAudit: string;
    readonly releaseRecipients: readonly string[];
    readonly releaseCaliforniaOnly: boolean;
    readonly releaseNeverFor: readonly string[];
    readonly notes: readonly string[];
  };
  /** `null` where the store that counts it was not supplied. */
  readonly cameras: number | null;
  readonly last30Days: { readonly detections: number | null; readonly searches: number };
  readonly sharedWith: readonly string[];
}

const words = (s: string): string => s.replace(/_/g, ' ');

export async function transparencyData(profile: Profile, src: ReportSources, now: number): Promise<TransparencyData> {
  const month = { from: now - 30 * DAY_MS, to: now + 1 };
  const [cameras, detections] = await Promise.all([src.cameras ? src.cameras.cameraCount(now) : null, src.detections ? src.detections.detectionCount(month) : null]);
  const searches = Object.values(searchesByPurpose(src.audit, month)).reduce((a, b) => a + b, 0);
  return {
    department: profile.department,
    policyRef: profile.policyRef,
    generated: new Date(now).toISOString(),
    policy: {
      retentionDays: profile.retention.detectionDays,
      minimumRetentionDays: profile.retention.minDays,
      auditTrailDays: profile.retention.auditDays,
      inquiryRequires: profile.inquiry.requires === 'both' ? 'a case or incident number and a permitted purpose' : 'a case or incident number, or a permitted purpose',
      permittedPurposes: profile.inquiry.purposes.map(words),
      hotListDownloadsPerDay: profile.hotlists.minDownloadsPerDay,
      randomAudit: `at least ${profile.audit.sampleCount} inquiries from the last ${profile.audit.windowMonths} months, every ${profile.audit.every}${profile.audit.external ? ', plus a yearly outside audit' : ''}`,
      releaseRecipients: profile.release.recipients.map(words),
      releaseCaliforniaOnly: profile.release.californiaOnly,
      releaseNeverFor: profile.release.prohibitedPurposes.map(words),
      notes: profile.notes,
    },
    cameras,
    last30Days: { detections, searches },
    sharedWith: agenciesSharedWith(src.audit, { from: now - 365 * DAY_MS, to: now + 1 }),
  };
}

export function transparencyHtml(d: TransparencyData): string {
  const p = d.policy;
  return page(
    `${d.department}: automated license plate readers`,
    `How the department uses ALPR, under ${d.policyRef}, and what it did in the last 30 days.`,
    [
      section('Policy', facts([
        ['Detections kept', `${p.retentionDays} days${p.minimumRetentionDays ? ` (at least ${p.minimumRetentionDays} by law)` : ''}, then destroyed beyond recovery unless held as evidence`],
        ['Access record kept', `${p.auditTrailDays} days`],
        ['Every search needs', p.inquiryRequires],
        ['Permitted purposes', p.permittedPurposes.join(', ')],
        ['Hot lists refreshed', `at least ${p.hotListDownloadsPerDay} times a day`],
        ['Random audit of searches', p.randomAudit],
        ['Shared only with', `${p.releaseRecipients.join(', ')}${p.releaseCaliforniaOnly ? ' (California state and local agencies only)' : ''}`],
        ['Never shared for', p.releaseNeverFor.join(', ') || 'no additional prohibition in the policy'],
      ])),
      section('Last 30 days', facts([
        ['Cameras in service', d.cameras ?? 'not available'],
        ['Plates detected', d.last30Days.detections ?? 'not available'],
        ['Searches of stored data', d.last30Days.searches],
      ])),
      section('Agencies data was shared with (last 12 months)', table(['agency'], d.sharedWith.map((a) => [a]))),
      section('Notes', table(['note'], p.notes.map((n) => [n]))),
    ],
    `Generated ${d.generated}. Counts only; no plates or personal information.`,
  );
}
