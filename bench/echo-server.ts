/**
 * The transport's limit, for comparison: a bare uWebSockets.js server that decodes each
 * camera frame with msgpackr and acks its highest seq, nothing else. Prints its port.
 *
 * Given a file of planted plates, it is also the floor of hit latency on this machine: a read
 * carrying a planted plate makes one round trip through a worker thread (what any server
 * that matches on worker threads pays at least) and goes to every connected `/v1/console`
 * as a `hit`. No matching, no storage, no batching.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import uWS from 'uWebSockets.js';
import { Packr, Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });
const packr = new Packr({ useRecords: false });

interface ReadItem {
  seq: number;
  plate?: string;
}
type Frame = ReadItem & { t?: string; cam?: string; items?: ReadItem[] };
interface Relayed {
  cam: string;
  seq: number;
}

const planted = new Set<string>(process.argv[2] ? (JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[]) : []);
const consoles = new Set<uWS.WebSocket<unknown>>();
const hop = new Worker(new URL('./echo-worker.js', import.meta.url));
hop.on('message', (read: Relayed) => {
  const frame = packr.pack({ t: 'hit', read });
  for (const c of consoles) c.send(frame, true);
});

function relay(cam: string, r: ReadItem): void {
  if (r.plate !== undefined && planted.has(r.plate)) hop.postMessage({ cam, seq: r.seq } satisfies Relayed);
}

uWS
  .App()
  .ws<{ cam: string }>('/v1/camera', {
    maxPayloadLength: 16 << 20,
    message(ws, message) {
      const f = unpackr.unpack(new Uint8Array(message)) as Frame;
      const cam = ws.getUserData().cam;
      if (f.t === 'hello') {
        ws.getUserData().cam = f.cam ?? '';
        ws.send(packr.pack({ t: 'welcome', ack: -1, hb: 30 }), true);
      } else if (f.t === 'read') {
        relay(cam, f);
        ws.send(packr.pack({ t: 'ack', seq: f.seq }), true);
      } else if (f.t === 'reads' && f.items && f.items.length > 0) {
        for (const r of f.items) relay(cam, r);
        ws.send(packr.pack({ t: 'ack', seq: f.items[f.items.length - 1]!.seq }), true);
      }
    },
  })
  .ws('/v1/console', {
    open: (ws) => void consoles.add(ws),
    close: (ws) => void consoles.delete(ws),
  })
  .listen('127.0.0.1', 0, (sock) => {
    if (!sock) process.exit(1);
    console.log(JSON.stringify({ port: uWS.us_socket_local_port(sock) }));
  });
