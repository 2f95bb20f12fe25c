/**
 * `npm run bench:http`: autocannon against `POST /v1/reads`, batches of 50 reads as JSON, one
 * camera per connection (each keeps its own rising seq). Prints the environment and a final
 * JSON line with requests/s, reads/s and latency percentiles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startServer } from '../server/app.js';
import { PlateGenerator } from '../core/plates/synthetic.js';
import { numericArgs, printEnvironment } from './env.js';

const args = numericArgs({ connections: 20, seconds: 10, batch: 50, entries: 100_000 });

async function main(): Promise<void> {
  printEnvironment('http');
  const dir = mkdtempSync(join(tmpdir(), 'ps-http-'));
  const server = await startServer({ dataDir: join(dir, 'data'), server: { port: 0 }, log: { level: 'warn' } });
  const gen = new PlateGenerator(5);
  await server.rooms.hotlists.importRows(
    (function* () {
      for (let i = 0; i < args.entries; i++) yield { line: i + 2, fields: { plate: gen.plate(gen.state()), reason: 'stolen_vehicle' } };
    })(),
    { list: 'ncic', replace: true, settings: { maxDistance: 0.6 } },
  );
  const tokens: string[] = [];
  for (let i = 0; i < args.connections; i++) tokens.push((await server.rooms.cameras.add({ id: `http-${i}` })).token);
  const plates = Array.from({ length: 5000 }, () => gen.plate('CA'));
  let nextCamera = 0;

  // One camera per connection, its seq rising request after request: autocannon resets a
  // request's context after every round, so the state lives with the connection's client.
  const setupClient = (client: autocannon.Client): void => {
    const token = tokens[nextCamera++ % tokens.length]!;
    let seq = 0;
    const body = (): string => {
      const items = [];
      for (let i = 0; i < args.batch; i++, seq++) items.push({ seq: seq + 1, ts: Date.now(), plate: plates[(seq * 7) % plates.length], st: 'CA' });
      return JSON.stringify({ items });
    };
    client.setHeadersAndBody({ authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body());
    client.on('response', () => client.setBody(body()));
  };
  const result = await autocannon({ url: `${server.url}/v1/reads`, method: 'POST', connections: args.connections, duration: args.seconds, setupClient });
  const refused = await refusedReads(server.url);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const ok = result['2xx'];
  const perS = ok / args.seconds;
  console.log(
    JSON.stringify({
      bench: 'http',
      connections: args.connections,
      batch: args.batch,
      requests_per_s: Math.round(perS),
      reads_per_s: Math.round(perS * args.batch),
      p50_ms: result.latency.p50,
      p90_ms: result.latency.p90,
      p99_ms: result.latency.p99,
      errors: result.errors + result.non2xx,
      refused_reads: refused,
    }),
  );
}

/** Reads the server refused (nacked) or shed: a benchmark whose reads are refused measures nothing. */
async function refusedReads(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^platesafe_reads_(?:nacked|shed)_total(?:\{[^}]*\})? (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

void main();
