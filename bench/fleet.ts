/**
 * `npm run bench:fleet -- --cameras 500 --rate 20000 --seconds 10`: the real-time path under a
 * camera fleet. Four phases, each with the fleet generator in its own process:
 *  1. echo: a bare uWebSockets.js server that only decodes and acks (the transport's limit);
 *  2. max: PlateSafe with a 1M-entry hot list, cameras sending as fast as their window allows;
 *  3. latency: PlateSafe at `--rate` reads/s in all, hit latency from read sent to console;
 *  4. floor: the echo server at `--rate`, relaying the same planted reads to a console through
 *     one worker-thread round trip: the least hit latency this machine allows a server that
 *     matches on worker threads, with the generator sharing its cores.
 * Prints the environment, one line per phase, then the final JSON line.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type Server } from '../server/app.js';
import { PlateGenerator } from '../core/plates/synthetic.js';
import type { FleetPlan } from './fleet-gen.js';
import { numericArgs, printEnvironment, round } from './env.js';

const args = numericArgs({ cameras: 500, rate: 20_000, seconds: 10, entries: 1_000_000, window: 64 });
const here = fileURLToPath(new URL('.', import.meta.url));

interface GenResult {
  reads_per_s: number;
  ack_p50_ms: number;
  ack_p99_ms: number;
  hits: number;
  hit_p50_ms: number;
  hit_p99_ms: number;
  sent: number;
  acked: number;
  nacked: number;
  busy: number;
  pending: number;
}

function runChild(script: string, argv: string[], onLine?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n').filter(Boolean)) {
        last = line;
        onLine?.(line);
      }
    });
    child.once('exit', (code) => (code === 0 ? resolve(last) : reject(new Error(`${script} exited ${code}`))));
  });
}

interface ServerCost {
  /** CPU time of the server process (event loop and worker threads) per acked read. */
  cpu_us_per_read: number;
  /** Event-loop delay of the server's main thread while the phase ran. */
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
}

async function generate(plan: FleetPlan, dir: string): Promise<GenResult & ServerCost> {
  const file = join(dir, `plan-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpu = process.cpuUsage();
  const result = JSON.parse(await runChild('fleet-gen.js', [file])) as GenResult;
  const used = process.cpuUsage(cpu);
  delay.disable();
  return {
    ...result,
    cpu_us_per_read: round((used.user + used.system) / Math.max(1, result.acked), 1),
    loop_delay_p99_ms: round(delay.percentile(99) / 1e6),
    loop_delay_max_ms: round(delay.max / 1e6),
  };
}

/** Runs `phase` against a fresh echo server (given the plates whose reads it relays as hits). */
async function withEcho<T>(planted: readonly string[], phase: (url: string) => Promise<T>): Promise<T> {
  const file = join(tmpdir(), `ps-echo-planted-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(planted));
  const echo = spawn(process.execPath, [join(here, 'echo-server.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => echo.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)));
    return await phase(`ws://127.0.0.1:${port}`);
  } finally {
    echo.kill();
    rmSync(file, { force: true });
  }
}

function stored(server: Server): number {
  return server.rooms.detections.partitionList().reduce((n, p) => n + p.count, 0);
}

/** Cumulative bucket counts of a server histogram, by upper bound (seconds). */
async function buckets(server: Server, name: string): Promise<Array<readonly [number, number]>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))].map((m) => [Number(m[1]), Number(m[2])] as const);
}

