import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../server/app.js';
import { addCamera, bootServer, camera, Client, consoleFor, encode, importList, signIn, wsUrl, type Frame } from '../support/server.js';

const LIST = `plate,state,reason,priority,case,entered_by,phone,synopsis,expires,source
7ABC123,CA,stolen_vehicle,90,C-100,Det. A,555-0100,Stolen from driveway,,NCIC
LEE8805,CA,wanted_person,80,C-200,Det. B,555-0101,Felony warrant,,NCIC
8XYZ*44,,bolo,60,C-300,Det. C,555-0102,Partial plate from witness,,LOCAL
`;
const COVERT = `plate,state,reason,priority,case,entered_by,phone,synopsis,expires,source
5KLM777,CA,other,70,C-900,Det. D,555-0109,Covert surveillance target,,LOCAL
`;

const access = { user: 'inv', role: 'investigator', case: 'C-100', purpose: 'stolen_vehicle', from: 'test' };

describe('real-time server: camera reads in, hits out', () => {
  let server: Server;
  let camToken: string;
  let dispatcher: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await bootServer({ consoles: { escalateAfterS: 0.5, maxEscalations: 1 } });
    await importList(server, 'stolen', LIST, { maxDistance: 1 });
    await importList(server, 'covert', COVERT, { covert: true, maxDistance: 0 });
    camToken = await addCamera(server, 'cam-1', [
      [
        [37.0, -122.0],
        [37.0, -121.99],
        [37.01, -121.99],
        [37.01, -122.0],
      ],
    ]);
    dispatcher = await signIn(server, 'disp', 'dispatcher');
    supervisor = await signIn(server, 'sup', 'supervisor');
  });
  afterAll(() => server.close());

  it('pushes a hit to subscribed consoles with entry and match, and acks the read once durable', async () => {
    const con = await consoleFor(server, dispatcher);
    const { client: cam, welcome } = await camera(server, 'cam-1', camToken);
    // Nothing stored yet for this camera: it resumes after -1 (seq 0 is a valid first seq).
    expect(welcome).toMatchObject({ t: 'welcome', ack: -1, hb: 30 });
    const ts = Date.now();
    cam.send({ t: 'read', seq: 1, ts, plate: '7ABC123', st: 'CA', conf: 0.97, lat: 37.45, lon: -122.18, veh: { make: 'Honda', color: 'blue' } });
    const hit = await con.next((f) => f.t === 'hit');
    expect(hit).toMatchObject({
      read: { plate: '7ABC123', st: 'CA', cam: 'cam-1', ts, lat: 37.45, veh: { make: 'Honda' } },
      entry: { list: 'stolen', plate: '7ABC123', st: 'CA', reason: 'stolen_vehicle', pri: 90, case: 'C-100', info: false },
      match: { kind: 'exact', diff: [] },
      state: 'new',
      verified: false,
    });
    expect(await cam.next((f) => f.t === 'ack')).toEqual({ t: 'ack', seq: 1 });
    const page = await server.rooms.detections.search({ pattern: '7ABC123' }, access, server.rooms.audit);
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ cam: 'cam-1', seq: 1, plate: '7ABC123' });
    cam.close();
    con.close();
  });

  it('matches OCR confusions, dropped characters and partial entries, saying how', async () => {
    const con = await consoleFor(server, dispatcher);
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const base = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq: base, ts: Date.now(), plate: '7A8C123', st: 'CA' });
    cam.send({ t: 'read', seq: base + 1, ts: Date.now(), plate: 'LE8805', st: 'CA' });
    cam.send({ t: 'read', seq: base + 2, ts: Date.now(), plate: '8XYZ9944', st: 'NV' });
    const hits = [await con.next((f) => f.t === 'hit'), await con.next((f) => f.t === 'hit'), await con.next((f) => f.t === 'hit')];
    const by = (plate: string) => hits.find((h) => (h.read as Frame).plate === plate)!;
    expect(by('7A8C123')).toMatchObject({ entry: { plate: '7ABC123' }, match: { kind: 'fuzzy', diff: [2] } });
    expect(by('LE8805')).toMatchObject({ entry: { plate: 'LEE8805' }, match: { kind: 'fuzzy' } });
    expect(by('8XYZ9944')).toMatchObject({ entry: { plate: '8XYZ*44', list: 'stolen' }, match: { kind: 'partial' } });
    await cam.next((f) => f.t === 'ack' && f.seq === base + 2);
    cam.close();
    con.close();
  });

  it('carries a hit through ack, verify and dispose, broadcast to every console, and replays with since', async () => {
    const a = await consoleFor(server, dispatcher);
    const b = await consoleFor(server, supervisor);
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq, ts: Date.now(), plate: '7ABC123', st: 'CA' });
    const hit = await a.next((f) => f.t === 'hit');
    await b.next((f) => f.t === 'hit' && f.hit === hit.hit);
    a.send({ t: 'verify', hit: hit.hit, listConfirmed: true, visualMatch: true });
    expect(await a.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_HIT_TRANSITION' });
    a.send({ t: 'ack', hit: hit.hit });
    expect(await b.next((f) => f.t === 'hit-update')).toMatchObject({ hit: hit.hit, state: 'acked', by: 'disp' });
    a.send({ t: 'verify', hit: hit.hit, listConfirmed: true, visualMatch: true });
    expect(await b.next((f) => f.t === 'hit-update')).toMatchObject({ state: 'verified', listConfirmed: true, visualMatch: true });
    a.send({ t: 'dispose', hit: hit.hit, disp: 'recovered' });
    expect(await a.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_CFS_REQUIRED' });
    a.send({ t: 'dispose', hit: hit.hit, disp: 'recovered', cfs: 'CFS-2026-0042' });
    expect(await b.next((f) => f.t === 'hit-update')).toMatchObject({ state: 'disposed', disp: 'recovered', cfs: 'CFS-2026-0042', by: 'disp' });
    const stored = server.rooms.hits.get(String(hit.hit))!;
    expect(stored.life).toMatchObject({ state: 'disposed', acknowledged: { by: 'disp' }, verification: { by: 'disp' }, disposition: { cfs: 'CFS-2026-0042' } });

    // A misread is counted per camera and per list (POLICY R5).
    cam.send({ t: 'read', seq: seq + 1, ts: Date.now(), plate: 'LEE8805', st: 'CA' });
    const wrong = await a.next((f) => f.t === 'hit' && (f.entry as Frame).plate === 'LEE8805');
    a.send({ t: 'ack', hit: wrong.hit });
    a.send({ t: 'verify', hit: wrong.hit, listConfirmed: true, visualMatch: false });
    expect(await b.next((f) => f.t === 'hit-update' && f.hit === wrong.hit && f.state === 'rejected')).toMatchObject({ visualMatch: false });
    a.send({ t: 'dispose', hit: wrong.hit, disp: 'misread' });
    await b.next((f) => f.t === 'hit-update' && f.hit === wrong.hit && f.state === 'disposed');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('platesafe_misreads_total{cam="cam-1",list="stolen"} 1');

    const late = await consoleFor(server, dispatcher, { since: Number(hit.seq) - 1 });
    expect(await late.next((f) => f.t === 'hit')).toMatchObject({ hit: hit.hit, replay: true, state: 'disposed', verified: true });
    for (const c of [a, b, late, cam]) c.close();
  });

  it('gives a console starting fresh the hits still open, and not the closed ones', async () => {
    const con = await consoleFor(server, dispatcher, { open: true });
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq, ts: Date.now(), plate: '7ABC123', st: 'CA' });
    const live = await con.next((f) => f.t === 'hit' && f.replay === undefined);
    const replayed = con.frames.filter((f) => f.t === 'hit' && f.replay === true);
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.every((f) => f.state !== 'disposed')).toBe(true);
    const fresh = await consoleFor(server, dispatcher, { open: true });
    expect(await fresh.next((f) => f.t === 'hit' && f.hit === live.hit)).toMatchObject({ replay: true, state: 'new' });
    for (const c of [con, fresh, cam]) c.close();
  });

  it('sends covert-list hits only to roles cleared for them, and filters by list and priority', async () => {
    const disp = await consoleFor(server, dispatcher);
    const sup = await consoleFor(server, supervisor);
    const high = await consoleFor(server, supervisor, { minPri: 95 });
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq, ts: Date.now(), plate: '5KLM777', st: 'CA' });
    cam.send({ t: 'read', seq: seq + 1, ts: Date.now(), plate: 'LEE8805', st: 'CA' });
    // Hits of earlier tests may be re-sent as escalated meanwhile; only these two reads count.
    const ours = (f: Frame) => f.t === 'hit' && !f.escalated && (f.read as { seq: number }).seq >= seq;
    expect(await sup.next(ours)).toMatchObject({ entry: { list: 'covert', covert: true } });
    const seen = await disp.next(ours);
    expect(seen).toMatchObject({ entry: { plate: 'LEE8805' } });
    await cam.next((f) => f.t === 'ack' && f.seq === seq + 1);
    expect(disp.frames.filter(ours)).toEqual([]);
    expect(high.frames.filter(ours)).toEqual([]);
    for (const c of [disp, sup, high, cam]) c.close();
  });

  it('re-sends a hit nobody acknowledged as escalated', async () => {
    const con = await consoleFor(server, dispatcher);
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq, ts: Date.now(), plate: 'LEE8805', st: 'CA' });
    const hit = await con.next((f) => f.t === 'hit');
    expect(await con.next((f) => f.t === 'hit' && f.hit === hit.hit && f.escalated === true, 5000)).toMatchObject({ escalations: 1 });
    con.close();
    cam.close();
  });

  it('resumes from the last durable seq and stores a resent read once', async () => {
    const token = await addCamera(server, 'cam-resume');
    const first = await camera(server, 'cam-resume', token);
    for (let s = 1; s <= 5; s++) first.client.send({ t: 'read', seq: s, ts: Date.now(), plate: `RES00${s}` });
    await first.client.next((f) => f.t === 'ack' && f.seq === 5);
    first.client.close();
    const again = await camera(server, 'cam-resume', token);
    expect(again.welcome.ack).toBe(5);
    again.client.send({ t: 'read', seq: 3, ts: Date.now(), plate: 'RES003' });
    expect(await again.client.next((f) => f.t === 'nack')).toMatchObject({ seq: 3, code: 'PS_ERR_SEQ_ORDER' });
    again.client.send({ t: 'read', seq: 6, ts: Date.now(), plate: 'RES006' });
    await again.client.next((f) => f.t === 'ack' && f.seq === 6);
    const page = await server.rooms.detections.search({ pattern: 'RES*', cams: ['cam-resume'] }, access, server.rooms.audit);
    expect(page.items.map((d) => d.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    again.client.close();
  });

  it('lets the newest connection of a camera take over', async () => {
    const token = await addCamera(server, 'cam-twice');
    const old = await camera(server, 'cam-twice', token);
    const fresh = await camera(server, 'cam-twice', token);
    expect(await old.client.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_REPLACED' });
    await old.client.whenClosed();
    fresh.client.send({ t: 'read', seq: 1, ts: Date.now(), plate: 'TWICE1' });
    await fresh.client.next((f) => f.t === 'ack' && f.seq === 1);
    fresh.client.close();
  });

  it('drops reads inside an exclusion zone, counted (POLICY R6)', async () => {
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.send({ t: 'read', seq, ts: Date.now(), plate: 'ZONE123', lat: 37.005, lon: -121.995 });
    expect(await cam.next((f) => f.t === 'nack')).toMatchObject({ seq, code: 'PS_ERR_EXCLUDED_ZONE' });
    cam.send({ t: 'read', seq: seq + 1, ts: Date.now(), plate: 'ZONE124', lat: 37.2, lon: -121.995 });
    await cam.next((f) => f.t === 'ack' && f.seq === seq + 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/platesafe_reads_excluded_total 1\b/);
    const page = await server.rooms.detections.search({ pattern: 'ZONE12?' }, access, server.rooms.audit);
    expect(page.items.map((d) => d.plate)).toEqual(['ZONE124']);
    cam.close();
  });

  it('answers bad frames with their documented codes and keeps the connection', async () => {
    const { client: cam } = await camera(server, 'cam-1', camToken);
    const seq = (await server.rooms.detections.lastSeq('cam-1')) + 1;
    cam.ws.send(Buffer.from([0xc1, 0xff, 0x00]));
    expect(await cam.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    cam.send({ t: 'selfie' });
    expect(await cam.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_UNKNOWN_TYPE' });
    cam.send({ t: 'read', seq, plate: 'NOTS123' });
    expect(await cam.next((f) => f.t === 'nack')).toMatchObject({ seq, code: 'PS_ERR_BAD_INPUT' });
    cam.send({ t: 'read', seq: seq + 1, ts: Date.now(), crop: { fmt: 'png', w: 10, h: 10, data: Buffer.alloc((1 << 20) + 1) } });
    expect(await cam.next((f) => f.t === 'nack')).toMatchObject({ seq: seq + 1, code: 'PS_ERR_BAD_INPUT' });
    cam.send({ t: 'read', seq: seq + 2, ts: Date.now(), plate: '!!!' });
    expect(await cam.next((f) => f.t === 'nack')).toMatchObject({ seq: seq + 2, code: 'PS_ERR_PLATE_INVALID' });
    cam.sendJson({ t: 'read', seq: seq + 3, ts: Date.now(), plate: 'JSON123' });
    expect(await cam.next((f) => f.t === 'ack')).toMatchObject({ seq: seq + 3 });
    cam.close();
  });

  it('refuses a wrong token at upgrade, a read before hello, and a camera speaking for another', async () => {
    await expect(Client.open(wsUrl(server, '/v1/camera'), 'pst_wrong')).rejects.toMatchObject({ status: 401 });
    await expect(Client.open(wsUrl(server, '/v1/console'), camToken)).rejects.toMatchObject({ status: 401 });
    const early = await Client.open(wsUrl(server, '/v1/camera'), camToken);
    early.send({ t: 'read', seq: 99, ts: Date.now(), plate: 'EARLY1' });
    expect(await early.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_HELLO_FIRST' });
    early.send({ t: 'hello', cam: 'cam-someone-else' });
    expect(await early.next((f) => f.t === 'err')).toMatchObject({ code: 'PS_ERR_CAMERA_MISMATCH' });
    await early.whenClosed();
  });

  it('takes reads over HTTP as JSON and MessagePack, and OpenALPR uploads unchanged', async () => {
    const token = await addCamera(server, 'cam-http');
    const con = await consoleFor(server, dispatcher);
    const json = await fetch(`${server.url}/v1/reads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ seq: 1, ts: Date.now(), plate: 'HTTP001' }, { seq: 2, ts: Date.now(), plate: '!!' }] }),
    });
    expect(await json.json()).toMatchObject({ acked: [1], nacked: [{ seq: 2, code: 'PS_ERR_PLATE_INVALID' }] });
    const mp = await fetch(`${server.url}/v1/reads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/msgpack' },
      body: new Uint8Array(encode({ seq: 3, ts: Date.now(), plate: 'HTTP003' })),
    });
    expect(await mp.json()).toMatchObject({ acked: [3] });
    expect((await fetch(`${server.url}/v1/reads`, { method: 'POST', body: '{}' })).status).toBe(401);
    const bad = await fetch(`${server.url}/v1/reads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'PS_ERR_BAD_INPUT' } });

    const group = {
      data_type: 'alpr_group',
      epoch_start: Date.now(),
      best_plate_number: '7ABC123',
      best_confidence: 91.5,
      best_region: 'us-ca',
      candidates: [{ plate: '7ABC123', confidence: 91.5 }, { plate: '7A8C123', confidence: 80 }],
      vehicle: { color: [{ name: 'silver', confidence: 80 }], make: [{ name: 'toyota', confidence: 70 }] },
    };
    const alpr = await fetch(`${server.url}/v1/compat/openalpr?token=${token}`, { method: 'POST', body: JSON.stringify(group) });
    expect(alpr.status).toBe(200);
    expect(((await alpr.json()) as { acked: number[] }).acked).toHaveLength(1);
    expect(await con.next((f) => f.t === 'hit')).toMatchObject({ read: { cam: 'cam-http', plate: '7ABC123', st: 'CA', veh: { color: 'silver' } } });
    con.close();
  });

  it('flags camera faults from heartbeats on consoles and /healthz', async () => {
    const token = await addCamera(server, 'cam-gps');
    const con = await consoleFor(server, dispatcher);
    const { client: cam } = await camera(server, 'cam-gps', token);
    await con.next((f) => f.t === 'health' && f.cam === 'cam-gps' && f.state === 'ok');
    cam.send({ t: 'hb', ts: Date.now(), st: { cams: 'ok', gps: 'nofix' } });
    expect(await con.next((f) => f.t === 'health' && f.cam === 'cam-gps' && f.state === 'fault')).toMatchObject({ reason: 'GPS has no fix' });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { faults: Frame[] };
    expect(health.faults).toContainEqual(expect.objectContaining({ cam: 'cam-gps', state: 'fault' }));
    cam.close();
    con.close();
  });
});

describe('a console that does not keep up', () => {
  it('is disconnected with a reason while ingest carries on', async () => {
    const server = await bootServer({ consoles: { maxBufferedBytes: 64 << 10 } });
    try {
      await importList(server, 'stolen', LIST);
      const token = await addCamera(server, 'cam-1');
      const slow = await consoleFor(server, await signIn(server, 'disp', 'dispatcher'));
      await new Promise((r) => setTimeout(r, 50));
      // The console stops reading: its socket buffers fill, then the server's.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const { client: cam } = await camera(server, 'cam-1', token);
      const total = 20_000;
      for (let s = 1; s <= total; s += 500) {
        cam.send({ t: 'reads', items: Array.from({ length: 500 }, (_, i) => ({ seq: s + i, ts: Date.now(), plate: '7ABC123', st: 'CA' })) });
      }
      await cam.next((f) => f.t === 'ack' && f.seq === total, 30_000);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      const closed = await slow.whenClosed();
      expect(closed).toMatchObject({ code: 4008, reason: 'PS_ERR_SLOW_CONSUMER' });
      cam.close();
    } finally {
      await server.close();
    }
  });
});
