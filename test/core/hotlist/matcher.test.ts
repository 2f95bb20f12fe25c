import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../core/hotlist/matcher.js';
import { matcherOf, snapshotOf } from './helpers.js';

const NOW = Date.UTC(2026, 10, 1);

describe('matcher: exact and fuzzy', () => {
  const m = matcherOf([
    {
      settings: { name: 'svs', maxDistance: 1 },
      entries: [{ plate: '7ABC123', state: 'CA', priority: 70 }, { plate: 'LEE8805', state: 'CA' }, { plate: 'XYZ999' }],
    },
    { settings: { name: 'exact-only', maxDistance: 0 }, entries: [{ plate: '7ABC123', state: 'CA' }] },
  ]);

  it('finds an exact read in every list holding it, with score 1 and no diff', () => {
    const hits = m.match({ plate: '7ABC123', st: 'CA' }, NOW);
    expect(hits.map((h) => [h.list, h.kind, h.score, h.distance, h.diff, h.state])).toEqual([
      ['svs', 'exact', 1, 0, [], 'same'],
      ['exact-only', 'exact', 1, 0, [], 'same'],
    ]);
    expect(hits[0]).toMatchObject({ entryPlate: '7ABC123', entryState: 'CA', candidate: '7ABC123', priority: 70, entryId: 'svs:1:0' });
  });

  it('matches confusable misreads as fuzzy at their confusion cost, never in an exact-only list', () => {
    const hits = m.match({ plate: '7A8C1Z3', st: 'CA' }, NOW); // B→8, 2→Z
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ list: 'svs', kind: 'fuzzy', distance: 0.45, diff: [2, 5] });
    expect(hits[0]!.score).toBeLessThan(1);
  });

  it('ranks a cheaper confusion above a dearer one', () => {
    const [a] = m.match({ plate: '7ABC1Z3', st: 'CA' }, NOW); // 2→Z costs 0.25
    const [b] = m.match({ plate: '7ABCT23', st: 'CA' }, NOW); // 1→T costs 0.4
    expect(a!.distance).toBeLessThan(b!.distance);
    expect(a!.score).toBeGreaterThan(b!.score);
  });

  it('counts a dropped character, cheaper beside the same character', () => {
    const [dropped] = m.match({ plate: '7AC123', st: 'CA' }, NOW);
    expect(dropped).toMatchObject({ entryPlate: '7ABC123', kind: 'fuzzy', distance: 1, diff: [2] });
    const [doubled] = m.match({ plate: 'LE8805', st: 'CA' }, NOW);
    expect(doubled).toMatchObject({ entryPlate: 'LEE8805', distance: 0.6 });
    const [extra] = m.match({ plate: 'LEEE8805', st: 'CA' }, NOW);
    expect(extra).toMatchObject({ entryPlate: 'LEE8805', distance: 0.6 });
  });

  it('matches an unrelated substitution only within the list distance', () => {
    expect(m.match({ plate: '7ABX123' }, NOW).map((h) => h.distance)).toEqual([1]);
    expect(m.match({ plate: '7AXX123' }, NOW)).toEqual([]);
    expect(m.match({ plate: 'QRS456' }, NOW)).toEqual([]);
  });
});

