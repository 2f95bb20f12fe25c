/**
 * The camera-fleet generator: a separate process of simulated cameras (real WebSockets,
 * MessagePack) and a subscribed console. Reads a plan (JSON file) and prints one JSON line
 * of what it measured: reads acked per second, ack latency, and read-to-console hit latency.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SimCamera } from '../server/demo/camera-sim.js';
import { PlateGenerator } from '../core/plates/synthetic.js';
import type { ConsoleArrival } from './fleet-console.js';
import { monoMs, percentile, round } from './env.js';

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

async function main(plan: FleetPlan): Promise<void> {
  const gen = new PlateGenerator(7);
  const pool = Array.from({ length: 20_000 }, () => gen.plate('CA'));
  const plantedAt = new Map<string, number>();
  const hitMs: number[] = [];
  const ackMs: number[] = [];
  let measuring = false;
  let ackedInWindow = 0;

  const consoles = plan.consoleTokens.length === 0 ? undefined : await startConsoles(plan, (hit) => {
    const key = `${hit.cam}:${hit.seq}`;
    const at = plantedAt.get(key);
    if (at === undefined) return;
    plantedAt.delete(key);
    if (measuring) hitMs.push(hit.at - at);
  });

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
            plantedAt.set(`${id}:${seq}`, monoMs());
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
  // Cameras are independent devices: their ticks are spread over the tick period, not fired
  // as one burst of hundreds of frames.
  sims.forEach((s, i) => setTimeout(() => s.start(), (i * plan.tickMs) / sims.length));
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
  consoles?.disconnect();

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

/** The consoles run in a process of their own (`fleet-console.ts`) and report each hit's arrival. */
function startConsoles(plan: FleetPlan, onHit: (hit: ConsoleArrival) => void): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./fleet-console.js', import.meta.url)), [plan.consoleUrl!, JSON.stringify(plan.consoleTokens)]);
  return new Promise((resolve, reject) => {
    child.on('message', (m: ConsoleArrival | 'ready') => (m === 'ready' ? resolve(child) : onHit(m)));
    child.once('exit', (code) => reject(new Error(`console process exited ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

void main(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FleetPlan);
