import fc from 'fast-check';
import { open } from 'lmdb';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../../../core/audit/log.js';
import { canonicalJson } from '../../../core/audit/canonical.js';
import { tempDir } from '../../support/rooms.js';

const N = 60;
let dir: string;
let pristine: Map<number, string>;

beforeAll(async () => {
  dir = tempDir('tamper');
  const log = AuditLog.open({ dir, auditDays: 730 });
  for (let i = 0; i < N; i++) await log.record({ action: 'detections.search', actor: `u${i % 4}`, case: `C${i}`, outcome: 'ok', results: i });
  await log.close();
  const root = open({ path: dir, compression: false });
  const db = root.openDB<string, number>({ name: 'records', encoding: 'string' });
  pristine = new Map([...db.getRange({})].map(({ key, value }) => [key, value]));
  await root.close();
});

type Tamper = { kind: 'alter'; at: number; field: 'actor' | 'case' | 'results' | 'ts' } | { kind: 'remove'; at: number } | { kind: 'swap'; at: number };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('alter' as const), at: fc.integer({ min: 1, max: N }), field: fc.constantFrom('actor' as const, 'case' as const, 'results' as const, 'ts' as const) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.integer({ min: 1, max: N - 1 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.integer({ min: 1, max: N - 1 }) }),
);

/** Applies one tampering to a copy of the pristine records and verifies the copy. */
async function verifyTampered(t: Tamper): Promise<ReturnType<AuditLog['verify']>> {
  const root = open({ path: dir, compression: false });
  const db = root.openDB<string, number>({ name: 'records', encoding: 'string' });
  await db.transaction(() => {
    for (const [k, v] of pristine) void db.put(k, v);
    if (t.kind === 'alter') {
      const rec = JSON.parse(pristine.get(t.at)!) as AuditRecord;
      const changed = { ...rec, [t.field]: t.field === 'results' || t.field === 'ts' ? Number(rec[t.field]) + 1 : `${String(rec[t.field])}x` };
      void db.put(t.at, canonicalJson(changed));
    } else if (t.kind === 'remove') {
      void db.remove(t.at);
    } else {
      void db.put(t.at, pristine.get(t.at + 1)!);
      void db.put(t.at + 1, pristine.get(t.at)!);
    }
  });
  await root.close();
  const log = AuditLog.open({ dir, auditDays: 730 });
  try {
    return log.verify();
  } finally {
    await log.close();
  }
}

describe('audit log under any single tampering of the raw records', () => {
  it('names exactly the record altered, removed or reordered', async () => {
    await fc.assert(
      fc.asyncProperty(tamper, async (t) => {
        const r = await verifyTampered(t);
        const reason = { alter: 'altered', remove: 'removed', swap: 'reordered' }[t.kind];
        expect(r).toMatchObject({ ok: false, brokenAt: t.at, reason, count: t.at - 1 });
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('finds the untouched copy intact, so every failure above is the tampering’s', async () => {
    const root = open({ path: dir, compression: false });
    const db = root.openDB<string, number>({ name: 'records', encoding: 'string' });
    await db.transaction(() => {
      for (const [k, v] of pristine) void db.put(k, v);
    });
    await root.close();
    const log = AuditLog.open({ dir, auditDays: 730 });
    expect(log.verify()).toEqual({ ok: true, count: N, head: N });
    await log.close();
  });
});
