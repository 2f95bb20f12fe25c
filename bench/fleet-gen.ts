/**
 * The camera-fleet generator: a separate process of simulated cameras (real WebSockets,
 * MessagePack) and a subscribed console. Reads a plan (JSON file) and prints one JSON line
 * of what it measured: reads acked per second, ack latency, and read-to-console hit latency.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Unpackr } from 'msgpackr';
import { SimCamera } from '../server/demo/camera-sim.js';
import { PlateGenerator } from '../core/plates/synthetic.js';
import { percentile, round } from './env.js';

export interface FleetPlan {
  readonly cameraUrl: string;
  readonly consoleUrl?: string;
  readonly consoleTokens: readonly string[];
  readonly cameras: ReadonlyArray<{ id: string; token: string }>;
  /** Reads a second per camera. */
  readonly rate: number;
  readonly window: number;
  readonly tickMs: number;
  readonly warmupS: number;
  readonly seconds: number;
  readonly hitShare: number;
  readonly hotPlates: readonly string[];
}

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });

async function main(plan: FleetPlan): Promise<void> {
  const gen = new PlateGenerator(7);
  const pool = Array.from({ length: 20_000 }, () => gen.plate('CA'));
  const plantedAt = new Map<string, number>();
  const hitMs: number[] = [];
  const ackMs: number[] = [];
  let measuring = false;
  let ackedInWindow = 0;

  const consoles = await Promise.all(plan.consoleTokens.map((t) => openConsole(plan.consoleUrl!, t, (cam, seq) => {
    const key = `${cam}:${seq}`;
    const at = plantedAt.get(key);
    if (at === undefined) return;
    plantedAt.delete(key);
    if (measuring) hitMs.push(performance.now() - at);
  })));

  let n = 0;
  const sims = plan.cameras.map(
    ({ id, token }) =>
      new SimCamera({
        url: plan.cameraUrl,
        cam: id,
        token,
        rate: plan.rate,
        tickMs: plan.tickMs,
        window: plan.window,
        next: (seq) => {
          n++;
          if (plan.hotPlates.length > 0 && n % Math.round(1 / plan.hitShare) === 0) {
            plantedAt.set(`${id}:${seq}`, performance.now());
            return { plate: plan.hotPlates[n % plan.hotPlates.length]!, st: 'CA', conf: 0.95 };
          }
          return { plate: pool[n % pool.length]!, st: 'CA', conf: 0.9, lat: 37.45, lon: -122.18 };
        },
        onAck: (_seq, ms) => {
          if (!measuring) return;
          ackedInWindow++;
          ackMs.push(ms);
        },
      }),
  );
  for (let i = 0; i < sims.length; i += 50) await Promise.all(sims.slice(i, i + 50).map((s) => s.connect()));
  for (const s of sims) s.start();
  await sleep(plan.warmupS * 1000);
  measuring = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(plan.seconds * 1000);
  delay.disable();
  const cpu = process.cpuUsage(cpu0);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(sims.map((s) => s.stop(30_000)));
  await sleep(200);
  for (const c of consoles) c.close();

  ackMs.sort((a, b) => a - b);
  hitMs.sort((a, b) => a - b);
  const total = (k: 'sent' | 'acked' | 'nacked' | 'busy') => sims.reduce((s, c) => s + c.stats[k], 0);
  const line = JSON.stringify({
      reads_per_s: round(ackedInWindow / elapsed, 0),
      ack_p50_ms: round(percentile(ackMs, 50)),
      ack_p99_ms: round(percentile(ackMs, 99)),
      hits: hitMs.length,
      hit_p50_ms: round(percentile(hitMs, 50)),
      hit_p99_ms: round(percentile(hitMs, 99)),
      sent: total('sent'),
      acked: total('acked'),
      nacked: total('nacked'),
      busy: total('busy'),
      pending: sims.reduce((s, c) => s + c.pending, 0),
      // The generator shares the machine: how busy it was, and how late its own event loop ran.
      gen_cpu_share: round((cpu.user + cpu.system) / 1e6 / elapsed),
      gen_loop_delay_p99_ms: round(delay.percentile(99) / 1e6),
  });
  // Exit only once the line is out: the pipe to the parent is asynchronous.
  process.stdout.write(`${line}\n`, () => process.exit(0));
}

function openConsole(url: string, token: string, onHit: (cam: string, seq: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.on('open', () => {
      ws.send(JSON.stringify({ t: 'sub' }));
      resolve(ws);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const f = (isBinary ? unpackr.unpack(data) : JSON.parse(data.toString())) as { t: string; read?: { cam: string; seq: number } };
      if (f.t === 'hit' && f.read) onHit(f.read.cam, f.read.seq);
    });
    ws.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

void main(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FleetPlan);
