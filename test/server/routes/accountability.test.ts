import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSources } from '../../../server/reports/sources.js';
import { addCamera, apiHarness, INQUIRY, PASSWORD, postReads, type ApiHarness } from '../../support/api.js';

const DAY = 86_400_000;

describe('accounts, audits, releases and reports over HTTP (POLICY R1, R3, R8, R9), Menlo Park profile', () => {
  let h: ApiHarness;
  const t0 = Date.now() - 3_600_000;
  beforeAll(async () => {
    h = await apiHarness();
    const cam = await addCamera(h, 'cam-m');
    await postReads(h, cam, [
      { seq: 1, ts: t0, plate: '7REL001', st: 'CA' },
      { seq: 2, ts: t0 + 1000, plate: '7REL002', st: 'CA' },
      { seq: 3, ts: t0 + 2000, plate: '8OTH003', st: 'CA' },
    ]);
    await h.addUser('rc-two', 'records_custodian');
  }, 60_000);
  afterAll(() => h.server.close());

  it('lets an administrator create, train, disable and review accounts, each change recorded', async () => {
    const weak = await h.call<{ error: { code: string } }>('POST', '/v1/users', { as: 'administrator', json: { user: 'ofc-new', name: 'Officer New', role: 'operator', password: 'short' } });
    expect(weak.body.error.code).toBe('PS_ERR_PASSWORD_WEAK');
    const made = await h.call<{ user: string; trainingCurrent: boolean }>('POST', '/v1/users', { as: 'administrator', json: { user: 'ofc-new', name: 'Officer New', role: 'operator', password: PASSWORD } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ user: 'ofc-new', trainingCurrent: false });
    const trained = await h.call<{ trainingCurrent: boolean }>('POST', '/v1/users/ofc-new/train', { as: 'administrator', json: { completed: Date.now() - DAY } });
    expect(trained.body.trainingCurrent).toBe(true);
    const login = await h.call<{ token: string }>('POST', '/v1/auth/login', { json: { user: 'ofc-new', password: PASSWORD } });
    expect(login.status).toBe(200);
    const disabled = await h.call<{ disabled: { reason: string } }>('POST', '/v1/users/ofc-new/disable', { as: 'administrator', json: { reason: 'transferred' } });
    expect(disabled.body.disabled.reason).toBe('transferred');
    const cut = await h.call<{ error: { code: string } }>('GET', '/v1/auth/me', { token: login.body.token });
    expect(cut.status).toBe(401);
    const reviewed = await h.call<{ disabled?: unknown }>('POST', '/v1/users/ofc-new/review', { as: 'administrator', json: { enable: true } });
    expect(reviewed.body.disabled).toBeUndefined();
    const users = await h.call<Array<{ user: string; password?: unknown }>>('GET', '/v1/users', { as: 'administrator' });
    expect(users.body.map((u) => u.user)).toContain('ofc-new');
    expect(users.body.every((u) => u.password === undefined)).toBe(true);
    expect(h.server.rooms.audit.query({ actor: 'administrator', actions: ['user.create', 'user.train', 'user.disable', 'user.review'] }).map((r) => r.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.train', 'user.disable', 'user.review']),
    );
  });

  it('draws a random sample of browsing inquiries and records a supervisor’s review of each pick', async () => {
    for (const pattern of ['7REL*', '8OTH*', '7RE?00?']) {
      expect((await h.call('POST', '/v1/search', { as: 'investigator', json: { pattern, ...INQUIRY } })).status).toBe(200);
    }
    const sample = await h.call<{ sample: number; picks: number[]; population: number }>('POST', '/v1/audit/samples', { as: 'supervisor', json: { months: 6, count: 2, seed: 'fixed' } });
    expect(sample.status).toBe(201);
    expect(sample.body.population).toBe(3);
    expect(sample.body.picks).toHaveLength(2);
    const [first, second] = sample.body.picks as [number, number];
    const ok = await h.call<{ outcome: string }>('POST', `/v1/audit/samples/${sample.body.sample}/reviews`, { as: 'supervisor', json: { seq: first, outcome: 'compliant' } });
    expect(ok.status).toBe(201);
    const noNote = await h.call<{ error: { code: string } }>('POST', `/v1/audit/samples/${sample.body.sample}/reviews`, { as: 'supervisor', json: { seq: second, outcome: 'violation' } });
    expect(noNote.body.error.code).toBe('PS_ERR_BAD_INPUT');
    const violation = await h.call('POST', `/v1/audit/samples/${sample.body.sample}/reviews`, { as: 'supervisor', json: { seq: second, outcome: 'violation', note: 'case number unrelated to the plate' } });
    expect(violation.status).toBe(201);
    const notPicked = await h.call<{ error: { code: string } }>('POST', `/v1/audit/samples/${sample.body.sample}/reviews`, { as: 'supervisor', json: { seq: 1, outcome: 'compliant' } });
    expect(notPicked.body.error.code).toBe('PS_ERR_AUDIT_SAMPLE');
  });

  it('denies an out-of-state release naming the rule, and fulfils an approved one with exactly its scope', async () => {
    const agency = (id: string, name: string, state: string) => h.call('POST', '/v1/agencies', { as: 'records_custodian', json: { id, name, kind: 'law_enforcement', state } });
    expect((await agency('scso', 'Santa Clara County Sheriff', 'CA')).status).toBe(201);
    expect((await agency('renopd', 'Reno Police Department', 'NV')).status).toBe(201);
    const request = (agencyId: string) =>
      h.call<{ id: string; status: string; rules: string[] }>('POST', '/v1/releases', {
        as: 'records_custodian',
        json: {
          agency: agencyId,
          requester: { name: 'Det. A. Park', contact: 'apark@example.org' },
          purpose: 'Identify the vehicle seen at a burglary on Oak Street',
          uses: ['criminal_investigation'],
          case: 'SC-26-0099',
          scope: { kind: 'search', pattern: '7REL*', from: t0 - 1000, to: t0 + 60_000 },
        },
      });
    const denied = await request('renopd');
    expect(denied.body).toMatchObject({ status: 'denied', rules: ['out_of_state'] });
    const pending = await request('scso');
    expect(pending.body.status).toBe('pending');
    const self = await h.call<{ error: { code: string } }>('POST', `/v1/releases/${pending.body.id}/decision`, { as: 'records_custodian', json: { approve: true } });
    expect(self.body.error.code).toBe('PS_ERR_SELF_APPROVAL');
    const early = await h.call<{ error: { code: string } }>('POST', `/v1/releases/${pending.body.id}/fulfil`, { as: 'records_custodian' });
    expect(early.body.error.code).toBe('PS_ERR_RELEASE_STATE');
    const approved = await h.call<{ status: string }>('POST', `/v1/releases/${pending.body.id}/decision`, { as: 'rc-two', json: { approve: true, note: 'need to know shown' } });
    expect(approved.body.status).toBe('approved');
    const out = await h.call<{ request: { status: string; fulfilment: { count: number; sha256: string } }; items: Array<{ plate: string }> }>('POST', `/v1/releases/${pending.body.id}/fulfil`, { as: 'records_custodian' });
    expect(out.body.request.status).toBe('fulfilled');
    expect(out.body.items.map((d) => d.plate).sort()).toEqual(['7REL001', '7REL002']);
    expect(out.body.request.fulfilment.count).toBe(2);
    expect(h.server.rooms.audit.query({ actions: ['export'] })[0]).toMatchObject({ actor: 'records-custodian', case: 'SC-26-0099', results: 2 });
    const listed = await h.call<Array<{ id: string; status: string }>>('GET', '/v1/releases', { as: 'administrator', query: { status: 'fulfilled' } });
    expect(listed.body.map((r) => r.id)).toEqual([pending.body.id]);
  });

  it('reports the quarter as JSON and HTML, and publishes a transparency page without plates or names', async () => {
    const now = new Date();
    const q = { year: String(now.getUTCFullYear()), quarter: String(Math.floor(now.getUTCMonth() / 3) + 1) };
    const json = await h.call<{ detections: number; searches: { total: number; byPurpose: Record<string, number> }; releases: { approved: number; denied: number }; audits: { violations: number } }>(
      'GET',
      '/v1/reports/quarterly',
      { as: 'auditor', query: q },
    );
    expect(json.status).toBe(200);
    expect(json.body.detections).toBe(3);
    expect(json.body.searches.byPurpose.stolen_vehicle).toBe(3);
    expect(json.body.releases).toMatchObject({ approved: 1, denied: 1 });
    expect(json.body.audits.violations).toBe(1);
    const html = await h.call('GET', '/v1/reports/quarterly', { as: 'supervisor', query: { ...q, format: 'html' } });
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain('<html');

    // Windows inside a partition count from its capture-time column.
    const counts = reportSources(h.server.rooms);
    expect(await counts.detections!.detectionCount({ from: t0 + 500, to: t0 + 1500 })).toBe(1);
    expect(await counts.cameras!.cameraCount(Date.now())).toBe(1);

    const page = await h.call('GET', '/transparency');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('Santa Clara County Sheriff');
    for (const secret of ['7REL001', '7REL002', '8OTH003', 'ZZZ999', 'investigator', 'Person ', 'SC-26-0099', '26-0142', 'cam-m']) expect(page.text).not.toContain(secret);
  });
});