/** Upper bucket bounds (ms) holding the 50th and 99th percentile of what was observed between two readings. */
function bucketPercentiles(before: Array<readonly [number, number]>, after: Array<readonly [number, number]>): { p50: number; p99: number } {
  const delta = after.map(([le, n], i) => [le, n - (before[i]?.[1] ?? 0)] as const);
  const total = delta.at(-1)?.[1] ?? 0;
  const at = (q: number) => (delta.find(([, n]) => n >= q * total)?.[0] ?? NaN) * 1000;
  return { p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  printEnvironment('fleet');
  const dir = mkdtempSync(join(tmpdir(), 'ps-fleet-'));
  const base = { warmupS: 1, seconds: args.seconds, tickMs: 20, consoleTokens: [] as string[], hotPlates: [] as string[], hitShare: 0 };

  // 1. The transport's limit.
  const fakeCams = Array.from({ length: args.cameras }, (_, i) => ({ id: `cam-${i}`, token: 'none' }));
  const echoRun = await withEcho([], (url) => generate({ ...base, cameraUrl: `${url}/v1/camera`, cameras: fakeCams, rate: 1e6, window: args.window }, dir));
  console.log(`# echo: ${echoRun.reads_per_s} reads/s acked`);

  // 2. and 3. PlateSafe with a 1M-entry hot list.
  const server = await startServer({ dataDir: join(dir, 'data'), server: { port: 0 }, log: { level: 'warn' }, consoles: { escalateAfterS: 3600 } });
  const gen = new PlateGenerator(11);
  const hotPlates: string[] = [];
  const t0 = performance.now();
  await server.rooms.hotlists.importRows(
    (function* () {
      for (let i = 0; i < args.entries; i++) {
        const plate = gen.plate(gen.state());
        if (i % 1000 === 0) hotPlates.push(plate);
        yield { line: i + 2, fields: { plate, reason: 'stolen_vehicle', priority: 50 } };
      }
    })(),
    // Confusion-only fuzzy (two confusable characters at most): at distance 1 a 1M list has a
    // near neighbour for about half of all random plates, and every read would be a hit.
    { list: 'ncic', replace: true, settings: { maxDistance: 0.6 } },
  );
  console.log(`# hot list: ${args.entries} entries in ${round((performance.now() - t0) / 1000, 1)} s`);
  const cameras = [];
  for (let i = 0; i < args.cameras; i++) cameras.push({ id: `cam-${i}`, token: (await server.rooms.cameras.add({ id: `cam-${i}` })).token });
  const password = 'fleet benchmark password';
  await server.rooms.accounts.bootstrapAdministrator({ user: 'bench', name: 'Bench', password, trainedAt: Date.now() });
  await server.rooms.accounts.create({ user: 'bench', role: 'administrator' }, { user: 'disp', name: 'Disp', role: 'dispatcher', password, trainedAt: Date.now() });
  const login = (await (await fetch(`${server.url}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ user: 'disp', password }) })).json()) as { token: string };
  const urls = { cameraUrl: `${server.url.replace('http', 'ws')}/v1/camera`, consoleUrl: `${server.url.replace('http', 'ws')}/v1/console` };

  let before = stored(server);
  const max = await generate({ ...base, ...urls, cameras, rate: 1e6, window: args.window }, dir);
  let delta = stored(server) - before;
  const maxLost = Math.max(0, max.acked - delta);
  const maxDup = Math.max(0, delta - max.acked);
  console.log(`# max: ${JSON.stringify(max)} stored ${delta}`);

  before = stored(server);
  const hitsBefore = await buckets(server, 'platesafe_hit_push_seconds');
  const latency = { rate: args.rate / args.cameras, window: 10_000, hotPlates, hitShare: 0.01 };
  const lat = await generate({ ...base, ...urls, ...latency, cameras, consoleTokens: [login.token] }, dir);
  delta = stored(server) - before;
  const serverHit = bucketPercentiles(hitsBefore, await buckets(server, 'platesafe_hit_push_seconds'));
  console.log(`# server side, read arrived to hit pushed: p50 <= ${serverHit.p50} ms, p99 <= ${serverHit.p99} ms (histogram bucket bounds)`);
  const latLost = Math.max(0, lat.acked - delta);
  const latDup = Math.max(0, delta - lat.acked);
  console.log(`# latency at ${args.rate}/s: ${JSON.stringify(lat)} stored ${delta}`);
  await server.close();

  const floor = await withEcho(hotPlates, (url) =>
    generate({ ...base, ...latency, cameraUrl: `${url}/v1/camera`, consoleUrl: `${url}/v1/console`, cameras: fakeCams, consoleTokens: ['none'] }, dir),
  );
  console.log(`# floor at ${floor.reads_per_s}/s (echo, one worker-thread round trip a hit): hit p50 ${floor.hit_p50_ms} ms, p99 ${floor.hit_p99_ms} ms over ${floor.hits} hits`);
  rmSync(dir, { recursive: true, force: true });

  console.log(
    JSON.stringify({
      bench: 'fleet',
      cameras: args.cameras,
      entries: args.entries,
      reads_per_s: max.reads_per_s,
      ack_p50_ms: max.ack_p50_ms,
      ack_p99_ms: max.ack_p99_ms,
      hit_p50_ms: lat.hit_p50_ms,
      hit_p99_ms: lat.hit_p99_ms,
      server_hit_p99_ms: serverHit.p99,
      server_cpu_us_per_read: max.cpu_us_per_read,
      loop_delay_p99_ms: lat.loop_delay_p99_ms,
      hit_rate_reads_per_s: lat.reads_per_s,
      hits: lat.hits,
      lost: maxLost + latLost,
      dup: maxDup + latDup,
      echo_reads_per_s: echoRun.reads_per_s,
      floor_hit_p50_ms: floor.hit_p50_ms,
      floor_hit_p99_ms: floor.hit_p99_ms,
      ratio_to_echo: round(max.reads_per_s / echoRun.reads_per_s, 3),
    }),
  );
}

void main();
