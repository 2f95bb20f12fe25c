import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../core/detections/record.js';
import type { DetectionStore } from '../../../core/detections/store.js';
import { INVESTIGATOR, MASTER_KEY, MemorySink, NOW, openStore, tempDir, cleanUpAfterEach } from './support.js';

const writer = fileURLToPath(new URL('./crash-writer.mjs', import.meta.url));

cleanUpAfterEach();
let store: DetectionStore;

/** Runs the writer until it has reported `acks` durable reads, then kills it with SIGKILL. */
function writeThenKill(dir: string, acks: number): Promise<{ cam: string; seq: number; id: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, MASTER_KEY, String(NOW)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reported: { cam: string; seq: number; id: string }[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [cam, seq, id] = line.split(' ');
        reported.push({ cam: cam!, seq: Number(seq), id: id! });
      }
      if (reported.length >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(reported) : reject(new Error(`writer exited: ${stderr}`))));
  });
}

describe('crash safety', () => {
  it('loses no read reported durable when the writer is killed with SIGKILL, twice', async () => {
    const t = tempDir();
    const all: { cam: string; seq: number; id: string }[] = [];
    for (const acks of [3000, 5000]) {
      all.push(...(await writeThenKill(t.dir, acks)));
      store = openStore(t.dir);
      const sink = new MemorySink();
      for (const r of all) {
        const d = await store.get(r.id, INVESTIGATOR, sink);
        expect([d.cam, d.seq]).toEqual([r.cam, r.seq]);
      }
      const maxSeq = new Map<string, number>();
      for (const r of all) maxSeq.set(r.cam, Math.max(maxSeq.get(r.cam) ?? -1, r.seq));
      for (const [cam, seq] of maxSeq) expect(store.lastSeq(cam)).toBeGreaterThanOrEqual(seq);
      // Every partition is readable end to end, and its index agrees with its records.
      let stored = 0;
      let cam1 = 0;
      for (const p of store.partitionList()) {
        for (let n = 0; n < p.count; n++) {
          const d = decodeRecord('x', p.record(n)!, p.start, p.camNames);
          if (d.cam === 'cam-1') cam1++;
        }
        stored += p.count;
      }
      expect(stored).toBeGreaterThanOrEqual(all.length);
      expect((await store.search({ pattern: 'C1*', limit: 1 }, INVESTIGATOR, sink)).total).toBe(cam1);
      await store.close();
    }
    expect(all.length).toBeGreaterThanOrEqual(8000);
  });
});
