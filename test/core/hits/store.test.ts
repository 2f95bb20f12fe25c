import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HitStore } from '../../../core/hits/store.js';
import { transition } from '../../../core/hits/lifecycle.js';
import type { NewHit } from '../../../core/hits/hit.js';

function newHit(seq: number): NewHit {
  return {
    read: { plate: 'ABC123', cam: 'cam-1', seq, ts: 1 },
    entry: { id: `ncic:1:${seq}`, list: 'ncic', plate: 'ABC123', reason: 'stolen_vehicle', pri: 50, info: false, covert: false },
    match: { kind: 'exact', score: 1, diff: [], state: 'unknown', candidate: 'ABC123' },
  };
}

describe('HitStore escalation candidates', () => {
  let dir: string;
  let store: HitStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-hits-'));
    store = HitStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

  it('gives the hits still new that are due, oldest first, and not those past the horizon', async () => {
    await store.raise([newHit(1)], 1_000).durable;
    await store.raise([newHit(2)], 5_000).durable;
    await store.raise([newHit(3)], 9_000).durable;
    expect(ids(store.unacknowledgedBefore(8_000, 0))).toEqual(['H1', 'H2']);
    expect(ids(store.unacknowledgedBefore(8_000, 2_000))).toEqual(['H2']);
    // Forgotten for good once past the horizon.
    expect(ids(store.unacknowledgedBefore(10_000, 0))).toEqual(['H2', 'H3']);
  });

  it('drops a hit someone acknowledged, and keeps tracking hits raised after the first sweep', async () => {
    await store.raise([newHit(1), newHit(2)], 1_000).durable;
    expect(ids(store.unacknowledgedBefore(2_000, 0))).toEqual(['H1', 'H2']);
    await store.update('H1', (h) => ({ ...h, life: transition(h.life, { t: 'ack' }, 'dan', 1_500) }));
    const { durable } = store.raise([newHit(3)], 1_800);
    // Due before it is even durable: the console already has it.
    expect(ids(store.unacknowledgedBefore(2_000, 0))).toEqual(['H2', 'H3']);
    await durable;
  });

  it('finds hits raised before a restart that nobody acknowledged', async () => {
    await store.raise([newHit(1), newHit(2)], 1_000).durable;
    await store.update('H2', (h) => ({ ...h, life: transition(h.life, { t: 'ack' }, 'dan', 1_500) }));
    await store.close();
    store = HitStore.open(dir);
    expect(ids(store.unacknowledgedBefore(2_000, 0))).toEqual(['H1']);
  });
});
