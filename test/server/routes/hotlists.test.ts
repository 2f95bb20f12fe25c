import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollIntervalMs } from '../../../server/hotlists/scheduled-imports.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import { addCamera, apiHarness, eventually, INQUIRY, postReads, type ApiHarness } from '../../support/api.js';

const HOUR = 3_600_000;

interface ListView {
  name: string;
  kind: string;
  status: string;
  count: number;
  informational: boolean;
  freshness?: { state: string };
  approval?: { status: string; submittedBy: string; decidedBy?: string };
}

const hotPlate = {
  list: 'manual',
  plate: '6MAN001',
  state: 'CA',
  reason: 'stolen_vehicle',
  entered_by: 'Ofc. R. Diaz #4411',
  phone: '(916) 555-0142',
  case: '26-0777',
  synopsis: 'Vehicle taken from driveway overnight; keys missing.',
};

describe('hot-list governance over HTTP (POLICY R4), Roseville profile', () => {
  let h: ApiHarness;
  let cam: string;
  let seq = 0;
  beforeAll(async () => {
    h = await apiHarness({ profile: 'roseville', hotlistImports: { enabled: false } });
    cam = await addCamera(h, 'cam-r');
    await h.addUser('sup-two', 'supervisor');
  }, 60_000);
  afterAll(() => h.server.close());

  const read = (plate: string) => postReads(h, cam, [{ seq: ++seq, ts: Date.now() - 1000, plate, st: 'CA' }]);
  const hitLists = async () =>
    (await h.call<{ items: Array<{ entry: { list: string; plate: string; info: boolean } }> }>('GET', '/v1/hits', { as: 'supervisor', query: INQUIRY })).body.items.map(
      (x) => `${x.entry.list}:${x.entry.plate}${x.entry.info ? ':info' : ''}`,
    );

  it('refuses imports into lists nobody designated, and bodies that are neither CSV nor JSON Lines', async () => {
    const undesignated = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/ncic/import', { as: 'administrator', type: 'text/csv', body: 'plate\n1ABC234\n' });
    expect([undesignated.status, undesignated.body.error.code]).toEqual([404, 'PS_ERR_HOTLIST_UNKNOWN']);
    await h.call('PUT', '/v1/hotlists/ncic', { as: 'administrator', json: { kind: 'general', maxDistance: 0 } });
    const wrongType = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/ncic/import', { as: 'administrator', json: [{ plate: '1ABC234' }] });
    expect(wrongType.body.error.code).toBe('PS_ERR_HOTLIST_FORMAT');
    const ok = await h.call<{ imported: number; excluded: number; rejectedCount: number }>('POST', '/v1/hotlists/ncic/import', {
      as: 'administrator',
      query: { replace: '1' },
      type: 'text/csv',
      body: 'plate,state,reason,source\n1ABC234,CA,stolen,SVS\n2DEF345,CA,wanted,IMMIGRATION_VIOLATOR\n???,CA,stolen,SVS\n',
    });
    expect(ok.body).toMatchObject({ imported: 1, excluded: 1, rejectedCount: 1 });
    const replaced = await h.call<{ imported: number }>('POST', '/v1/hotlists/ncic/import', { as: 'administrator', query: { replace: '1' }, type: 'text/csv', body: 'plate,reason\n3GHI456,stolen\n' });
    expect(replaced.body.imported).toBe(1);
    const lists = await h.call<ListView[]>('GET', '/v1/hotlists', { as: 'dispatcher' });
    expect(lists.body.find((l) => l.name === 'ncic')).toMatchObject({ count: 1, status: 'live', freshness: { state: 'fresh' } });
    expect(h.server.rooms.audit.query({ actions: ['hotlist.import'] }).map((r) => [r.actor, r.results])).toEqual([
      ['administrator', 1],
      ['administrator', 1],
    ]);
  });

  it('refuses a manual hot plate without name, phone, case or synopsis, or past the 24-hour NCIC cap', async () => {
    await h.call('PUT', '/v1/hotlists/manual', { as: 'administrator', json: { kind: 'manual', maxDistance: 0 } });
    const incomplete: Partial<typeof hotPlate> = { ...hotPlate };
    delete incomplete.phone;
    delete incomplete.synopsis;
    const missing = await h.call<{ error: { code: string; message: string } }>('POST', '/v1/hotplates', { as: 'operator', json: incomplete });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'PS_ERR_HOTPLATE_INCOMPLETE']);
    expect(missing.body.error.message).toMatch(/phone.*synopsis/);
    const tooLong = await h.call<{ error: { code: string } }>('POST', '/v1/hotplates', { as: 'operator', json: { ...hotPlate, ncic: true, expires: Date.now() + 48 * HOUR } });
    expect(tooLong.body.error.code).toBe('PS_ERR_HOTPLATE_EXPIRY');
    const intoGeneral = await h.call<{ error: { code: string } }>('POST', '/v1/hotplates', { as: 'operator', json: { ...hotPlate, list: 'ncic' } });
    expect(intoGeneral.body.error.code).toBe('PS_ERR_BAD_INPUT');
    const ok = await h.call<{ entry: { expires: number; memberName: string }; list: ListView }>('POST', '/v1/hotplates', { as: 'operator', json: { ...hotPlate, ncic: true } });
    expect(ok.status).toBe(201);
    expect(ok.body.entry.expires - Date.now()).toBeLessThanOrEqual(24 * HOUR);
    expect(ok.body.list).toMatchObject({ name: 'manual', status: 'live', count: 1 });
    await read('6MAN001');
    await eventually(async () => expect(await hitLists()).toContain('manual:6MAN001'));
    expect(h.server.rooms.audit.query({ actions: ['hotplate.enter'] })[0]).toMatchObject({ actor: 'operator', case: '26-0777', outcome: 'ok' });
  });

  it('keeps a special list pending until a supervisor other than the enterer approves it; its hits are informational', async () => {
    const made = await h.call<ListView>('PUT', '/v1/hotlists/dept-special', { as: 'administrator', json: { kind: 'special', maxDistance: 0 } });
    expect(made.body).toMatchObject({ status: 'pending', informational: true, approval: { status: 'pending', submittedBy: 'administrator' } });
    const entered = await h.call<{ list: ListView }>('POST', '/v1/hotplates', { as: 'supervisor', json: { ...hotPlate, list: 'dept-special', plate: '4SPC001' } });
    expect(entered.body.list).toMatchObject({ status: 'pending', approval: { submittedBy: 'supervisor' } });
    await read('4SPC001');
    expect(await hitLists()).not.toContain('dept-special:4SPC001:info');

    const byAdmin = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/dept-special/approve', { as: 'administrator', json: {} });
    expect([byAdmin.status, byAdmin.body.error.code]).toEqual([403, 'PS_ERR_APPROVER_ROLE']);
    const bySelf = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/dept-special/approve', { as: 'supervisor', json: {} });
    expect([bySelf.status, bySelf.body.error.code]).toEqual([403, 'PS_ERR_SELF_APPROVAL']);
    const approved = await h.call<ListView>('POST', '/v1/hotlists/dept-special/approve', { as: 'sup-two', json: { note: 'checked with the case agent' } });
    expect(approved.body).toMatchObject({ status: 'live', approval: { status: 'approved', decidedBy: 'sup-two' } });
    const again = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/dept-special/approve', { as: 'sup-two', json: {} });
    expect(again.body.error.code).toBe('PS_ERR_CONFLICT');

    await read('4SPC001');
    await eventually(async () => expect(await hitLists()).toContain('dept-special:4SPC001:info'));
    expect(h.server.rooms.audit.query({ actions: ['hotlist.approve'] }).map((r) => [r.actor, (r.subject as { status: string }).status])).toEqual([['sup-two', 'approved']]);
  });

  it('puts a special list back to pending when its content changes, and never lets a kind change skip approval', async () => {
    const imported = await h.call('POST', '/v1/hotlists/dept-special/import', { as: 'administrator', type: 'text/csv', body: 'plate,reason\n4SPC002,bolo\n' });
    expect(imported.status).toBe(200);
    const lists = await h.call<ListView[]>('GET', '/v1/hotlists', { as: 'administrator' });
    expect(lists.body.find((l) => l.name === 'dept-special')).toMatchObject({ status: 'pending', count: 2, approval: { status: 'pending', submittedBy: 'administrator' } });
    await read('4SPC002');
    expect((await hitLists()).filter((x) => x.startsWith('dept-special:4SPC002'))).toEqual([]);
    const sneak = await h.call<{ error: { code: string } }>('PUT', '/v1/hotlists/dept-special', { as: 'administrator', json: { kind: 'general' } });
    expect([sneak.status, sneak.body.error.code]).toEqual([409, 'PS_ERR_CONFLICT']);
    const rejected = await h.call<ListView>('POST', '/v1/hotlists/dept-special/approve', { as: 'supervisor', json: { approve: false, note: 'no case on file for 4SPC002' } });
    expect(rejected.body).toMatchObject({ status: 'pending', approval: { status: 'rejected', decidedBy: 'supervisor' } });
  });

  it('imports feed files from the watched folder into designated lists only, at least twice a day', async () => {
    const profile = loadProfile('roseville');
    expect(pollIntervalMs({ profile }, 86_400)).toBe(12 * HOUR);
    expect(pollIntervalMs({ profile }, 60)).toBe(60_000);
    const folder = h.server.imports.folder;
    expect(folder).toBe(join(h.server.config.dataDir, 'imports'));
    writeFileSync(join(folder, 'ncic.csv'), 'plate,state,reason\n5FED001,CA,stolen\n5FED002,CA,stolen\n');
    writeFileSync(join(folder, 'nobody.jsonl'), '{"plate":"5NOB001"}\n');
    const reports = await h.server.imports.poll();
    expect(reports.map((r) => [r.list, r.imported])).toEqual([['ncic', 2]]);
    // Already imported: the next poll leaves the list alone until the file changes.
    expect((await h.server.imports.poll()).length).toBe(0);
    await read('5FED002');
    await eventually(async () => expect(await hitLists()).toContain('ncic:5FED002'));
    expect(h.server.rooms.hotlists.lists().map((l) => l.settings.name)).not.toContain('nobody');
    const rec = h.server.rooms.audit.query({ actions: ['hotlist.import'] }).at(-1)!;
    expect(rec).toMatchObject({ actor: 'scheduler', outcome: 'ok', results: 2 });
  });

  it('flags a general list stale once older than the profile allows, on /healthz', async () => {
    const later = Date.now() + 13 * HOUR;
    expect(h.server.rooms.listFreshness(later).find((f) => f.list === 'ncic')?.state).toBe('stale');
    const health = await h.call<{ lists: Array<{ list: string; state: string }> }>('GET', '/healthz');
    expect(health.body.lists.find((l) => l.list === 'ncic')?.state).toBe('fresh');
  });
});
