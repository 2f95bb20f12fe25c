/**
 * The fleet benchmark's dispatch console, in a process of its own as a real console is on a
 * machine of its own: the camera generator's event loop is busy sending and acking, and a
 * hit that waited behind it would be counted against the server. Each hit is timestamped on
 * arrival with the system's monotonic clock, which every process on the machine shares, and
 * reported to the generator over IPC.
 */
import WebSocket from 'ws';
import { Unpackr } from 'msgpackr';
import { monoMs } from './env.js';

export interface ConsoleArrival {
  readonly cam: string;
  readonly seq: number;
  /** `monoMs()` when the hit arrived. */
  readonly at: number;
}

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });

function openConsole(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.on('open', () => {
      ws.send(JSON.stringify({ t: 'sub' }));
      resolve(ws);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = monoMs();
      const f = (isBinary ? unpackr.unpack(data) : JSON.parse(data.toString())) as { t: string; read?: { cam: string; seq: number } };
      if (f.t === 'hit' && f.read) process.send!({ cam: f.read.cam, seq: f.read.seq, at } satisfies ConsoleArrival);
    });
    ws.on('error', reject);
  });
}

async function main(url: string, tokens: string[]): Promise<void> {
  const consoles = await Promise.all(tokens.map((t) => openConsole(url, t)));
  process.once('disconnect', () => {
    for (const c of consoles) c.close();
    process.exit(0);
  });
  process.send!('ready');
}

void main(process.argv[2]!, JSON.parse(process.argv[3]!) as string[]);
