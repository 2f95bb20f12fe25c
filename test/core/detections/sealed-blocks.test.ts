import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { det, INVESTIGATOR, MemorySink, NOW, openStore, tempDir, cleanUpAfterEach } from './support.js';

cleanUpAfterEach();

/** Rewrites the record blocks of the store's only partition, the store being closed. */
function editBlocks(dir: string, edit: (blocks: Map<number, Buffer>) => void): void {
  const parts = join(dir, 'detections', 'partitions');
  const [name] = readdirSync(parts);
  const env = open({ path: join(parts, name!), compression: false, maxDbs: 8, pageSize: 4096 });
  const rec = env.openDB<Buffer, number>({ name: 'rec', keyEncoding: 'uint32', encoding: 'binary' });
  const blocks = new Map<number, Buffer>();
  for (const { key, value } of rec.getRange()) blocks.set(key, Buffer.from(value));
  edit(blocks);
  env.transactionSync(() => {
    for (const [key, value] of blocks) rec.putSync(key, value);
  });
  env.close();
}

describe('sealed record blocks in a real partition (POLICY R7)', () => {
  async function filled(): Promise<{ dir: string; ids: string[] }> {
    const { dir } = tempDir();
    const s = openStore(dir);
    const res = await s.appendBatch(Array.from({ length: 300 }, (_, i) => det('cam-1', i, `7SB${String(i).padStart(4, '0')}`, NOW - 3_600_000 + i, { st: 'CA', conf: 0.9 })));
    await s.close();
    return { dir, ids: res.map((r) => (r as { id: string }).id) };
  }

  it('refuses a block moved under another key, and one altered by a bit', async () => {
    const { dir, ids } = await filled();
    let starts: number[] = [];
    editBlocks(dir, (blocks) => {
      starts = [...blocks.keys()];
      expect(starts.length).toBeGreaterThanOrEqual(3);
      // Swap the first two blocks; flip one bit of the third.
      const [a, b, c] = starts as [number, number, number];
      const first = blocks.get(a)!;
      blocks.set(a, blocks.get(b)!);
      blocks.set(b, first);
      blocks.get(c)![40]! ^= 1;
    });
    const s = openStore(dir);
    const view = (n: number): Promise<unknown> => s.get(ids[n]!, INVESTIGATOR, new MemorySink());
    await expect(view(starts[0]!)).rejects.toMatchObject({ code: 'PS_ERR_STORAGE' });
    await expect(view(starts[1]!)).rejects.toMatchObject({ code: 'PS_ERR_STORAGE' });
    await expect(view(starts[2]!)).rejects.toMatchObject({ code: 'PS_ERR_STORAGE' });
    // Untouched blocks still open, and the one that failed left nothing named as open.
    const last = starts[starts.length - 1]!;
    expect(((await view(last)) as { plate: string }).plate).toBe(`7SB${String(last).padStart(4, '0')}`);
    await expect(s.search({ pattern: '7SB*', from: NOW - 2 * 3_600_000, to: NOW }, INVESTIGATOR, new MemorySink())).rejects.toMatchObject({ code: 'PS_ERR_STORAGE' });
  });
});
