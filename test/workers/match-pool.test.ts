import { afterEach, describe, expect, it } from 'vitest';
import { MatchPool } from '../../workers/match-pool.js';
import { snapshotOf } from '../core/hotlist/helpers.js';

const listOf = (plate: string, generation: number) => snapshotOf([{ settings: { name: 'ncic' }, entries: [{ plate }] }], generation);
const plates = (found: { entryPlate: string }[][]) => found.map((m) => m.map((x) => x.entryPlate));

describe('match worker pool', () => {
  let pool: MatchPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('matches batches on every worker against the generation current when the batch left', async () => {
    pool = new MatchPool(listOf('OLD111', 1), { threads: 2 });
    const reads = [{ plate: 'OLD111' }, { plate: 'NEW222' }, { plate: 'ZZZ999' }];
    // Several batches at once, so both workers load generation 1.
    const first = await Promise.all(Array.from({ length: 8 }, () => pool!.match(reads)));
    for (const found of first) expect(plates(found)).toEqual([['OLD111'], [], []]);

    const inFlight = pool.match(reads);
    pool.setSnapshot(listOf('NEW222', 2));
    const after = await Promise.all(Array.from({ length: 8 }, () => pool!.match(reads)));
    // POLICY R4: each batch saw one generation, never a mix.
    expect(plates(await inFlight)).toEqual([['OLD111'], [], []]);
    for (const found of after) expect(plates(found)).toEqual([[], ['NEW222'], []]);
    expect(pool.generation).toBe(2);
  });

  it('merges batches that wait for a busy worker, each caller getting its own reads back', async () => {
    pool = new MatchPool(listOf('HIT0001', 1), { threads: 1 });
    const batches = Array.from({ length: 40 }, (_, b) => Array.from({ length: 1 + (b % 7) }, (_, i) => ({ plate: (b + i) % 3 === 0 ? 'HIT0001' : `MISS${b}X${i}` })));
    const found = await Promise.all(batches.map((reads) => pool!.match(reads)));
    found.forEach((f, b) => expect(plates(f)).toEqual(batches[b]!.map((r) => (r.plate === 'HIT0001' ? ['HIT0001'] : []))));
  });

  it('answers PS_ERR_BUSY past its bound of waiting batches, and matches again once they are done', async () => {
    pool = new MatchPool(listOf('HIT0001', 1), { threads: 1, maxQueue: 2 });
    const reads = [{ plate: 'HIT0001' }];
    const first = pool.match(reads);
    const waiting = [pool.match(reads), pool.match(reads)];
    expect(pool.hasRoom()).toBe(false);
    await expect(pool.match(reads)).rejects.toMatchObject({ code: 'PS_ERR_BUSY' });
    for (const f of await Promise.all([first, ...waiting])) expect(plates(f)).toEqual([['HIT0001']]);
    expect(pool.queueSize).toBe(0);
    expect(plates(await pool.match(reads))).toEqual([['HIT0001']]);
  });

  it('tries every candidate of a read and keeps reads without a plate in their place', async () => {
    pool = new MatchPool(listOf('LEE8805', 1), { threads: 1 });
    const found = await pool.match([{ plate: 'ZZZ111', st: 'CA', conf: 0.5, cands: [['LEE8805', 0.4]] }, { cands: [['AAA000', 0.9]] }, { plate: 'LEE8805' }]);
    expect(plates(found)).toEqual([['LEE8805'], [], ['LEE8805']]);
    expect(found[0]![0]!.candidate).toBe('LEE8805');
  });
});
