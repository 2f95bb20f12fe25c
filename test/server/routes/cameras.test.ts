import { unpack } from 'msgpackr';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, INQUIRY, postReads, type ApiHarness } from '../../support/api.js';

/** A small square around (37.450, -122.180). */
const ZONE = [
  [37.449, -122.181],
  [37.449, -122.179],
  [37.451, -122.179],
  [37.451, -122.181],
];

const excludedCount = async (h: ApiHarness): Promise<number> => {
  const text = await (await fetch(`${h.server.url}/metrics`)).text();
  const m = /^platesafe_reads_excluded_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
};

describe('camera administration over HTTP (POLICY R6)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  }, 60_000);
  afterAll(() => h.server.close());

  it('registers a camera with its placement justification and shows the token once', async () => {
    const missingWhy = await h.call<{ error: { code: string } }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'pole-1', placement: { lat: 37.45, lon: -122.18 } } });
    expect(missingWhy.body.error.code).toBe('PS_ERR_BAD_INPUT');
    const r = await h.call<{ camera: { id: string; placement: { justification: string } }; token: string }>('POST', '/v1/cameras', {
      as: 'administrator',
      json: { id: 'pole-1', name: 'El Camino northbound', placement: { lat: 37.45, lon: -122.18, justification: 'stolen-vehicle corridor, council resolution 2026-14' } },
    });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^pst_/);
    const dup = await h.call<{ error: { code: string } }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'pole-1', placement: { justification: 'again' } } });
    expect(dup.body.error.code).toBe('PS_ERR_CONFLICT');
    const list = await h.call<Array<{ id: string; health?: { state: string } }>>('GET', '/v1/cameras', { as: 'dispatcher' });
    expect(list.body.map((c) => c.id)).toEqual(['pole-1']);
    expect(list.body[0]!.health).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(r.body.token);
    expect(h.server.rooms.audit.query({ actions: ['camera.add'] })[0]).toMatchObject({ actor: 'administrator', subject: { camera: 'pole-1' } });
  });

  it('rotates a token: the old one stops working at once', async () => {
    const first = await h.call<{ token: string }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'car-7', placement: { justification: 'patrol car 7' } } });
    expect((await postReads(h, first.body.token, [{ seq: 1, ts: Date.now(), plate: '1ROT001' }])).body.acked).toEqual([1]);
    const rotated = await h.call<{ token: string }>('POST', '/v1/cameras/car-7/token', { as: 'administrator' });
    expect(rotated.body.token).not.toBe(first.body.token);
    expect((await postReads(h, first.body.token, [{ seq: 2, ts: Date.now(), plate: '1ROT002' }])).status).toBe(401);
    expect((await postReads(h, rotated.body.token, [{ seq: 2, ts: Date.now(), plate: '1ROT002' }])).body.acked).toEqual([2]);
  });

  it('drops and counts reads inside an exclusion zone once it is set, and stores those outside', async () => {
    const cam = await h.call<{ token: string }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'pole-2', placement: { lat: 37.45, lon: -122.18, justification: 'intersection' } } });
    const token = cam.body.token;
    expect((await postReads(h, token, [{ seq: 1, ts: Date.now(), plate: '2ZON001', lat: 37.45, lon: -122.18 }])).body.acked).toEqual([1]);
    const bad = await h.call<{ error: { code: string } }>('PUT', '/v1/cameras/pole-2/zones', { as: 'administrator', json: { zones: [[[37.449, -122.181], [37.45, -122.18]]] } });
    expect(bad.body.error.code).toBe('PS_ERR_BAD_INPUT');
    const set = await h.call<{ zones: number[][][] }>('PUT', '/v1/cameras/pole-2/zones', { as: 'administrator', json: { zones: [ZONE] } });
    expect(set.body.zones).toEqual([ZONE]);
    const before = await excludedCount(h);
    const r = await postReads(h, token, [
      { seq: 2, ts: Date.now(), plate: '2ZON002', lat: 37.45, lon: -122.18 },
      { seq: 3, ts: Date.now(), plate: '2ZON003', lat: 37.46, lon: -122.18 },
    ]);
    expect(r.body.acked).toEqual([3]);
    expect(r.body.nacked).toEqual([expect.objectContaining({ seq: 2, code: 'PS_ERR_EXCLUDED_ZONE' })]);
    expect((await excludedCount(h)) - before).toBe(1);
    const found = await h.call<{ items: Array<{ plate: string }> }>('POST', '/v1/search', { as: 'investigator', json: { pattern: '2ZON*', ...INQUIRY } });
    expect(found.body.items.map((d) => d.plate).sort()).toEqual(['2ZON001', '2ZON003']);
    const unknown = await h.call<{ error: { code: string } }>('PUT', '/v1/cameras/nope/zones', { as: 'administrator', json: { zones: [ZONE] } });
    expect(unknown.body.error.code).toBe('PS_ERR_NOT_FOUND');
  });

  it('applies new zones to a camera already streaming over its WebSocket', async () => {
    const made = await h.call<{ token: string }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'pole-3', placement: { lat: 37.45, lon: -122.18, justification: 'school zone speed study' } } });
    const ws = new WebSocket(`${h.server.url.replace('http', 'ws')}/v1/camera`, { headers: { authorization: `Bearer ${made.body.token}` } });
    const frames: Array<{ t: string; seq?: number; code?: string }> = [];
    const waiting: Array<(f: { t: string; seq?: number; code?: string }) => void> = [];
    ws.on('message', (d, isBinary) => {
      const f = (isBinary ? unpack(d as Buffer) : JSON.parse(String(d))) as { t: string; seq?: number; code?: string };
      frames.push(f);
      waiting.shift()?.(f);
    });
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
    const next = () => new Promise<{ t: string; seq?: number; code?: string }>((ok) => waiting.push(ok));
    const send = (frame: object) => {
      const answer = next();
      ws.send(JSON.stringify(frame));
      return answer;
    };
    expect((await send({ t: 'hello', cam: 'pole-3' })).t).toBe('welcome');
    expect(await send({ t: 'read', seq: 1, ts: Date.now(), plate: '3LIV001', lat: 37.45, lon: -122.18 })).toMatchObject({ t: 'ack', seq: 1 });
    await h.call('PUT', '/v1/cameras/pole-3/zones', { as: 'administrator', json: { zones: [ZONE] } });
    expect(await send({ t: 'read', seq: 2, ts: Date.now(), plate: '3LIV002', lat: 37.45, lon: -122.18 })).toMatchObject({ t: 'nack', seq: 2, code: 'PS_ERR_EXCLUDED_ZONE' });
    expect(await send({ t: 'read', seq: 3, ts: Date.now(), plate: '3LIV003', lat: 37.5, lon: -122.18 })).toMatchObject({ t: 'ack', seq: 3 });
    ws.close();
  });
});
