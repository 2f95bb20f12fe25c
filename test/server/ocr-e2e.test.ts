/**
 * Issue 6 end to end: a camera sends plate crops only; the server reads them on its OCR
 * workers, matches the reading and its candidates, and the hit reaches the console with the
 * OCR reading. A read with both a camera plate and a crop is matched on the union.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../server/app.js';
import { addCamera, bootServer, camera, consoleFor, importList, signIn, type Frame } from '../support/server.js';

const dir = new URL('../../fixtures/crops/', import.meta.url);
const labels = (set: string) => JSON.parse(readFileSync(new URL(`${set}/labels.json`, dir), 'utf8')) as Record<string, { plate: string; state: string }>;

describe('OCR in the path of a read', () => {
  let server: Server;
  let token: string;
  let dispatcher: string;
  const png = Object.entries(labels('png')).slice(0, 3);
  const [grayName, gray] = Object.entries(labels('gray8'))[0]!;

  beforeAll(async () => {
    server = await bootServer({ ocr: { threads: 1 } });
    const rows = [...png.map(([, l]) => l), gray].map((l) => `${l.plate},${l.state},stolen_vehicle`);
    await importList(server, 'stolen', `plate,state,reason\n${rows.join('\n')}\n`, { maxDistance: 1 });
    token = await addCamera(server, 'crop-cam');
    dispatcher = await signIn(server, 'disp', 'dispatcher');
  });
  afterAll(() => server.close());

  it('reads crops sent without a plate and pushes the hit with the OCR reading', async () => {
    const con = await consoleFor(server, dispatcher);
    const { client: cam } = await camera(server, 'crop-cam', token);
    png.forEach(([file, l], i) => {
      const data = readFileSync(new URL(`png/${file}`, dir));
      cam.send({ t: 'read', seq: i + 1, ts: Date.now(), st: l.state, crop: { fmt: 'png', w: 1, h: 1, data } });
    });
    const [w, h] = grayName.split('.')[1]!.split('x').map(Number) as [number, number];
    cam.send({ t: 'read', seq: 10, ts: Date.now(), st: gray.state, crop: { fmt: 'gray8', w, h, data: readFileSync(new URL(`gray8/${grayName}`, dir)) } });
    await cam.next((f) => f.t === 'ack' && f.seq === 10, 60_000);
    const hits: Frame[] = [];
    for (let i = 0; i < 4; i++) hits.push(await con.next((f) => f.t === 'hit', 10_000));
    for (const [, l] of [...png, [grayName, gray] as const]) {
      const hit = hits.find((x) => (x.entry as Frame).plate === l.plate);
      expect(hit, `hit for ${l.plate}`).toBeDefined();
      const read = hit!.read as Frame;
      expect((read.ocr as Frame).plate).toBe(l.plate);
      expect(read.cands).toContainEqual([l.plate, expect.any(Number)]);
      // The live hit carries the crop so the operator can compare it (POLICY R5).
      expect((read.crop as Frame).fmt).toBe(l === gray ? 'gray8' : 'png');
    }
    const access = { user: 'inv', role: 'investigator', case: 'OCR-1', purpose: 'stolen_vehicle', from: 'test' };
    const page = await server.rooms.detections.search({ pattern: png[0]![1].plate }, access, server.rooms.audit);
    expect(page.items[0]).toMatchObject({ cam: 'crop-cam', seq: 1 });
    cam.close();
    con.close();
  });

  it('matches a read carrying both a camera plate and a crop on the union of both', async () => {
    const con = await consoleFor(server, dispatcher);
    const { client: cam } = await camera(server, 'crop-cam', token);
    const [file, l] = png[1]!;
    // The camera misread the plate beyond any list distance; the crop still reads right.
    cam.send({ t: 'read', seq: 20, ts: Date.now(), plate: 'QQQ999', st: l.state, crop: { fmt: 'png', w: 1, h: 1, data: readFileSync(new URL(`png/${file}`, dir)) } });
    const hit = await con.next((f) => f.t === 'hit', 30_000);
    expect(hit).toMatchObject({ entry: { plate: l.plate } });
    expect((hit.read as Frame).cands).toContainEqual(['QQQ999', expect.any(Number)]);
    cam.close();
    con.close();
  });

  it('stores a crop read and the text reads sent after it once each, whichever is ready first', async () => {
    const orderToken = await addCamera(server, 'order-cam');
    const { client: cam } = await camera(server, 'order-cam', orderToken);
    const [file, l] = png[2]!;
    // The crop is read on the OCR workers while the text reads behind it are matched at once.
    cam.send({ t: 'read', seq: 1, ts: Date.now(), st: l.state, crop: { fmt: 'png', w: 1, h: 1, data: readFileSync(new URL(`png/${file}`, dir)) } });
    for (let seq = 2; seq <= 6; seq++) {
      await new Promise((r) => setTimeout(r, 5));
      cam.send({ t: 'read', seq, ts: Date.now(), plate: `ORDER${seq}` });
    }
    await cam.next((f) => f.t === 'ack' && f.seq === 6, 30_000);
    const access = { user: 'inv', role: 'investigator', case: 'OCR-2', purpose: 'stolen_vehicle', from: 'test' };
    const seqs = async (pattern: string) =>
      (await server.rooms.detections.search({ pattern, cams: ['order-cam'] }, access, server.rooms.audit)).items.map((d) => d.seq).sort((a, b) => a - b);
    expect(await seqs(l.plate)).toEqual([1]);
    expect(await seqs('ORDER?')).toEqual([2, 3, 4, 5, 6]);
    cam.close();
  });

  it('refuses a crop it cannot decode with a stable code, and keeps going', async () => {
    const { client: cam } = await camera(server, 'crop-cam', token);
    cam.send({ t: 'read', seq: 30, ts: Date.now(), crop: { fmt: 'png', w: 10, h: 10, data: Buffer.from('not a png') } });
    cam.send({ t: 'read', seq: 31, ts: Date.now(), plate: 'TEXT123' });
    expect(await cam.next((f) => f.t === 'nack', 30_000)).toMatchObject({ seq: 30, code: 'PS_ERR_CROP_INVALID' });
    await cam.next((f) => f.t === 'ack' && f.seq === 31, 30_000);
    cam.close();
  });
});
