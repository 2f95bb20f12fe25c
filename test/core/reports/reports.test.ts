import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../core/audit/log.js';
import { drawSample, recordReview } from '../../../core/audit/sampling.js';
import type { Principal } from '../../../core/policy/authz.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import type { Releases } from '../../../core/releases/registry.js';
import { quarterlyHtml, quarterlyReport, quarterPeriod } from '../../../core/reports/quarterly.js';
import type { ReportSources } from '../../../core/reports/sources.js';
import { transparencyData, transparencyHtml } from '../../../core/reports/transparency.js';
import { DAY_MS } from '../../../core/util/time.js';
import { InMemoryActivity } from '../../support/activity.js';
import { openReleases } from '../../support/releases.js';
import { clockAt, openAudit, tempDir, type Clock } from '../../support/rooms.js';

const mp = loadProfile('menlo-park');
const Q2 = quarterPeriod(2026, 2);
const admin: Principal = { user: 'ada', role: 'administrator' };
const carl: Principal = { user: 'carl', role: 'records_custodian' };
const cora: Principal = { user: 'cora', role: 'records_custodian' };
const sue: Principal = { user: 'sue', role: 'supervisor' };
let clock: Clock;
let audit: AuditLog;
let releases: Releases;
let src: ReportSources;
const activity = new InMemoryActivity();

const request = (agency: string) => ({
  agency,
  requester: { name: 'Det. A. Person' },
  purpose: 'Robbery suspect vehicle, case follow-up',
  uses: ['criminal_investigation' as const],
  case: 'C-1',
  scope: { kind: 'range' as const, from: Q2.from, to: Q2.from + DAY_MS },
});

beforeAll(async () => {
  const dir = tempDir('reports');
  clock = clockAt(Q2.from - 10 * DAY_MS);
  audit = openAudit(dir, clock);
  releases = openReleases(dir, mp, audit, clock);
  src = { audit, cameras: activity, detections: activity, hits: activity, purges: activity };
  // Before the quarter: one search and one camera that must not count as in-quarter activity.
  await audit.record({ action: 'detections.search', actor: 'ivy', purpose: 'stolen_vehicle', case: 'A', outcome: 'ok' });
  activity.cams.push({ id: 'c1', since: 0 }, { id: 'c2', since: 0 }, { id: 'c3', since: Q2.to + DAY_MS });
  clock.t = Q2.from + DAY_MS;
  const purposes = ['stolen_vehicle', 'stolen_vehicle', 'wanted_person', 'crime_scene_canvass'];
  for (const [i, purpose] of purposes.entries()) {
    await audit.record({ action: 'detections.search', actor: i % 2 ? 'ivy' : 'ian', purpose, case: `C-${i}`, outcome: 'ok', results: 3 });
  }
  await audit.record({ action: 'detections.search', actor: 'ivy', outcome: 'PS_ERR_CASE_REQUIRED' });
  await releases.saveAgency(admin, { id: 'sjpd', name: 'San José PD', kind: 'law_enforcement', state: 'CA' });
  await releases.saveAgency(admin, { id: 'nv', name: 'Las Vegas <Metro> PD', kind: 'law_enforcement', state: 'NV' });
  const a = await releases.request(carl, request('sjpd'));
  await releases.decide(cora, a.id, true);
  const b = await releases.request(carl, request('sjpd'));
  await releases.decide(cora, b.id, false, 'not needed');
  await releases.request(carl, request('nv'));
  const s = await drawSample(audit, sue, { months: 1, count: 2, seed: 'q2' }, clock.t + 1000);
  await recordReview(audit, sue, { sample: s.sample, inquiry: s.picks[0]!, outcome: 'compliant' });
  await recordReview(audit, sue, { sample: s.sample, inquiry: s.picks[1]!, outcome: 'violation', note: 'reason did not match the case' });
  for (let d = 0; d < 90; d++) activity.detections.push({ ts: Q2.from + d * DAY_MS, plate: `7XYZ${String(d).padStart(3, '0')}` });
  activity.detections.push({ ts: Q2.to, plate: '8OUT000' });
  activity.hits.push(
    { ts: Q2.from + 5, list: 'NCIC-SVS', verified: true, misread: false },
    { ts: Q2.from + 6, list: 'NCIC-SVS', verified: false, misread: true },
    { ts: Q2.from + 7, list: 'MP-SPECIAL', verified: true, misread: false },
    { ts: Q2.from - 7, list: 'MP-SPECIAL', verified: true, misread: false },
  );
  activity.purges.push({ ts: Q2.from + 3 * DAY_MS, partitions: 1, detections: 5000 }, { ts: Q2.to + 1, partitions: 9, detections: 9 });
});

