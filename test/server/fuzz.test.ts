/**
 * 100,000 mutated frames at a live server, on camera connections beside a well-behaved
 * camera. Afterwards every read of the good camera is acked and stored exactly once, the
 * server still answers, and every refused frame was counted.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../core/plates/synthetic.js';
import { addCamera, bootServer, camera, Client, encode, importList, type Frame } from '../support/server.js';

const FRAMES = 100_000;

function mutate(r: () => number, seq: number): Buffer | string {
  const base: Frame[] = [
    { t: 'read', seq, ts: Date.now(), plate: '7ABC123', st: 'CA', conf: 0.9, lat: 37.4, lon: -122.1 },
    { t: 'reads', items: [{ seq, ts: Date.now(), plate: 'FUZZ01' }, { seq: seq + 1, ts: 1, plate: 'X' }] },
    { t: 'hb', ts: Date.now(), st: { cams: 'ok', gps: 'ok' } },
    { t: 'read', seq, ts: Date.now(), crop: { fmt: 'png', w: 4, h: 4, data: Buffer.alloc(16) } },
  ];
  const frame: Frame = structuredClone(base[Math.floor(r() * base.length)]!);
  const weird = [null, -1, 2 ** 60, 'x'.repeat(200), [], {}, true, 1.5, NaN, '', { t: 'read' }];
  switch (Math.floor(r() * 6)) {
    case 0: {
      // wrong types in a random field
      const keys = Object.keys(frame);
      frame[keys[Math.floor(r() * keys.length)]!] = weird[Math.floor(r() * weird.length)];
      return encode(frame);
    }
    case 1: {
      // flipped bytes
      const b = Buffer.from(encode(frame));
      for (let i = 0; i < 3; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    }
    case 2: {
      // truncated
      const b = encode(frame);
      return b.subarray(0, Math.floor(r() * b.length));
    }
    case 3:
      // unknown type or missing fields
      return encode(r() < 0.5 ? { ...frame, t: `t${Math.floor(r() * 100)}` } : { t: frame.t });
    case 4:
      // broken JSON text
      return JSON.stringify(frame).slice(0, Math.floor(r() * 40));
    default:
      // random bytes
      return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
  }
}

describe('fuzzing the camera channel', () => {
  it(`survives ${FRAMES.toLocaleString('en')} mutated frames; a good camera's reads are acked and stored once`, async () => {
    const server = await bootServer({ ingest: { maxFrameBytes: 64 << 10 } });
    try {
      await importList(server, 'stolen', 'plate,state,reason\n7ABC123,CA,stolen_vehicle\n');
      const goodToken = await addCamera(server, 'good');
      const fuzzTokens = await Promise.all([1, 2, 3, 4].map((i) => addCamera(server, `fuzz-${i}`)));
      const good = await camera(server, 'good', goodToken);
      const r = rng(42);
      let sent = 0;
      let goodSeq = 0;
      let connections = 0;
      while (sent < FRAMES) {
        const i = connections++ % fuzzTokens.length;
        const { client } = await camera(server, `fuzz-${i + 1}`, fuzzTokens[i]!);
        // Send in bursts, interleaving the good camera, until the server closes us or the burst ends.
        for (let burst = 0; burst < 5000 && sent < FRAMES && !client.closed; burst++, sent++) {
          const f = mutate(r, sent);
          client.ws.send(f, { binary: typeof f !== 'string' });
          if (sent % 100 === 0) good.client.send({ t: 'read', seq: ++goodSeq, ts: Date.now(), plate: `GOOD${String(goodSeq).padStart(4, '0')}` });
        }
        await new Promise((res) => setTimeout(res, 5));
        client.close();
      }
      await good.client.next((f) => f.t === 'ack' && f.seq === goodSeq, 30_000);
      expect(good.client.frames.filter((f) => f.t === 'nack' || f.t === 'err')).toEqual([]);

      const access = { user: 'inv', role: 'investigator', case: 'FUZZ-1', purpose: 'criminal_investigation', from: 'test' };
      const seqs: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await server.rooms.detections.search({ pattern: 'GOOD*', cams: ['good'], limit: 1000, cursor }, access, server.rooms.audit);
        seqs.push(...page.items.map((d) => d.seq));
        cursor = page.cursor;
      } while (cursor);
      expect(seqs.length).toBe(goodSeq);
      expect(new Set(seqs).size).toBe(goodSeq);

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const refused = [...metrics.matchAll(/platesafe_frame_errors_total\{[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      const nacked = [...metrics.matchAll(/platesafe_reads_nacked_total\{[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      expect(refused + nacked).toBeGreaterThan(FRAMES / 2);
      // A fresh client still gets served.
      const late = await Client.open(`${server.url.replace('http', 'ws')}/v1/camera`, goodToken);
      late.send({ t: 'hello', cam: 'good' });
      expect((await late.next((f) => f.t === 'welcome')).ack).toBe(goodSeq);
      late.close();
      good.client.close();
    } finally {
      await server.close();
    }
  }, 180_000);
});
