import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../core/audit/log.js';
import type { Principal } from '../../../core/policy/authz.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import type { Releases } from '../../../core/releases/registry.js';
import type { ReleaseRequestInput } from '../../../core/releases/rules.js';
import { DAY_MS } from '../../../core/util/time.js';
import { openReleases, RecordingExporter } from '../../support/releases.js';
import { clockAt, openAudit, tempDir, type Clock } from '../../support/rooms.js';

const T = Date.UTC(2026, 7, 3);
const admin: Principal = { user: 'ada', role: 'administrator' };
const carl: Principal = { user: 'carl', role: 'records_custodian', trainingExpires: T + 365 * DAY_MS };
const cora: Principal = { user: 'cora', role: 'records_custodian', trainingExpires: T + 365 * DAY_MS };
let clock: Clock;
let audit: AuditLog;
let releases: Releases;

function open(profile: string): void {
  const dir = tempDir('rel');
  clock = clockAt(T);
  audit = openAudit(dir, clock);
  releases = openReleases(dir, loadProfile(profile), audit, clock);
}

afterEach(async () => {
  await releases.close();
  await audit.close();
});

const REQUEST: ReleaseRequestInput = {
  agency: 'sacpd',
  requester: { name: 'Det. Lena Ford', title: 'Detective', contact: 'lford@example.org' },
  purpose: 'Vehicle tied to a homicide on 2026-07-30',
  uses: ['criminal_investigation'],
  case: 'SAC-26-991',
  scope: { kind: 'search', pattern: '7AB*', from: T - 10 * DAY_MS, to: T - 3 * DAY_MS },
};

