/**
 * Crash test (PROTOCOL.md guarantees): stream reads, `kill -9` the server mid-stream, restart
 * it, let the camera resume. Every acked read is stored exactly once, and every planted hit of
 * an acked read reaches the console (after replay with `since`, at least once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Accounts } from '../../core/accounts/accounts.js';
import { AuditLog } from '../../core/audit/log.js';
import { CameraRegistry } from '../../core/cameras/registry.js';
import { parseConfig } from '../../core/config/config.js';
import { DetectionStore } from '../../core/detections/store.js';
import { HotlistStore } from '../../core/hotlist/store.js';
import { loadProfile } from '../../core/policy/profiles.js';
import { SimCamera } from '../../server/demo/camera-sim.js';
import { Client, type Frame } from '../support/server.js';

const CLI = new URL('../../dist/server/cli/main.js', import.meta.url).pathname;
const PASSWORD = 'correct horse battery staple';
const profile = loadProfile('menlo-park');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function prepare(dataDir: string): Promise<string> {
  const audit = AuditLog.open({ dir: join(dataDir, 'audit'), auditDays: profile.retention.auditDays });
  const accounts = Accounts.open({ dir: join(dataDir, 'accounts'), settings: parseConfig().accounts, audit });
  await accounts.bootstrapAdministrator({ user: 'admin', name: 'Admin', password: PASSWORD, trainedAt: Date.now() });
  await accounts.create({ user: 'admin', role: 'administrator' }, { user: 'disp', name: 'Disp', role: 'dispatcher', password: PASSWORD, trainedAt: Date.now() });
  await accounts.close();
  await audit.close();
  const cameras = CameraRegistry.open(dataDir);
  const { token } = await cameras.add({ id: 'crash-cam' });
  await cameras.close();
  const hot = HotlistStore.open(dataDir, profile);
  const list = join(dataDir, 'hot.csv');
  writeFileSync(list, `plate,state,reason\n${Array.from({ length: 100 }, (_, i) => `HOT${String(i).padStart(4, '0')},CA,stolen_vehicle`).join('\n')}\n`);
  const store = await hot;
  await store.importFile(list, { list: 'stolen', replace: true, settings: { maxDistance: 0 } });
  await store.close();
  return token;
}

function serve(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, '--data', dataDir, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('/healthz')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ user: 'disp', password: PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}

describe('kill -9 mid-stream', () => {
  it('loses no acked read, stores each once, and delivers every planted hit', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ps-crash-'));
    const token = await prepare(dataDir);
    const port = await freePort();
    let server = await serve(dataDir, port);

    const acked = new Set<number>();
    const planted = new Map<number, string>();
    const hitPlates = new Set<string>();
    let lastHitSeq = 0;
    const watch = async (since?: number): Promise<Client> => {
      const con = await Client.open(`ws://127.0.0.1:${port}/v1/console`, await login(port));
      con.ws.on('message', () => {
        for (const f of con.frames.splice(0)) onHit(f);
      });
      con.send(since === undefined ? { t: 'sub' } : { t: 'sub', since });
      return con;
    };
    const onHit = (f: Frame): void => {
      if (f.t !== 'hit') return;
      lastHitSeq = Math.max(lastHitSeq, Number(f.seq));
      hitPlates.add(`${(f.read as Frame).seq}:${(f.read as Frame).plate}`);
    };
    let con = await watch();
    const cam = new SimCamera({
      url: `ws://127.0.0.1:${port}/v1/camera`,
      cam: 'crash-cam',
      token,
      rate: 1000,
      tickMs: 20,
      next: (seq) => {
        if (seq % 37 !== 0) return { plate: `R${String(seq).padStart(6, '0')}`, st: 'CA' };
        const plate = `HOT${String(seq % 100).padStart(4, '0')}`;
        planted.set(seq, plate);
        return { plate, st: 'CA' };
      },
      onAck: (seq) => acked.add(seq),
    });
    await cam.connect();
    cam.start();
    await new Promise((r) => setTimeout(r, 1500));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const ackedBeforeCrash = acked.size;
    await new Promise((r) => setTimeout(r, 300));
    server = await serve(dataDir, port);
    con = await watch(lastHitSeq);
    await new Promise((r) => setTimeout(r, 1000));
    await cam.stop(20_000);
    await new Promise((r) => setTimeout(r, 300));
    con.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));

    expect(ackedBeforeCrash).toBeGreaterThan(100);
    expect(cam.pending).toBe(0);
    const store = DetectionStore.open({ dir: dataDir, profile });
    const access = { user: 'auditor', role: 'investigator', case: 'CRASH-1', purpose: 'criminal_investigation', from: 'test' };
    const audit = { record: async () => 0 };
    const seqs: number[] = [];
    for (const pattern of ['R0*', 'HOT*']) {
      let cursor: string | undefined;
      do {
        const page = await store.search({ pattern, cams: ['crash-cam'], limit: 1000, cursor }, access, audit);
        seqs.push(...page.items.map((d) => d.seq));
        cursor = page.cursor;
      } while (cursor);
    }
    await store.close();
    const stored = new Set(seqs);
    expect(seqs.length).toBe(stored.size);
    for (const seq of acked) expect(stored.has(seq)).toBe(true);
    for (const [seq, plate] of planted) if (acked.has(seq)) expect(hitPlates.has(`${seq}:${plate}`)).toBe(true);
  }, 240_000);
});
