import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { HotlistStore } from '../../../core/hotlist/store.js';
import type { IndexSnapshot } from '../../../core/hotlist/list-index.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import { tempDir, writeFile } from './helpers.js';

const dir = tempDir('worker');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker as the server's match pool runs one: it matches against each snapshot it is sent. */
const WORKER = `
import { parentPort } from 'node:worker_threads';
import { Matcher } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../../dist/core/hotlist/matcher.js')).href)};
parentPort.on('message', ({ snapshot, plate }) => {
  const m = Matcher.fromSnapshot(snapshot);
  parentPort.postMessage({ generation: m.generation, hits: m.match({ plate }).map((h) => h.entryPlate) });
});
`;

function ask(worker: Worker, snapshot: IndexSnapshot, plate: string): Promise<{ generation: number; hits: string[] }> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ snapshot, plate });
  });
}

describe('snapshots in worker threads', () => {
  it('match in a worker over shared memory, and a new generation reaches it through onGeneration', async () => {
    const store = await HotlistStore.open(dir, loadProfile('menlo-park'));
    const worker = new Worker(writeFile(dir, 'match-worker.mjs', WORKER));
    try {
      await store.importFile(writeFile(dir, 'v1.csv', 'plate\nOLD111\n'), { list: 'l' });
      const first = await ask(worker, store.snapshot(), 'OLD111');
      expect(first).toEqual({ generation: store.snapshot().generation, hits: ['OLD111'] });
      const pushed: IndexSnapshot[] = [];
      store.onGeneration((s) => pushed.push(s));
      await store.importFile(writeFile(dir, 'v2.csv', 'plate\nNEW222\n'), { list: 'l', replace: true });
      expect(pushed).toHaveLength(1);
      expect(pushed[0]!.lists[0]!.plates).toBeInstanceOf(SharedArrayBuffer);
      const second = await ask(worker, pushed[0]!, 'NEW222');
      expect(second).toEqual({ generation: pushed[0]!.generation, hits: ['NEW222'] });
      expect(second.generation).toBeGreaterThan(first.generation);
      expect((await ask(worker, pushed[0]!, 'OLD111')).hits).toEqual([]);
    } finally {
      await worker.terminate();
      await store.close();
    }
  });
});
