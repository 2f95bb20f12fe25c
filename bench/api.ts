/**
 * HTTP API benchmark: what an audited inquiry costs. autocannon drives `POST /v1/search`
 * (case and purpose checked, partial-plate search, one hash-chained audit record per request)
 * against `GET /v1/auth/me` on the same server in the same run (session check only, nothing
 * read or recorded): the baseline. After the run every answered search must have its audit
 * record (`unaudited` must be 0).
 * `npm run bench:api -- --reads N --seconds S --connections C` (defaults 20,000, 5, 16).
 * Prints the environment first and a single JSON line last.
 */
import { cpus, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startServer } from '../server/app.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const READS = arg('reads', 20_000);
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 16);
const PASSWORD = 'bench password 1234';

interface Run {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

async function drive(opts: autocannon.Options): Promise<Run> {
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], errors: r.non2xx + r.errors };
}

function plate(i: number): string {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return `${i % 10}${L[i % 23]}${L[(i >> 3) % 23]}${L[(i >> 7) % 23]}${String(i % 1000).padStart(3, '0')}`;
}

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB\n`);
  process.stdout.write(`reads ${READS}, ${SECONDS} s a run, ${CONNECTIONS} connections\n`);
  const dir = mkdtempSync(join(tmpdir(), 'ps-bench-api-'));
  const server = await startServer({ dataDir: dir, server: { port: 0 }, log: { level: 'silent' }, hotlistImports: { enabled: false } });
  try {
    const now = Date.now();
    await server.rooms.accounts.bootstrapAdministrator({ user: 'bench-admin', name: 'Bench Admin', password: PASSWORD, trainedAt: now });
    await server.rooms.accounts.create({ user: 'bench-admin', role: 'administrator' }, { user: 'bench-det', name: 'Bench Investigator', role: 'investigator', password: PASSWORD, trainedAt: now });
    const login = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ user: 'bench-det', password: PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const { token: cam } = await server.rooms.cameras.add({ id: 'bench-cam', placement: { justification: 'benchmark' } });
    for (let i = 0; i < READS; i += 500) {
      const batch = Array.from({ length: Math.min(500, READS - i) }, (_, j) => ({ seq: i + j + 1, ts: now - 3_600_000 + i + j, plate: plate(i + j) }));
      const r = await fetch(`${server.url}/v1/reads`, { method: 'POST', headers: { authorization: `Bearer ${cam}`, 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (!r.ok) throw new Error(`reads: ${r.status} ${await r.text()}`);
    }
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const baseline = await drive({ url: `${server.url}/v1/auth/me`, headers });
    const before = server.rooms.audit.query({ actions: ['detections.search'] }).length;
    const search = await drive({ url: `${server.url}/v1/search`, method: 'POST', headers, body: JSON.stringify({ pattern: '7A*', limit: 20, case: 'BENCH-1', purpose: 'stolen_vehicle' }) });
    const recorded = server.rooms.audit.query({ actions: ['detections.search'] }).length - before;
    const verify = server.rooms.audit.verify();
    process.stdout.write(`baseline GET /v1/auth/me: ${baseline.rps.toFixed(0)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms\n`);
    process.stdout.write(`audited POST /v1/search: ${search.rps.toFixed(0)} req/s, p50 ${search.p50} ms, p99 ${search.p99} ms, ${recorded} audit records for ${search.ok} answers\n`);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'api',
        reads: READS,
        connections: CONNECTIONS,
        search_rps: Math.round(search.rps),
        search_p50_ms: search.p50,
        search_p99_ms: search.p99,
        baseline_rps: Math.round(baseline.rps),
        baseline_p99_ms: baseline.p99,
        ratio_to_baseline: Number((search.rps / baseline.rps).toFixed(3)),
        errors: search.errors + baseline.errors,
        unaudited: Math.max(0, search.ok - recorded),
        chain_ok: verify.ok,
      })}\n`,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
