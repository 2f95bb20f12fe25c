import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/audit/canonical.js';
import { AuditLog, hashRecord, type AuditRecord } from '../../../core/audit/log.js';
import { DAY_MS } from '../../../core/util/time.js';

const T0 = Date.UTC(2026, 0, 1);
let clock = T0;
const opened: AuditLog[] = [];

function fresh(): { dir: string; log: AuditLog } {
  const dir = mkdtempSync(join(tmpdir(), 'ps-audit-'));
  clock = T0;
  const log = AuditLog.open({ dir, auditDays: 730, now: () => clock });
  opened.push(log);
  return { dir, log };
}

async function fill(log: AuditLog, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock += 1000;
    await log.record({ action: i % 2 ? 'detections.search' : 'user.login', actor: `u${i % 3}`, outcome: 'ok', subject: { i } });
  }
}

/** Opens the raw records database behind the log, as someone with file access would. */
async function tamper(dir: string, log: AuditLog, act: (db: ReturnType<ReturnType<typeof open>['openDB']>) => void): Promise<AuditLog> {
  await log.close();
  const root = open({ path: dir, compression: false });
  const db = root.openDB({ name: 'records', encoding: 'string' });
  await db.transaction(() => act(db));
  await root.close();
  const again = AuditLog.open({ dir, auditDays: 730, now: () => clock });
  opened.push(again);
  return again;
}

afterEach(async () => {
  for (const l of opened.splice(0)) await l.close().catch(() => undefined);
});

describe('audit log hash chain', () => {
  it('appends records that chain the previous hash and verifies clean', async () => {
    const { log } = fresh();
    await fill(log, 20);
    expect(log.lastSeq()).toBe(20);
    const r5 = log.get(5)!;
    expect(r5.prev).toBe(log.get(4)!.hash);
    const { hash, ...body } = r5;
    expect(hashRecord(body)).toBe(hash);
    expect(log.verify()).toEqual({ ok: true, count: 20, head: 20 });
  });

  it('hashes a canonical encoding independent of field order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('names the first altered record', async () => {
    const { dir, log } = fresh();
    await fill(log, 30);
    const after = await tamper(dir, log, (db) => {
      for (const k of [17, 23]) {
        const rec = JSON.parse(db.get(k) as string) as AuditRecord;
        void db.put(k, canonicalJson({ ...rec, actor: 'someone-else' }));
      }
    });
    expect(after.verify()).toMatchObject({ ok: false, brokenAt: 17, reason: 'altered', count: 16 });
  });

  it('names a record altered with its own hash recomputed by the broken link after it', async () => {
    const { dir, log } = fresh();
    await fill(log, 10);
    const after = await tamper(dir, log, (db) => {
      const { hash, ...body } = JSON.parse(db.get(4) as string) as AuditRecord;
      expect(hash).toHaveLength(64);
      const forged = { ...body, outcome: 'ok', subject: { i: 999 } };
      void db.put(4, canonicalJson({ ...forged, hash: hashRecord(forged) }));
    });
    expect(after.verify()).toMatchObject({ ok: false, brokenAt: 5, reason: 'link' });
  });

  it('names the first removed record', async () => {
    const { dir, log } = fresh();
    await fill(log, 12);
    const after = await tamper(dir, log, (db) => {
      void db.remove(7);
      void db.remove(8);
    });
    expect(after.verify()).toMatchObject({ ok: false, brokenAt: 7, reason: 'removed' });
  });

  it('names the first reordered record', async () => {
    const { dir, log } = fresh();
    await fill(log, 12);
    const after = await tamper(dir, log, (db) => {
      const a = db.get(9) as string;
      void db.put(9, db.get(10) as string);
      void db.put(10, a);
    });
    expect(after.verify()).toMatchObject({ ok: false, brokenAt: 9, reason: 'reordered' });
  });

  it('notices records cut from the end', async () => {
    const { dir, log } = fresh();
    await fill(log, 12);
    const after = await tamper(dir, log, (db) => {
      void db.remove(12);
      void db.remove(11);
    });
    expect(after.verify()).toMatchObject({ ok: false, brokenAt: 11, reason: 'truncated' });
  });

  it('queries by time window, action and actor', async () => {
    const { log } = fresh();
    await fill(log, 40);
    const from = T0 + 10_500;
    const to = T0 + 20_500;
    const all = log.query({ from, to });
    expect(all.map((r) => r.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const searches = log.query({ from, to, actions: ['detections.search'] });
    expect(searches.every((r) => r.action === 'detections.search')).toBe(true);
    expect(searches).toHaveLength(5);
    expect(log.query({ actor: 'u1', limit: 3 }).map((r) => r.seq)).toEqual([2, 5, 8]);
  });

  it('refuses to purge records younger than the audit retention, purges older ones and still verifies', async () => {
    const { log } = fresh();
    await fill(log, 10);
    clock = T0 + 100 * DAY_MS;
    await expect(log.purgeBefore(T0 + 5_500, 'admin')).rejects.toMatchObject({ code: 'PS_ERR_AUDIT_RETENTION' });
    expect(log.lastSeq()).toBe(10);
    clock = T0 + 731 * DAY_MS;
    const { removed, anchor } = await log.purgeBefore(T0 + 5_500, 'admin');
    expect(removed).toBe(5);
    expect(anchor).toBe(5);
    expect(log.get(5)).toBeUndefined();
    expect(log.get(11)).toMatchObject({ action: 'audit.purge', results: 5 });
    expect(log.verify()).toEqual({ ok: true, count: 6, head: 11 });
  });

  it('refuses an event without action, actor or outcome', async () => {
    const { log } = fresh();
    await expect(log.record({ action: '', actor: 'a', outcome: 'ok' })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(log.record({ action: 'x', actor: 'a', outcome: 'ok', subject: cyclic })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    expect(log.lastSeq()).toBe(0);
  });

  it('keeps the chain across reopen and concurrent appends', async () => {
    const { dir, log } = fresh();
    await Promise.all(Array.from({ length: 25 }, (_, i) => log.record({ action: 'x', actor: `a${i}`, outcome: 'ok' })));
    await log.close();
    const again = AuditLog.open({ dir, auditDays: 730, now: () => clock });
    opened.push(again);
    await again.record({ action: 'y', actor: 'b', outcome: 'ok' });
    expect(again.verify()).toEqual({ ok: true, count: 26, head: 26 });
    expect(new Set(again.query().map((r) => r.actor)).size).toBe(26);
  });
});
