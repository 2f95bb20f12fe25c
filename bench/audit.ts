/**
 * Accountability benchmark: what the hash-chained audit log costs over plain LMDB writes of
 * the same records (baseline measured in the same run), how fast `verify` walks the chain,
 * how long a random sample takes over the whole log, and the scrypt login latency.
 * `npm run bench:audit -- --records N` (default 20,000). Prints the environment first and
 * a single JSON line last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { open } from 'lmdb';
import { hashPassword, verifyPassword } from '../core/accounts/password.js';
import { canonicalJson } from '../core/audit/canonical.js';
import { AuditLog } from '../core/audit/log.js';
import { drawSample } from '../core/audit/sampling.js';
import type { AuditEvent } from '../core/audit/sink.js';
import { ErrInternal } from '../core/errors.js';
import { checkAccess } from '../core/policy/authz.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RECORDS = arg('records', 20_000);
const CONCURRENCY = 64;
const ROUNDS = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function event(i: number): AuditEvent {
  const action = ['detections.search', 'detections.view', 'images.view', 'export', 'hits.ack'][i % 5]!;
  return { action, actor: `user${i % 37}`, role: 'investigator', case: `26-${i}`, purpose: 'stolen_vehicle', from: '10.1.2.3', subject: { pattern: '7AB*', from: 1_700_000_000_000 }, results: i % 100, outcome: 'ok' };
}

/** Writes `n` records `CONCURRENCY` at a time; returns records per second. */
async function appendRate(write: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i += CONCURRENCY) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(n, i + CONCURRENCY); j++) batch.push(write(j));
    await Promise.all(batch);
  }
  return n / ((performance.now() - t0) / 1000);
}

async function round(base: string, r: number): Promise<{ chained: number; plain: number; verify: number; sampleMs: number }> {
  const plainDir = join(base, `plain-${r}`);
  const root = open({ path: plainDir, compression: false });
  const db = root.openDB<string, number>({ name: 'records', encoding: 'string' });
  const plain = await appendRate((i) => db.put(i + 1, canonicalJson({ ...event(i), seq: i + 1, ts: Date.now() })), RECORDS);
  await root.close();

  const log = AuditLog.open({ dir: join(base, `chain-${r}`), auditDays: 730 });
  const chained = await appendRate((i) => log.record(event(i)), RECORDS);
  const t0 = performance.now();
  const v = log.verify();
  if (!v.ok || v.count !== RECORDS) throw new ErrInternal(`verify failed: ${JSON.stringify(v)}`);
  const verify = RECORDS / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  await drawSample(log, { user: 'sue', role: 'supervisor' }, { months: 6, count: 10, seed: `bench-${r}` }, Date.now() + 1);
  const sampleMs = performance.now() - t1;
  await log.close();
  return { chained, plain, verify, sampleMs };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`);
  console.log(`records ${RECORDS}, concurrency ${CONCURRENCY}, rounds ${ROUNDS}`);
  const base = mkdtempSync(join(tmpdir(), 'ps-bench-audit-'));
  try {
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const x = await round(base, r);
      console.log(`round ${r}: chained ${x.chained.toFixed(0)}/s, plain ${x.plain.toFixed(0)}/s, verify ${x.verify.toFixed(0)}/s, sample ${x.sampleMs.toFixed(1)} ms`);
      rounds.push(x);
    }
    const logins: number[] = [];
    const stored = await hashPassword('benchmark passphrase', { logN: 15, r: 8, p: 1 });
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await verifyPassword('benchmark passphrase', stored);
      logins.push(performance.now() - t);
    }
    const principal = { user: 'ivy', role: 'investigator' as const, trainingExpires: Date.now() + 1e9 };
    const n = 1_000_000;
    const t = performance.now();
    for (let i = 0; i < n; i++) checkAccess(principal, 'detections.search', 0);
    const authzNs = ((performance.now() - t) * 1e6) / n;
    const chained = median(rounds.map((x) => x.chained));
    const plain = median(rounds.map((x) => x.plain));
    console.log(`scrypt verify p50 ${median(logins).toFixed(1)} ms, p90 ${pct(logins, 0.9).toFixed(1)} ms; checkAccess ${authzNs.toFixed(0)} ns`);
    console.log(
      JSON.stringify({
        bench: 'audit',
        records: RECORDS,
        append_chained_per_s: Math.round(chained),
        append_plain_per_s: Math.round(plain),
        chain_cost_ratio: Number((plain / chained).toFixed(2)),
        verify_per_s: Math.round(median(rounds.map((x) => x.verify))),
        sample_ms: Number(median(rounds.map((x) => x.sampleMs)).toFixed(1)),
        scrypt_verify_ms_p50: Number(median(logins).toFixed(1)),
        check_access_ns: Math.round(authzNs),
      }),
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
