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

describe('HitStore stream seqs', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-hits-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never hands out a seq again after a crash, though the hits that had it were never committed', async () => {
    const before = HitStore.open(dir);
    // Pushed to consoles at once; the process dies before the commit (the store is never closed).
    const seen = before.raise([newHit(1), newHit(2)]).hits.map((h) => h.seq);
    const after = HitStore.open(dir);
    const { hits, durable } = after.raise([newHit(1), newHit(3)]);
    await durable;
    expect(Math.min(...hits.map((h) => h.seq))).toBeGreaterThan(Math.max(...seen));
    // A console that saw the lost hits and reconnects with `since` gets the new ones.
    expect(after.since(Math.max(...seen)).map((h) => h.read.seq)).toEqual([1, 3]);
    await after.close();
    await before.close();
  });

  it('goes on from the last seq after a clean close, and across many reservations', async () => {
    let store = HitStore.open(dir);
    await store.raise([newHit(1), newHit(2)]).durable;
    await store.close();
    store = HitStore.open(dir);
    const { hits, durable } = store.raise([newHit(3)]);
    await durable;
    expect(hits.map((h) => h.id)).toEqual(['H3']);
    // Past half a reservation the next one is written ahead; seqs stay consecutive.
    const many = Array.from({ length: 60_000 }, (_, i) => newHit(10 + i));
    const big = store.raise(many);
    const more = store.raise([newHit(100_000)]);
    await Promise.all([big.durable, more.durable]);
    expect(more.hits[0]!.seq).toBe(60_004);
    await store.close();
    store = HitStore.open(dir);
    const last = store.raise([newHit(200_000)]);
    await last.durable;
    expect(last.hits[0]!.seq).toBe(60_005);
    await store.close();
  });
});