afterAll(async () => {
  await releases.close();
  await audit.close();
});

describe('quarterly report (POLICY R9)', () => {
  it('counts exactly the quarter’s activity', async () => {
    const r = await quarterlyReport(mp, src, 2026, 2, Q2.to + 5 * DAY_MS);
    expect(r).toMatchObject({
      department: 'Menlo Park Police Department',
      year: 2026,
      quarter: 2,
      period: { from: '2026-04-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      cameras: 2,
      detections: 90,
      hits: { total: 3, byList: { 'NCIC-SVS': 2, 'MP-SPECIAL': 1 }, verified: 2, misreads: 1 },
      searches: { total: 4, byPurpose: { stolen_vehicle: 2, wanted_person: 1, crime_scene_canvass: 1 } },
      releases: {
        approved: 1,
        denied: 2,
        byAgency: [
          { agency: 'Las Vegas <Metro> PD', approved: 0, denied: 1 },
          { agency: 'San José PD', approved: 1, denied: 1 },
        ],
      },
      audits: { samples: 1, reviewed: 2, compliant: 1, violations: 1 },
      purges: { partitions: 1, detections: 5000 },
    });
  });

  it('renders one self-contained HTML page with the numbers, escaped, and no plates', async () => {
    const r = await quarterlyReport(mp, src, 2026, 2, Q2.to);
    const html = quarterlyHtml(r);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('2026 Q2');
    expect(html).toContain('Las Vegas &lt;Metro&gt; PD');
    expect(html).not.toContain('<Metro>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
    expect(html).toContain('<dt>Detections purged</dt><dd>5000</dd>');
    for (const d of activity.detections) expect(html).not.toContain(d.plate);
  });

  it('refuses a quarter that does not exist', async () => {
    await expect(quarterlyReport(mp, src, 2026, 5, Q2.to)).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
  });
});

describe('transparency page (POLICY R9, MP 462.8)', () => {
  it('summarises policy and the last 30 days, names agencies shared with, nothing personal', async () => {
    const now = Q2.from + 20 * DAY_MS;
    const d = await transparencyData(mp, src, now);
    expect(d).toMatchObject({
      department: 'Menlo Park Police Department',
      cameras: 2,
      // The search ten days before the quarter is inside the 30-day window too.
      last30Days: { detections: 21, searches: 5 },
      sharedWith: ['San José PD'],
      policy: { retentionDays: 30, releaseCaliforniaOnly: true, releaseNeverFor: ['immigration enforcement', 'out of state enforcement'] },
    });
    const text = JSON.stringify(d);
    for (const who of ['ivy', 'ian', 'carl', 'cora', 'sue', 'Det. A. Person', 'C-1']) expect(text).not.toContain(`"${who}"`);
    const html = transparencyHtml(d);
    expect(html).toContain('California state and local agencies only');
    expect(html).toContain('San José PD');
    for (const p of activity.detections) expect(html).not.toContain(p.plate);
  });
});

describe('reports without the stores that count detections', () => {
  it('say "not available" instead of printing a zero nobody counted', async () => {
    const r = await quarterlyReport(mp, { audit }, 2026, 2, Q2.to);
    expect(r).toMatchObject({ cameras: null, detections: null, hits: null, purges: null, searches: { total: 4 } });
    const html = quarterlyHtml(r);
    expect(html).toContain('<dt>Detections stored</dt><dd>not available</dd>');
    expect(html).not.toContain('<dd>0</dd><dt>Verified');
    const t = await transparencyData(mp, { audit }, Q2.from + 20 * DAY_MS);
    expect(t).toMatchObject({ cameras: null, last30Days: { detections: null, searches: 5 } });
    expect(transparencyHtml(t)).toContain('<dt>Plates detected</dt><dd>not available</dd>');
  });
});
