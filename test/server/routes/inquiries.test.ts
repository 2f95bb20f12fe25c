import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCamera, apiHarness, eventually, INQUIRY, postReads, type ApiHarness } from '../../support/api.js';

interface Det {
  id: string;
  plate: string;
}

describe('inquiries into stored data over HTTP (POLICY R2)', () => {
  let h: ApiHarness;
  let cam: string;
  const t0 = Date.now() - 60_000;
  beforeAll(async () => {
    h = await apiHarness();
    cam = await addCamera(h, 'cam-a');
    const r = await postReads(h, cam, [
      { seq: 1, ts: t0, plate: '7ABC123', st: 'CA', lat: 37.45, lon: -122.18 },
      { seq: 2, ts: t0 + 1000, plate: '7ABD999', st: 'CA', lat: 37.45, lon: -122.18 },
      { seq: 3, ts: t0 + 2000, plate: '5XYZ001', st: 'CA' },
    ]);
    expect(r.body.acked).toEqual([1, 2, 3]);
  }, 60_000);
  afterAll(() => h.server.close());

  const records = (action: string) => h.server.rooms.audit.query({ actions: [action] });

  it('refuses a search without case and purpose before the query is even parsed, and records the refusal', async () => {
    const noCase = await h.call<{ error: { code: string } }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '!!' } });
    expect([noCase.status, noCase.body.error.code]).toEqual([400, 'PS_ERR_CASE_REQUIRED']);
    const noPurpose = await h.call<{ error: { code: string } }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '7AB*', case: '26-0142' } });
    expect(noPurpose.body.error.code).toBe('PS_ERR_PURPOSE_REQUIRED');
    const prohibited = await h.call<{ error: { code: string } }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '7AB*', case: '26-0142', purpose: 'personal_use' } });
    expect(prohibited.body.error.code).toBe('PS_ERR_PURPOSE_NOT_PERMITTED');
    const refusals = records('detections.search').filter((r) => r.outcome !== 'ok');
    expect(refusals.map((r) => r.outcome)).toEqual(['PS_ERR_CASE_REQUIRED', 'PS_ERR_PURPOSE_REQUIRED', 'PS_ERR_PURPOSE_NOT_PERMITTED']);
    expect(refusals.every((r) => r.actor === 'investigator' && r.results === undefined)).toBe(true);
  });

  it('answers a search under case and purpose and records who, when, from where, what and how many', async () => {
    const before = Date.now();
    const r = await h.call<{ total: number; items: Det[] }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '7AB*', ...INQUIRY } });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((d) => d.plate)).toEqual(['7ABD999', '7ABC123']);
    const rec = records('detections.search').filter((x) => x.outcome === 'ok').at(-1)!;
    expect(rec).toMatchObject({ actor: 'investigator', role: 'investigator', case: '26-0142', purpose: 'stolen_vehicle', results: 2, subject: { pattern: '7AB*' } });
    expect(rec.from).toMatch(/\d/);
    expect(rec.ts).toBeGreaterThanOrEqual(before);
  });

  it('views one detection and its images only under case and purpose, each access recorded', async () => {
    const found = await h.call<{ items: Det[] }>('POST', '/v1/search', { as: 'supervisor', json: { pattern: '5XYZ*', ...INQUIRY } });
    const id = found.body.items[0]!.id;
    const refused = await h.call<{ error: { code: string } }>('GET', `/v1/detections/${id}`, { as: 'investigator' });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'PS_ERR_CASE_REQUIRED']);
    const view = await h.call<Det>('GET', `/v1/detections/${id}`, { as: 'investigator', query: INQUIRY });
    expect(view.body).toMatchObject({ id, plate: '5XYZ001' });
    const crop = await h.call<{ error: { code: string } }>('GET', `/v1/detections/${id}/crop`, { as: 'investigator', query: INQUIRY });
    expect([crop.status, crop.body.error.code]).toEqual([404, 'PS_ERR_NOT_FOUND']);
    expect(records('detections.view').map((r) => [r.outcome, r.case, r.results])).toEqual([
      ['PS_ERR_CASE_REQUIRED', undefined, undefined],
      ['ok', '26-0142', 1],
    ]);
    // The record was read to find there is no crop: that is an access, and it is on record.
    expect(records('images.view').map((r) => [r.actor, r.outcome, r.case])).toEqual([['investigator', 'ok', '26-0142']]);
    expect(records('detections.view').every((r) => typeof r.from === 'string')).toBe(true);
  });

  it('serves the plate crop (gray8 as PGM) and the overview JPEG only under case and purpose', async () => {
    const pixels = Uint8Array.from([0, 64, 128, 255, 10, 20]);
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const body = pack([{ seq: 10, ts: Date.now() - 5000, plate: '3IMG001', crop: { fmt: 'gray8', w: 3, h: 2, data: pixels }, img: jpeg }]);
    const posted = await fetch(`${h.server.url}/v1/reads`, { method: 'POST', headers: { authorization: `Bearer ${cam}`, 'content-type': 'application/msgpack' }, body: new Uint8Array(body) });
    expect(((await posted.json()) as { acked: number[] }).acked).toEqual([10]);
    const id = (await h.call<{ items: Det[] }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '3IMG*', ...INQUIRY } })).body.items[0]!.id;
    const refused = await h.call<{ error: { code: string } }>('GET', `/v1/detections/${id}/image`, { as: 'investigator', query: { case: '26-0142' } });
    expect(refused.body.error.code).toBe('PS_ERR_PURPOSE_REQUIRED');
    const crop = await fetch(`${h.server.url}/v1/detections/${id}/crop?case=26-0142&purpose=stolen_vehicle`, { headers: { authorization: `Bearer ${h.tokens.investigator}` } });
    expect(crop.headers.get('content-type')).toBe('image/x-portable-graymap');
    expect(Buffer.from(await crop.arrayBuffer())).toEqual(Buffer.concat([Buffer.from('P5\n3 2\n255\n'), pixels]));
    const img = await fetch(`${h.server.url}/v1/detections/${id}/image?case=26-0142&purpose=stolen_vehicle`, { headers: { authorization: `Bearer ${h.tokens.investigator}` } });
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(jpeg);
    const plain = await h.call<Det & { crop?: { data?: unknown } }>('GET', `/v1/detections/${id}`, { as: 'investigator', query: INQUIRY });
    expect(plain.body.crop?.data).toBeUndefined();
  });

  it('places holds by search as an investigator, lists them, and lets only a custodian release them', async () => {
    const noCase = await h.call<{ error: { code: string } }>('POST', '/v1/holds', { as: 'investigator', json: { search: { pattern: '7AB*' } } });
    expect(noCase.body.error.code).toBe('PS_ERR_CASE_REQUIRED');
    const placed = await h.call<{ id: string; ids: string[]; case: string }>('POST', '/v1/holds', { as: 'investigator', json: { ...INQUIRY, note: 'suspect vehicle', search: { pattern: '7AB*' } } });
    expect(placed.status).toBe(201);
    expect(placed.body.ids).toHaveLength(2);
    expect(placed.body.case).toBe('26-0142');
    const listed = await h.call<Array<{ id: string }>>('GET', '/v1/holds', { as: 'records_custodian' });
    expect(listed.body.map((x) => x.id)).toContain(placed.body.id);
    const byInvestigator = await h.call<{ error: { code: string } }>('POST', `/v1/holds/${placed.body.id}/release`, { as: 'investigator', json: {} });
    expect([byInvestigator.status, byInvestigator.body.error.code]).toEqual([403, 'PS_ERR_FORBIDDEN']);
    const released = await h.call<{ id: string }>('POST', `/v1/holds/${placed.body.id}/release`, { as: 'records_custodian', json: { note: 'case closed' } });
    expect(released.status).toBe(200);
    expect((await h.call<unknown[]>('GET', '/v1/holds', { as: 'supervisor' })).body).toEqual([]);
    expect(records('hold.place').map((r) => [r.actor, r.outcome, r.results ?? null])).toEqual([
      ['investigator', 'PS_ERR_CASE_REQUIRED', null],
      ['investigator', 'ok', 2],
    ]);
    expect(records('hold.release').map((r) => [r.actor, r.outcome])).toEqual([['records-custodian', 'ok']]);
    expect(records('hold.release.note')[0]).toMatchObject({ actor: 'records-custodian', subject: { note: 'case closed' } });
  });

  it('shows hits only under case and purpose, records the view, and keeps covert hits from uncleared roles', async () => {
    expect((await h.call('PUT', '/v1/hotlists/stolen', { as: 'administrator', json: { kind: 'general', maxDistance: 0 } })).status).toBe(200);
    const imp = await h.call<{ imported: number }>('POST', '/v1/hotlists/stolen/import', { as: 'administrator', query: { replace: '1' }, type: 'text/csv', body: 'plate,state,reason\n8HIT001,CA,stolen\n' });
    expect(imp.body.imported).toBe(1);
    await postReads(h, cam, [{ seq: 11, ts: Date.now() - 1000, plate: '8HIT001', st: 'CA' }]);
    // The hit lands beside the acknowledgement: wait for the store, not through audited views.
    await eventually(async () => expect(h.server.rooms.hits.since(0)).toHaveLength(1));
    const refused = await h.call<{ error: { code: string } }>('GET', '/v1/hits', { as: 'dispatcher' });
    expect(refused.body.error.code).toBe('PS_ERR_CASE_REQUIRED');
    const hits = await h.call<{ items: Array<{ hit: string; entry: { list: string }; life: { state: string } }> }>('GET', '/v1/hits', { as: 'dispatcher', query: INQUIRY });
    expect(hits.body.items.map((x) => [x.entry.list, x.life.state])).toEqual([['stolen', 'new']]);
    const one = await h.call<{ hit: string }>('GET', `/v1/hits/${hits.body.items[0]!.hit}`, { as: 'investigator', query: INQUIRY });
    expect(one.body.hit).toBe(hits.body.items[0]!.hit);
    expect(records('hits.view').map((r) => [r.actor, r.outcome, r.results ?? null])).toEqual([
      ['dispatcher', 'PS_ERR_CASE_REQUIRED', null],
      ['dispatcher', 'ok', 1],
      ['investigator', 'ok', 1],
    ]);
    const entries = await h.call<{ items: Array<{ plate: string }> }>('GET', '/v1/hotlists/stolen/entries', { as: 'operator', query: INQUIRY });
    expect(entries.body.items.map((e) => e.plate)).toEqual(['8HIT001']);
    expect(records('hotlist.view').at(-1)).toMatchObject({ actor: 'operator', case: '26-0142', results: 1, outcome: 'ok' });

    await h.call('PUT', '/v1/hotlists/covert-ops', { as: 'administrator', json: { kind: 'general', covert: true, maxDistance: 0 } });
    await h.call('POST', '/v1/hotlists/covert-ops/import', { as: 'administrator', type: 'application/x-ndjson', body: '{"plate":"9COV001","reason":"wanted"}\n' });
    await postReads(h, cam, [{ seq: 12, ts: Date.now() - 500, plate: '9COV001' }]);
    await eventually(async () => expect(h.server.rooms.hits.since(0).map((x) => x.entry.list)).toContain('covert-ops'));
    const dispatcherView = await h.call<{ items: Array<{ entry: { list: string } }> }>('GET', '/v1/hits', { as: 'dispatcher', query: INQUIRY });
    expect(dispatcherView.body.items.map((x) => x.entry.list)).toEqual(['stolen']);
    const supervisorView = await h.call<{ items: Array<{ entry: { list: string } }> }>('GET', '/v1/hits', { as: 'supervisor', query: INQUIRY });
    expect(supervisorView.body.items.map((x) => x.entry.list)).toEqual(['stolen', 'covert-ops']);
    const covertEntries = await h.call<{ error: { code: string } }>('GET', '/v1/hotlists/covert-ops/entries', { as: 'operator', query: INQUIRY });
    expect(covertEntries.body.error.code).toBe('PS_ERR_FORBIDDEN');
  });

  it('keeps the audit chain intact through all of it', async () => {
    const v = await h.call<{ ok: boolean; checked: number }>('GET', '/v1/audit/verify', { as: 'auditor' });
    expect(v.body.ok).toBe(true);
    expect(v.body.checked).toBeGreaterThan(20);
    const read = await h.call<Array<{ action: string }>>('GET', '/v1/audit', { as: 'auditor', query: { action: 'detections.search', limit: '50' } });
    expect(read.body.length).toBeGreaterThanOrEqual(4);
    expect(read.body.every((r) => r.action === 'detections.search')).toBe(true);
  });
});
