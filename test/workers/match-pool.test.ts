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

  it('tries every candidate of a read and keeps reads without a plate in their place', async () => {
    pool = new MatchPool(listOf('LEE8805', 1), { threads: 1 });
    const found = await pool.match([{ plate: 'ZZZ111', st: 'CA', conf: 0.5, cands: [['LEE8805', 0.4]] }, { cands: [['AAA000', 0.9]] }, { plate: 'LEE8805' }]);
    expect(plates(found)).toEqual([['LEE8805'], [], ['LEE8805']]);
    expect(found[0]![0]!.candidate).toBe('LEE8805');
  });
});