describe('release procedure (POLICY R8)', () => {
  beforeEach(async () => {
    open('modesto');
    await releases.saveAgency(admin, { id: 'sacpd', name: 'Sacramento Police Department', kind: 'law_enforcement', state: 'ca' });
  });

  it('Modesto: written request → pending → approved by another custodian → fulfilled with exactly the approved scope, all on file', async () => {
    const req = await releases.request(carl, REQUEST);
    expect(req).toMatchObject({ id: 'R000001', status: 'pending', agencyName: 'Sacramento Police Department', enteredBy: 'carl', rules: [] });
    await expect(releases.decide(carl, req.id, true)).rejects.toMatchObject({ code: 'PS_ERR_SELF_APPROVAL' });
    await expect(releases.fulfil(cora, req.id, new RecordingExporter())).rejects.toMatchObject({ code: 'PS_ERR_RELEASE_STATE' });
    const ok = await releases.decide(cora, req.id, true, 'homicide, in scope');
    expect(ok).toMatchObject({ status: 'approved', decision: { by: 'cora', approved: true } });
    await expect(releases.decide(cora, req.id, false, 'changed mind')).rejects.toMatchObject({ code: 'PS_ERR_RELEASE_STATE' });
    const exporter = new RecordingExporter();
    const done = await releases.fulfil(carl, req.id, exporter);
    expect(exporter.calls).toEqual([REQUEST.scope]);
    expect(done).toMatchObject({ status: 'fulfilled', fulfilment: { by: 'carl', count: 42 } });
    await expect(releases.fulfil(carl, req.id, exporter)).rejects.toMatchObject({ code: 'PS_ERR_RELEASE_STATE' });
    expect(releases.list('fulfilled').map((r) => r.id)).toEqual([req.id]);
    expect(audit.query().map((r) => `${r.action}:${r.actor}:${r.outcome}`)).toEqual([
      'agencies.manage:ada:ok',
      'releases.request:carl:ok',
      'releases.decide:carl:PS_ERR_SELF_APPROVAL',
      'releases.fulfil:cora:PS_ERR_RELEASE_STATE',
      'releases.decide:cora:ok',
      'releases.decide:cora:PS_ERR_RELEASE_STATE',
      'releases.fulfil:carl:ok',
      'releases.fulfil:carl:PS_ERR_RELEASE_STATE',
    ]);
  });

  it('is decided only by the profile’s approver role, and a denial needs a reason', async () => {
    const req = await releases.request(carl, REQUEST);
    await expect(releases.decide(admin, req.id, true)).rejects.toMatchObject({ code: 'PS_ERR_APPROVER_ROLE' });
    await expect(releases.decide({ user: 'sue', role: 'supervisor' }, req.id, true)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await expect(releases.decide(cora, req.id, false)).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    expect(await releases.decide(cora, req.id, false, 'scope too broad')).toMatchObject({ status: 'denied', decision: { note: 'scope too broad' } });
  });

  it('refuses an incomplete written request and an unknown agency', async () => {
    await expect(releases.request(carl, { ...REQUEST, requester: { name: '' } })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT', details: { field: 'requester.name' } });
    await expect(releases.request(carl, { ...REQUEST, purpose: 'x' })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(releases.request(carl, { ...REQUEST, uses: ['selling'] } as unknown as ReleaseRequestInput)).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(releases.request(carl, { ...REQUEST, scope: { kind: 'range', from: T, to: T - 1 } })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(releases.request(carl, { ...REQUEST, agency: 'nope' })).rejects.toMatchObject({ code: 'PS_ERR_NOT_FOUND' });
    await expect(releases.request({ user: 'ivy', role: 'investigator' }, REQUEST)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
  });
});

describe('Menlo Park releases (MP 462.2, 462.7)', () => {
  beforeEach(() => open('menlo-park'));

  it('refuses out-of-state, federal and immigration recipients at once, naming the rule', async () => {
    await releases.saveAgency(admin, { id: 'renopd', name: 'Reno Police Department', kind: 'law_enforcement', state: 'NV' });
    await releases.saveAgency(admin, { id: 'fbi-sf', name: 'FBI San Francisco', kind: 'law_enforcement', state: 'CA', federal: true });
    await releases.saveAgency(admin, { id: 'ice', name: 'ICE ERO San Francisco', kind: 'law_enforcement', state: 'CA', federal: true, immigrationEnforcement: true });
    expect(await releases.request(carl, { ...REQUEST, agency: 'renopd' })).toMatchObject({ status: 'denied', rules: ['out_of_state'] });
    expect(await releases.request(carl, { ...REQUEST, agency: 'fbi-sf' })).toMatchObject({ status: 'denied', rules: ['federal'] });
    expect(await releases.request(carl, { ...REQUEST, agency: 'ice' })).toMatchObject({ status: 'denied', rules: ['federal', 'immigration_enforcement'] });
    const denied = audit.query({ actions: ['releases.request'] });
    expect(denied.map((r) => (r.subject as { rules: string[] }).rules)).toEqual([['out_of_state'], ['federal'], ['federal', 'immigration_enforcement']]);
  });

  it('shares with a contracted entity only under a contract in force, checked again at fulfilment', async () => {
    const contract = { from: T - DAY_MS, to: T + 10 * DAY_MS, authorizedBy: 'Chief Dixon' };
    await releases.saveAgency(admin, { id: 'vendor', name: 'Camera Vendor Inc.', kind: 'contracted_entity', state: 'CA' });
    expect(await releases.request(carl, { ...REQUEST, agency: 'vendor' })).toMatchObject({ status: 'denied', rules: ['no_contract'] });
    await releases.saveAgency(admin, { id: 'vendor', name: 'Camera Vendor Inc.', kind: 'contracted_entity', state: 'CA', contract });
    const req = await releases.request(carl, { ...REQUEST, agency: 'vendor' });
    expect(req.status).toBe('pending');
    await releases.decide(cora, req.id, true);
    clock.t = T + 11 * DAY_MS;
    const exporter = new RecordingExporter();
    await expect(releases.fulfil(carl, req.id, exporter)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN', details: { rules: ['no_contract'] } });
    expect(exporter.calls).toHaveLength(0);
  });
});

describe('El Cajon releases (EC 427.9)', () => {
  beforeEach(async () => {
    open('el-cajon');
    await releases.saveAgency(admin, { id: 'sdso', name: 'San Diego County Sheriff', kind: 'law_enforcement', state: 'CA' });
  });

  it('needs the need-to-know and never serves reproductive-health investigations', async () => {
    expect(await releases.request(carl, { ...REQUEST, agency: 'sdso' })).toMatchObject({ status: 'denied', rules: ['need_to_know'] });
    const ntk = { needToKnow: 'Suspect vehicle in an open case' };
    expect(await releases.request(carl, { ...REQUEST, agency: 'sdso', ...ntk, uses: ['reproductive_health'] })).toMatchObject({ rules: ['reproductive_health'] });
    expect(await releases.request(carl, { ...REQUEST, agency: 'sdso', ...ntk })).toMatchObject({ status: 'pending' });
  });
});