describe('matcher: state, expiry, lists, candidates', () => {
  it('reports a plate of another state as a weaker match, never silently', () => {
    const m = matcherOf([{ settings: { name: 'l' }, entries: [{ plate: 'ABC1234', state: 'TX' }, { plate: 'NOSTATE1' }] }]);
    const same = m.match({ plate: 'ABC1234', st: 'TX' }, NOW)[0]!;
    const other = m.match({ plate: 'ABC1234', st: 'AZ' }, NOW)[0]!;
    const unknown = m.match({ plate: 'ABC1234' }, NOW)[0]!;
    expect([same.state, other.state, unknown.state]).toEqual(['same', 'other', 'unknown']);
    expect(other.score).toBeLessThan(unknown.score);
    expect(unknown.score).toBeLessThan(same.score);
    expect(m.match({ plate: 'NOSTATE1', st: 'AZ' }, NOW)[0]).toMatchObject({ state: 'unknown', score: 1, entryState: null });
  });

  it('never matches an entry past its expiry', () => {
    const m = matcherOf([
      { settings: { name: 'l' }, entries: [{ plate: 'OLD123', expires: NOW - 1000 }, { plate: 'NEW123', expires: NOW + 60_000 }] },
    ]);
    expect(m.match({ plate: 'OLD123' }, NOW)).toEqual([]);
    expect(m.match({ plate: 'NEW123' }, NOW)).toHaveLength(1);
    expect(m.match({ plate: 'NEW123' }, NOW + 61_000)).toEqual([]);
  });

  it('never matches a pending list', () => {
    const m = matcherOf([
      { settings: { name: 'dept', kind: 'special' }, entries: [{ plate: 'ABC123' }] },
      { settings: { name: 'approved', kind: 'special', status: 'live' }, entries: [{ plate: 'ABC123' }] },
    ]);
    const hits = m.match({ plate: 'ABC123' }, NOW);
    expect(hits.map((h) => h.list)).toEqual(['approved']);
    expect(hits[0]!.informational).toBe(true); // special lists are informational by default
  });

  it('labels informational and covert entries and lists', () => {
    const m = matcherOf([
      { settings: { name: 'c', covert: true }, entries: [{ plate: 'AAA111' }] },
      { settings: { name: 'g' }, entries: [{ plate: 'AAA111', informational: true }, { plate: 'AAA111', covert: true }] },
    ]);
    const flags = m.match({ plate: 'AAA111' }, NOW).map((h) => `${h.list}:${h.informational}:${h.covert}`).sort();
    expect(flags).toEqual(['c:false:true', 'g:false:true', 'g:true:false']);
  });

  it('tries every OCR candidate, keeps the best score per entry, and honours minConfidence', () => {
    const m = matcherOf([
      { settings: { name: 'any' }, entries: [{ plate: '8XYZ123' }] },
      { settings: { name: 'strict', minConfidence: 0.5 }, entries: [{ plate: '8XYZ123' }] },
    ]);
    const hits = m.match({ plate: 'QQQ000', conf: 0.9, cands: [['BXYZ123', 0.6], ['8XYZ123', 0.3]] }, NOW);
    const any = hits.find((h) => h.list === 'any')!;
    expect(any).toMatchObject({ kind: 'exact', candidate: '8XYZ123' });
    const strict = hits.find((h) => h.list === 'strict')!;
    expect(strict).toMatchObject({ kind: 'fuzzy', candidate: 'BXYZ123' }); // the 0.3 candidate was skipped
    expect(hits.filter((h) => h.list === 'any')).toHaveLength(1);
  });

  it('verifies each candidate of one canonical form on its own characters', () => {
    const m = matcherOf([{ settings: { name: 'l' }, entries: [{ plate: '8XYZ123' }, { plate: '8XY?12?' }] }]);
    const hits = m.match({ plate: 'BXYZ123', cands: [['BXY2123', 0.9], ['8XYZ123', 0.9]] }, NOW);
    expect(hits.map((h) => [h.kind, h.candidate, h.diff])).toEqual([
      ['exact', '8XYZ123', []],
      ['partial', '8XYZ123', []],
    ]);
    expect(m.match({ plate: 'BXY2123' }, NOW).map((h) => [h.kind, h.diff])).toEqual([
      ['fuzzy', [0, 3]],
      ['partial', [0]],
    ]);
  });

  it('ignores candidates that cannot be plates', () => {
    const m = matcherOf([{ settings: { name: 'l' }, entries: [{ plate: 'ABC123' }] }]);
    expect(m.match({ plate: '$$$', cands: [['', 0.5], ['abc-123', 0.4]] }, NOW)).toHaveLength(1);
  });
});

