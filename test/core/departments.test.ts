/**
 * Each department's distinctive accountability rules (POLICY.md, Profiles), run through the
 * real rooms: audit log, accounts, releases on LMDB in a temp folder, and the pure rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { beginAccess } from '../../core/audit/access.js';
import type { AuditLog } from '../../core/audit/log.js';
import { drawSample, monthsBefore } from '../../core/audit/sampling.js';
import { checkAccess, type Principal } from '../../core/policy/authz.js';
import { decideApproval, listFreshness, submitForApproval, validateManualHotPlate } from '../../core/policy/hotplate-rules.js';
import { loadProfile } from '../../core/policy/profiles.js';
import type { Releases } from '../../core/releases/registry.js';
import { DAY_MS, HOUR_MS } from '../../core/util/time.js';
import { openReleases, RecordingExporter } from '../support/releases.js';
import { clockAt, openAccounts, openAudit, tempDir, type Clock } from '../support/rooms.js';

const T = Date.UTC(2026, 9, 1, 9);
const admin: Principal = { user: 'ada', role: 'administrator' };
const carl: Principal = { user: 'carl', role: 'records_custodian', trainingExpires: T + 365 * DAY_MS };
const cora: Principal = { user: 'cora', role: 'records_custodian', trainingExpires: T + 365 * DAY_MS };
const ivy: Principal = { user: 'ivy', role: 'investigator', trainingExpires: T + 365 * DAY_MS };
const closers: Array<{ close(): Promise<void> }> = [];

function rooms(name: string): { clock: Clock; audit: AuditLog; releases: Releases; dir: string } {
  const dir = tempDir(name);
  const clock = clockAt(T);
  const audit = openAudit(dir, clock, loadProfile(name).retention.auditDays);
  const releases = openReleases(dir, loadProfile(name), audit, clock);
  closers.push(releases, audit);
  return { clock, audit, releases, dir };
}

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close();
});

const written = (agency: string) => ({
  agency,
  requester: { name: 'Sgt. Lee' },
  purpose: 'Identify a hit-and-run vehicle',
  uses: ['criminal_investigation' as const],
  case: 'HR-9',
  scope: { kind: 'range' as const, from: T - 2 * DAY_MS, to: T - DAY_MS },
  needToKnow: 'Assigned investigator on the case',
});

describe('Menlo Park (Policy 462)', () => {
  it('refuses out-of-state and federal releases, shares with California agencies after approval', async () => {
    const { releases } = rooms('menlo-park');
    await releases.saveAgency(admin, { id: 'pdx', name: 'Portland Police Bureau', kind: 'law_enforcement', state: 'OR' });
    await releases.saveAgency(admin, { id: 'sm-da', name: 'San Mateo County DA', kind: 'prosecutorial', state: 'CA' });
    expect(await releases.request(carl, written('pdx'))).toMatchObject({ status: 'denied', rules: ['out_of_state'] });
    expect(await releases.request(carl, { ...written('sm-da'), uses: ['out_of_state_enforcement'] })).toMatchObject({ rules: ['out_of_state_enforcement'] });
    const ok = await releases.request(carl, written('sm-da'));
    expect((await releases.decide(cora, ok.id, true)).status).toBe('approved');
  });

  it('needs a case number and a reason on every browsing inquiry, and keeps the audit trail past the 30-day data', async () => {
    const { audit, clock } = rooms('menlo-park');
    await expect(beginAccess(loadProfile('menlo-park'), audit, { principal: ivy, action: 'export', inquiry: { case: 'MP-1' } }, T)).rejects.toMatchObject({
      code: 'PS_ERR_PURPOSE_REQUIRED',
    });
    clock.t = T + 31 * DAY_MS;
    await expect(audit.purgeBefore(T + DAY_MS, 'ada')).rejects.toMatchObject({ code: 'PS_ERR_AUDIT_RETENTION' });
  });
});

describe('Santa Monica', () => {
  it('accepts a case number or a purpose on an inquiry, refuses neither', async () => {
    const { audit } = rooms('santa-monica');
    const sm = loadProfile('santa-monica');
    await (await beginAccess(sm, audit, { principal: ivy, action: 'detections.search', inquiry: { case: 'SM-4' } }, T)).done(2);
    await (await beginAccess(sm, audit, { principal: ivy, action: 'detections.search', inquiry: { purpose: 'wanted_person' } }, T)).done(0);
    await expect(beginAccess(sm, audit, { principal: ivy, action: 'detections.search', inquiry: { case: ' ' } }, T)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_REQUIRED' });
    expect(audit.query().map((r) => r.outcome)).toEqual(['ok', 'ok', 'PS_ERR_INQUIRY_REQUIRED']);
  });
});

describe('Modesto (Policy 462)', () => {
  it('follows the written release procedure: request, review and approval, on file, then fulfilment', async () => {
    const { releases, audit } = rooms('modesto');
    await releases.saveAgency(admin, { id: 'stan-so', name: 'Stanislaus County Sheriff', kind: 'law_enforcement', state: 'CA' });
    await releases.saveAgency(admin, { id: 'city-parks', name: 'City Parks Department', kind: 'other_public', state: 'CA' });
    expect(await releases.request(carl, written('city-parks'))).toMatchObject({ status: 'denied', rules: ['recipient_kind'] });
    const r = await releases.request(carl, written('stan-so'));
    expect(r.status).toBe('pending');
    await releases.decide(cora, r.id, true, 'reviewed');
    const exporter = new RecordingExporter();
    await releases.fulfil(carl, r.id, exporter);
    expect(exporter.calls).toEqual([written('stan-so').scope]);
    expect(releases.get(r.id)).toMatchObject({ status: 'fulfilled', requester: { name: 'Sgt. Lee' }, purpose: 'Identify a hit-and-run vehicle' });
    expect(audit.verify()).toMatchObject({ ok: true });
  });
});

describe('El Cajon (Policy 427)', () => {
  it('special lists wait for the on-duty supervisor; a trained supervisor signs in and approves', async () => {
    const { audit, dir, clock } = rooms('el-cajon');
    const accounts = openAccounts(dir, audit, clock);
    closers.push(accounts);
    await accounts.bootstrapAdministrator({ user: 'root', name: 'Root Admin', password: 'root passphrase 1' });
    const root = (await accounts.login('root', 'root passphrase 1')).principal;
    await accounts.create(root, { user: 'sue', name: 'Sgt. Sue Park', role: 'supervisor', password: 'sue passphrase 12', trainedAt: T - DAY_MS });
    const sue = accounts.authenticate((await accounts.login('sue', 'sue passphrase 12')).token);
    checkAccess(sue, 'hotlist.approve', clock.t);
    const ec = loadProfile('el-cajon');
    const pending = submitForApproval(ec, 'ivy', T);
    expect(() => decideApproval(ec, pending, root, true, T)).toThrow(expect.objectContaining({ code: 'PS_ERR_APPROVER_ROLE' }));
    expect(decideApproval(ec, pending, sue, true, T).status).toBe('approved');
  });

  it('audits at least 10 browsing inquiries drawn from the preceding six months', async () => {
    const { audit, clock } = rooms('el-cajon');
    const ec = loadProfile('el-cajon');
    for (let d = 0; d < 300; d++) {
      clock.t = T - 300 * DAY_MS + d * DAY_MS;
      await audit.record({ action: 'detections.search', actor: 'ivy', case: `EC-${d}`, purpose: 'stolen_vehicle', outcome: 'ok' });
    }
    clock.t = T;
    const s = await drawSample(audit, { user: 'sue', role: 'supervisor' }, { months: ec.audit.windowMonths, count: ec.audit.sampleCount }, T);
    expect(s.picks).toHaveLength(10);
    for (const p of s.picks) expect(audit.get(p)!.ts).toBeGreaterThanOrEqual(monthsBefore(T, 6));
  });
});

describe('Roseville (Policy 426)', () => {
  const rv = loadProfile('roseville');
  const plate = { plate: '8RSV111', memberName: 'Det. Cruz', phone: '916-555-0100', case: 'RV-26-5', synopsis: 'Suspect vehicle in a shooting' };

  it('caps hot plates also in NCIC at 24 hours, others at 30 days', () => {
    expect(validateManualHotPlate(rv, { ...plate, alsoInNcic: true }, 'cruz', T).expires - T).toBe(24 * HOUR_MS);
    expect(validateManualHotPlate(rv, plate, 'cruz', T).expires - T).toBe(30 * DAY_MS);
    expect(() => validateManualHotPlate(rv, { ...plate, alsoInNcic: true, expires: T + 2 * DAY_MS }, 'cruz', T)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_HOTPLATE_EXPIRY' }),
    );
  });

  it('flags lists not downloaded twice a day, and audits quarterly', () => {
    expect(listFreshness(rv, T - 11 * HOUR_MS, T).state).toBe('fresh');
    expect(listFreshness(rv, T - 13 * HOUR_MS, T).state).toBe('stale');
    expect(listFreshness(loadProfile('santa-monica'), T - 13 * HOUR_MS, T).state).toBe('fresh');
    expect(rv.audit.every).toBe('quarter');
  });
});
