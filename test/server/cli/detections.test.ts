import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionStore } from '../../../core/detections/store.js';
import { AuditLog } from '../../../core/audit/log.js';
import { loadProfile } from '../../../core/policy/profiles.js';

const cli = fileURLToPath(new URL('../../../dist/server/cli/main.js', import.meta.url));
const DAY = 86_400_000;
let dir: string;
const now = Date.now();

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, '--data', dir, ...args], { encoding: 'utf8', env: { ...process.env, PLATESAFE_MASTER_KEY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ps-cli-'));
  // One read written 40 days ago, so it is past Menlo Park's 30-day retention today.
  let clock = now - 40 * DAY;
  const old = DetectionStore.open({ dir, profile: loadProfile('menlo-park'), clock: () => clock, onWarning: () => {} });
  await old.append({ cam: 'pole-1', read: { seq: 1, ts: now - 40 * DAY, plate: '7ABC123', st: 'CA' } });
  clock = now;
  await old.appendBatch([
    { cam: 'pole-1', read: { seq: 2, ts: now - 2 * DAY, plate: '7ABX912', st: 'CA', conf: 0.93 } },
    { cam: 'pole-2', read: { seq: 1, ts: now - DAY, plate: '8XYD30Q', st: 'NV' } },
  ]);
  await old.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('platesafe search and compact', () => {
  it('refuses a search without case and reason, before reading, and records the refusal', () => {
    const r = run('search', '7AB*12', '--user', 'det.ortiz');
    expect(r.code).toBe(2);
    expect(r.err).toContain('PS_ERR_INQUIRY_INCOMPLETE');
    const audit = AuditLog.open({ dir: join(dir, 'audit'), auditDays: loadProfile('menlo-park').retention.auditDays });
    const events = audit.query({ actions: ['detections.search'] });
    void audit.close();
    expect(events.at(-1)).toMatchObject({ action: 'detections.search', actor: 'det.ortiz', from: 'cli', outcome: 'PS_ERR_INQUIRY_INCOMPLETE' });
  });

  it('searches a partial plate under a case and a reason', () => {
    const r = run('search', '7AB*', '--case', '26-0142', '--reason', 'stolen_vehicle', '--user', 'det.ortiz', '--json');
    expect(r.code, r.err).toBe(0);
    const page = JSON.parse(r.out);
    expect(page.total).toBe(2);
    expect(page.items.map((d: { plate: string }) => d.plate)).toEqual(['7ABX912', '7ABC123']);
    const text = run('search', '8X?D3[0O]?', '--case', '26-0142', '--reason', 'stolen_vehicle', '--from', new Date(now - 3 * DAY).toISOString());
    expect(text.out).toMatch(/8XYD30Q\tNV\tpole-2/);
    expect(text.out).toContain('1 of 1');
    expect(run('search', '7AB*', '--case', '1', '--reason', 'x', '--from', 'yesterday').err).toContain('PS_ERR_BAD_INPUT');
  });

  it('purges what is past retention and reports it per partition', () => {
    const r = run('compact', '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.purged).toHaveLength(1);
    expect(report.purged[0].detections).toBe(1);
    const after = JSON.parse(run('search', '7AB*', '--case', '26-0142', '--reason', 'stolen_vehicle', '--json').out);
    expect(after.items.map((d: { plate: string }) => d.plate)).toEqual(['7ABX912']);
    expect(run('compact').out).toContain('0 partitions, 0 detections purged');
  });
});