describe('matcher: partial entries', () => {
  const m = matcherOf([
    {
      settings: { name: 'bolo', maxDistance: 1 },
      entries: [{ plate: '7AB?123' }, { plate: 'XYZ*' }, { plate: '4[KX]M?9?' }, { plate: '5?K?7?Q' }],
    },
  ]);

  it('matches ? and * wildcards', () => {
    expect(m.match({ plate: '7ABZ123' }, NOW)[0]).toMatchObject({ kind: 'partial', entryPlate: '7AB?123', diff: [] });
    expect(m.match({ plate: 'XYZ42' }, NOW)[0]).toMatchObject({ kind: 'partial', entryPlate: 'XYZ*' });
    expect(m.match({ plate: '7ABZ1234' }, NOW)).toEqual([]);
  });

  it('matches [..] classes and fixed-position shapes without three consecutive known characters', () => {
    expect(m.match({ plate: '4XMA9B' }, NOW)[0]).toMatchObject({ entryPlate: '4[KX]M?9?' });
    expect(m.match({ plate: '4YMA9B' }, NOW)).toEqual([]);
    expect(m.match({ plate: '51K27AQ' }, NOW)[0]).toMatchObject({ entryPlate: '5?K?7?Q' });
  });

  it('is confusion-aware: a confusable known character matches at its cost, with its position', () => {
    const [hit] = m.match({ plate: '7A8Z123' }, NOW);
    expect(hit).toMatchObject({ kind: 'partial', entryPlate: '7AB?123', distance: 0.2, diff: [2] });
    expect(hit!.score).toBeLessThan(m.match({ plate: '7ABZ123' }, NOW)[0]!.score);
  });

  it('indexes * before, inside and after the known characters', () => {
    const p = matcherOf([{ settings: { name: 'p' }, entries: [{ plate: '*K7Q' }, { plate: 'A*BCD' }, { plate: 'AB?DEF*' }] }]);
    const plates = (read: string) => p.match({ plate: read }, NOW).map((h) => h.entryPlate);
    expect(plates('XXK7Q')).toEqual(['*K7Q']);
    expect(plates('K7QXX')).toEqual([]);
    expect(plates('AQQBCD')).toEqual(['A*BCD']);
    expect(plates('ABCD')).toEqual(['A*BCD']);
    expect(plates('ABXDEFGH')).toEqual(['AB?DEF*']);
    expect(plates('ABXDEF')).toEqual(['AB?DEF*']);
    expect(plates('ABXDE')).toEqual([]);
  });

  it('accepts a prefix longer than any plate, which then matches nothing', () => {
    const long = matcherOf([{ settings: { name: 'l' }, entries: [{ plate: 'ABCDEFGHIJKLMNOPQ*' }, { plate: 'ABC*' }] }]);
    expect(long.match({ plate: 'ABCDEFGHIJ' }, NOW).map((h) => h.entryPlate)).toEqual(['ABC*']);
  });

  it('finds every pattern when a list has more shapes than it keys by full shape', () => {
    const patterns: string[] = [];
    for (let a = 0; a < 8; a++) {
      for (let b = a + 1; b < 8; b++) {
        for (let c = b + 1; c < 8; c++) patterns.push([...'7KLM123'.padEnd(8, '9')].map((ch, i) => (i === a || i === b || i === c ? '?' : ch)).join(''));
      }
    }
    expect(patterns).toHaveLength(56); // more than the 48 full shapes a list keys
    const p = matcherOf([{ settings: { name: 'many' }, entries: patterns.map((plate) => ({ plate })) }]);
    expect(p.match({ plate: '7KLM1239' }, NOW)).toHaveLength(56);
  });

  it('ranks a partial below an exact hit', () => {
    const both = matcherOf([
      { settings: { name: 'a' }, entries: [{ plate: '7ABZ123' }] },
      { settings: { name: 'b' }, entries: [{ plate: '7AB?123' }] },
    ]).match({ plate: '7ABZ123' }, NOW);
    expect(both.map((h) => h.kind)).toEqual(['exact', 'partial']);
  });
});

describe('index snapshot', () => {
  it('posts to another thread as shared memory: a matcher over a structured clone sees the same buffers', () => {
    const snap = snapshotOf([{ settings: { name: 'l' }, entries: [{ plate: 'ABC123' }, { plate: 'AB?99' }] }], 7);
    const clone = structuredClone(snap);
    expect(clone.lists[0]!.plates).toBeInstanceOf(SharedArrayBuffer);
    new Uint8Array(snap.lists[0]!.plates)[0] = 'X'.charCodeAt(0); // visible through the clone
    expect(new Uint8Array(clone.lists[0]!.plates)[0]).toBe('X'.charCodeAt(0));
    const m = Matcher.fromSnapshot(clone);
    expect(m.generation).toBe(7);
    expect(m.match({ plate: 'ABZ99' }, NOW)[0]).toMatchObject({ kind: 'partial' });
  });
});
