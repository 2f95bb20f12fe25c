/**
 * The accountability commands end to end, in process, on a real data folder: the first
 * administrator, accounts, El Cajon's random audit of 10 with reviews, releases, the quarterly
 * report, and `audit verify` naming a tampered record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../core/audit/log.js';
import { main } from '../../../server/cli/main.js';
import { tempDir } from '../../support/rooms.js';

const dir = tempDir('cli');
const PW: Record<string, string> = { root: 'root passphrase 1', sue: 'sue passphrase 12', ivy: 'ivy passphrase 12', carl: 'carl passphrase 1', cora: 'cora passphrase 1', aud: 'aud passphrase 12', olga: 'olga passphrase 1' };

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(as: string | undefined, ...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  if (as) process.env.PLATESAFE_PASSWORD = PW[as];
  try {
    const code = await main(['--data', dir, ...args, '--profile', 'el-cajon', ...(as ? ['--as', as] : [])]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    delete process.env.PLATESAFE_PASSWORD;
    delete process.env.PLATESAFE_NEW_PASSWORD;
  }
}

async function addUser(user: string, role: string, as?: string): Promise<Run> {
  process.env.PLATESAFE_NEW_PASSWORD = PW[user];
  return cli(as, 'user', 'add', user, '--name', `${user} Person`, '--role', role, '--trained', '2020-01-01', '--training-expires', '2099-01-01');
}

afterEach(() => vi.restoreAllMocks());

describe('platesafe user|audit|agency|release|report', () => {
  beforeAll(async () => {
    expect(await addUser('root', 'administrator')).toMatchObject({ code: 0 });
    for (const [u, r] of [['sue', 'supervisor'], ['ivy', 'investigator'], ['carl', 'records_custodian'], ['cora', 'records_custodian'], ['aud', 'auditor']] as const) {
      expect((await addUser(u, r, 'root')).code).toBe(0);
    }
  });

  it('creates the first administrator without credentials only on an empty folder', async () => {
    const again = await addUser('eve', 'administrator');
    expect(again.code).toBe(2);
    expect(again.err).toContain('PS_ERR_UNAUTHENTICATED');
    const notAdmin = await addUser('eve', 'administrator', 'ivy');
    expect(notAdmin.err).toContain('PS_ERR_FORBIDDEN');
    const ls = await cli('root', 'user', 'ls');
    expect(ls.out.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(['aud', 'carl', 'cora', 'ivy', 'root', 'sue']);
  });

  it('disables, trains and reviews accounts', async () => {
    expect((await addUser('olga', 'operator', 'root')).code).toBe(0);
    expect((await cli('root', 'user', 'train', 'olga', '--completed', '2026-01-05', '--expires', '2026-02-05')).out).toContain('trained until 2026-02-05 (lapsed or missing)');
    expect((await cli('root', 'user', 'disable', 'olga', '--reason', 'transferred')).out).toContain('disabled (transferred)');
    expect((await cli('root', 'user', 'review', 'olga', '--enable', '--until', '2099-06-30')).out).toContain('review by 2099-06-30');
    expect((await cli('root', 'user', 'train', 'olga', '--completed', 'yesterday')).err).toContain('PS_ERR_BAD_INPUT');
    process.env.PLATESAFE_NEW_PASSWORD = 'olga second pass';
    expect((await cli('root', 'user', 'password', 'olga')).out).toContain('password of olga set');
    PW.olga = 'olga second pass';
    expect((await cli('olga', 'user', 'ls')).err).toContain('PS_ERR_FORBIDDEN');
  });

  it('El Cajon: a supervisor draws 10 inquiries from the last six months and records reviews (EC 427.8)', async () => {
    const log = AuditLog.open({ dir: join(dir, 'audit'), auditDays: 730 });
    for (let i = 0; i < 25; i++) {
      await log.record({ action: i % 2 ? 'detections.search' : 'images.view', actor: 'ivy', case: `EC-${i}`, purpose: 'stolen_vehicle', outcome: 'ok', results: i });
    }
    await log.close();
    expect((await cli('ivy', 'audit', 'sample')).err).toContain('PS_ERR_FORBIDDEN');
    const s = await cli('sue', 'audit', 'sample');
    expect(s.code).toBe(0);
    const [head, ...rows] = s.out.trim().split('\n');
    expect(head).toMatch(/^sample (\d+): 10 of 25 browsing inquiries, seed [0-9a-f]{32}$/);
    expect(rows).toHaveLength(10);
    const sample = head!.match(/^sample (\d+)/)![1]!;
    const [first, second] = rows.map((r) => r.split('\t')[0]!);
    expect((await cli('sue', 'audit', 'review', '--sample', sample, '--inquiry', first!, '--outcome', 'compliant')).out).toContain('1 reviewed');
    expect((await cli('sue', 'audit', 'review', '--sample', sample, '--inquiry', second!, '--outcome', 'violation')).err).toContain('PS_ERR_BAD_INPUT');
    expect((await cli('sue', 'audit', 'review', '--sample', sample, '--inquiry', second!, '--outcome', 'violation', '--note', 'no matching case')).out).toContain('2 reviewed');
    // The same seed draws the same ten.
    const seed = head!.split('seed ')[1]!;
    const again = await cli('sue', 'audit', 'sample', '--seed', seed);
    expect(again.out.trim().split('\n').slice(1).map((r) => r.split('\t')[0])).toEqual(rows.map((r) => r.split('\t')[0]));
  });

  it('El Cajon releases: registry, automatic denial naming the rule, approval by another custodian', async () => {
    expect((await cli('root', 'agency', 'add', 'sdpd', '--name', 'San Diego PD', '--kind', 'law_enforcement', '--state', 'CA')).code).toBe(0);
    expect((await cli('carl', 'agency', 'ls')).out).toContain('sdpd\tSan Diego PD');
    const base = ['release', 'request', '--agency', 'sdpd', '--requester', 'Det. Vo', '--purpose', 'Carjacking suspect vehicle', '--case', 'SD-1', '--from', '2026-01-01', '--to', '2026-01-08'];
    const denied = await cli('carl', ...base, '--use', 'criminal_investigation');
    expect(denied.out).toMatch(/^R000001\tdenied\t.*need_to_know/);
    const repro = await cli('carl', ...base, '--use', 'criminal_investigation', '--use', 'reproductive_health', '--need-to-know', 'Open case');
    expect(repro.out).toMatch(/denied.*reproductive_health/);
    const ok = await cli('carl', ...base, '--use', 'criminal_investigation', '--need-to-know', 'Open case', '--search', '6AB*');
    expect(ok.out).toMatch(/^R000003\tpending/);
    expect((await cli('carl', 'release', 'decide', 'R000003', '--approve')).err).toContain('PS_ERR_SELF_APPROVAL');
    expect((await cli('cora', 'release', 'decide', 'R000003', '--approve', '--deny')).err).toContain('PS_ERR_BAD_INPUT');
    expect((await cli('cora', 'release', 'decide', 'R000003', '--approve')).out).toMatch(/approved\tSan Diego PD.*approved by cora/);
    expect((await cli('cora', 'release', 'ls', '--status', 'approved')).out.trim().split('\n')).toHaveLength(1);
  });

  it('writes the quarterly report as JSON and HTML', async () => {
    const now = new Date();
    const html = join(dir, 'q.html');
    const r = await cli('sue', 'report', 'quarterly', '--year', String(now.getUTCFullYear()), '--quarter', String(Math.floor(now.getUTCMonth() / 3) + 1), '--html', html);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { searches: { total: number }; audits: { violations: number }; releases: { approved: number; denied: number }; detections: number; cameras: number; hits: { total: number } };
    expect(json.searches.total).toBe(12);
    expect(json.audits.violations).toBe(1);
    expect(json.releases).toMatchObject({ approved: 1, denied: 2 });
    // The stores of this data folder are counted too: nothing was collected in it.
    expect(json).toMatchObject({ detections: 0, cameras: 0, hits: { total: 0 } });
    expect(readFileSync(html, 'utf8')).toContain('San Diego PD');
    expect((await cli('ivy', 'report', 'quarterly', '--year', '2026', '--quarter', '1')).err).toContain('PS_ERR_FORBIDDEN');
  });

  it('lets the auditor read the trail, filtered, and records that reading', async () => {
    const r = await cli('aud', 'audit', 'ls', '--action', 'releases.request', '--action', 'releases.decide');
    const rows = r.out.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.map((x) => `${x[4]}:${x[2]}:${x[5]}`)).toEqual([
      'releases.request:carl:ok',
      'releases.request:carl:ok',
      'releases.request:carl:ok',
      'releases.decide:carl:PS_ERR_SELF_APPROVAL',
      'releases.decide:cora:ok',
    ]);
    expect(rows.every((x) => x[2] === 'carl' || x[2] === 'cora')).toBe(true);
    const mine = await cli('aud', 'audit', 'ls', '--actor', 'aud', '--action', 'audit.read');
    expect(mine.out.trim().split('\n')).toHaveLength(1);
    expect((await cli('ivy', 'audit', 'ls')).err).toContain('PS_ERR_FORBIDDEN');
  });

  it('refuses to purge audit records inside the profile’s audit retention', async () => {
    const r = await cli('root', 'audit', 'purge', '--before', new Date(Date.now() - 24 * 3600_000).toISOString());
    expect(r.err).toContain('PS_ERR_AUDIT_RETENTION');
    expect((await cli('aud', 'audit', 'purge', '--before', '2000-01-01')).err).toContain('PS_ERR_FORBIDDEN');
    expect((await cli('root', 'audit', 'purge', '--before', '2000-01-01')).out).toContain('removed 0 audit records');
  });

  it('verifies the audit chain, and names the record someone altered', async () => {
    expect((await cli('aud', 'audit', 'verify')).out).toMatch(/^audit log intact: \d+ records/);
    const root = open({ path: join(dir, 'audit'), compression: false });
    const db = root.openDB<string, number>({ name: 'records', encoding: 'string' });
    const rec = JSON.parse(db.get(20)!) as Record<string, unknown>;
    await db.put(20, JSON.stringify({ ...rec, actor: 'nobody' }));
    await root.close();
    const broken = await cli('aud', 'audit', 'verify');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('PS_ERR_AUDIT_BROKEN');
    expect(broken.err).toContain('broken at record 20 (altered)');
  });
});
