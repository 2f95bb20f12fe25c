/**
 * The transport's limit, for comparison: a bare uWebSockets.js server that decodes each
 * camera frame with msgpackr and acks its highest seq, nothing else. Prints its port.
 */
import uWS from 'uWebSockets.js';
import { Packr, Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });
const packr = new Packr({ useRecords: false });

type Frame = { t?: string; seq?: number; items?: Array<{ seq: number }> };

uWS
  .App()
  .ws('/v1/camera', {
    maxPayloadLength: 16 << 20,
    message(ws, message) {
      const f = unpackr.unpack(new Uint8Array(message)) as Frame;
      if (f.t === 'hello') ws.send(packr.pack({ t: 'welcome', ack: -1, hb: 30 }), true);
      else if (f.t === 'read') ws.send(packr.pack({ t: 'ack', seq: f.seq }), true);
      else if (f.t === 'reads' && f.items && f.items.length > 0) ws.send(packr.pack({ t: 'ack', seq: f.items[f.items.length - 1]!.seq }), true);
    },
  })
  .listen('127.0.0.1', 0, (sock) => {
    if (!sock) process.exit(1);
    console.log(JSON.stringify({ port: uWS.us_socket_local_port(sock) }));
  });
