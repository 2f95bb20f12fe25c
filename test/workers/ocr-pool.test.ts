import { afterEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../models/loader.js';
import { createOcrPool, type OcrPool } from '../../workers/ocr-pool.js';
import { fixtureSet } from '../core/ocr/fixtures.js';

describe('OCR worker pool', () => {
  let pool: OcrPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('reads batches on worker threads, results in input order', async () => {
    pool = createOcrPool({ model: loadModel(), threads: 2, batch: 4 });
    const fx = fixtureSet('clean').concat(fixtureSet('gray8'));
    const results = await pool.read(fx.map((f) => f.crop));
    expect(results).toHaveLength(fx.length);
    const right = results.filter((r, i) => r.plate === fx[i]!.plate).length;
    expect(right).toBeGreaterThanOrEqual(fx.length - 1);
    expect(results.every((r) => r.ms > 0)).toBe(true);
    expect(results.every((r) => r.looks >= 1)).toBe(true);
    expect(pool.threads).toBe(2);
  });

  it('refuses with PS_ERR_BUSY when its queue is full, and reads again once it drains', async () => {
    pool = createOcrPool({ model: loadModel(), threads: 1, maxQueue: 1, batch: 1 });
    const crop = fixtureSet('clean')[0]!.crop;
    // More batches than the queue holds: refused whole, nothing queued.
    await expect(pool.read([crop, crop, crop])).rejects.toMatchObject({ code: 'PS_ERR_BUSY', status: 503 });
    expect(pool.queued).toBe(0);
    const running = pool.read([crop]);
    const waiting = pool.read([crop]);
    await expect(pool.read([crop])).rejects.toMatchObject({ code: 'PS_ERR_BUSY' });
    const done = await Promise.all([running, waiting]);
    expect(done.flat()).toHaveLength(2);
    expect((await pool.read([crop]))[0]!.plate).toBe(done[0]![0]!.plate);
  });

  it('returns nothing for no crops without touching a worker', async () => {
    pool = createOcrPool({ model: loadModel(), threads: 1 });
    expect(await pool.read([])).toEqual([]);
  });
});
