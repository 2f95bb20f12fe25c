import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCamera, apiHarness, postReads, type ApiHarness } from '../../support/api.js';

describe('Modesto profile over HTTP: case or purpose, and a time-range release', () => {
  let h: ApiHarness;
  const t0 = Date.now() - 3_600_000;
  beforeAll(async () => {
    h = await apiHarness({ profile: 'modesto' });
    const a = await addCamera(h, 'cam-a');
    const b = await addCamera(h, 'cam-b');
    await postReads(h, a, [
      { seq: 1, ts: t0, plate: '4RNG001' },
      { seq: 2, ts: t0 + 10_000, plate: '4RNG002' },
      { seq: 3, ts: t0 + 90_000, plate: '4RNG003' },
    ]);
    await postReads(h, b, [{ seq: 1, ts: t0 + 5_000, plate: '4RNG004' }]);
    await h.addUser('rc-two', 'records_custodian');
  }, 60_000);
  afterAll(() => h.server.close());

  it('accepts a case number or a purpose, and refuses an inquiry with neither', async () => {
    const neither = await h.call<{ error: { code: string } }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '4RNG*' } });
    expect([neither.status, neither.body.error.code]).toEqual([400, 'PS_ERR_INQUIRY_REQUIRED']);
    const purposeOnly = await h.call<{ total: number }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '4RNG*', purpose: 'crime_scene_canvass' } });
    expect(purposeOnly.body.total).toBe(4);
    const caseOnly = await h.call<{ total: number }>('GET', '/v1/hits', { as: 'supervisor', query: { case: 'MO-26-5' } });
    expect(caseOnly.status).toBe(200);
    const recs = h.server.rooms.audit.query({ actions: ['detections.search', 'hits.view'] });
    expect(recs.map((r) => [r.action, r.outcome, r.case ?? null, r.purpose ?? null])).toEqual([
      ['detections.search', 'PS_ERR_INQUIRY_REQUIRED', null, null],
      ['detections.search', 'ok', null, 'crime_scene_canvass'],
      ['hits.view', 'ok', 'MO-26-5', null],
    ]);
  });

  it('fulfils a time-range release with exactly the detections of its window and cameras', async () => {
    await h.call('POST', '/v1/agencies', { as: 'records_custodian', json: { id: 'stanso', name: 'Stanislaus County Sheriff', kind: 'law_enforcement', state: 'CA' } });
    const req = await h.call<{ id: string; status: string }>('POST', '/v1/releases', {
      as: 'records_custodian',
      json: {
        agency: 'stanso',
        requester: { name: 'Sgt. L. Ortega' },
        purpose: 'Canvass of vehicles near a robbery at Main and 5th',
        uses: ['crime_scene_canvass'],
        case: 'SO-26-311',
        scope: { kind: 'range', from: t0, to: t0 + 60_000, cameras: ['cam-a'] },
      },
    });
    expect(req.body.status).toBe('pending');
    await h.call('POST', `/v1/releases/${req.body.id}/decision`, { as: 'rc-two', json: { approve: true } });
    const out = await h.call<{ items: Array<{ plate: string; cam: string }>; request: { fulfilment: { count: number } } }>('POST', `/v1/releases/${req.body.id}/fulfil`, { as: 'records_custodian' });
    expect(out.body.items.map((d) => d.plate)).toEqual(['4RNG002', '4RNG001']);
    expect(out.body.request.fulfilment.count).toBe(2);
    const twice = await h.call<{ error: { code: string } }>('POST', `/v1/releases/${req.body.id}/fulfil`, { as: 'records_custodian' });
    expect(twice.body.error.code).toBe('PS_ERR_RELEASE_STATE');
  });
});
