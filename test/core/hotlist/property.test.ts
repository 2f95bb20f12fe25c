import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlateDistance } from '../../../core/hotlist/distance.js';
import { parsePattern, PatternMatcher } from '../../../core/hotlist/pattern.js';
import { confusablesOf } from '../../../core/plates/confusion.js';
import { PlateGenerator } from '../../../core/plates/synthetic.js';
import { matcherOf } from './helpers.js';

const NOW = Date.UTC(2026, 10, 1);
const g = new PlateGenerator(42);
const entries = Array.from({ length: 400 }, () => g.next().plate);
const lists = [
  { settings: { name: 'd1', maxDistance: 1 }, entries: entries.slice(0, 200).map((plate) => ({ plate })) },
  { settings: { name: 'd2', maxDistance: 2 }, entries: entries.slice(200).map((plate) => ({ plate })) },
];
const m = matcherOf(lists);
const dist = new PlateDistance();
const limits: Record<string, number> = { d1: 1, d2: 2 };

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Every entry within its list's distance, by brute force. */
function bruteForce(read: string): string[] {
  const out: string[] = [];
  const r = bytes(read);
  for (const { settings, entries: es } of lists) {
    es.forEach(({ plate }, i) => {
      if (dist.compute(bytes(plate), 0, plate.length, r, r.length, settings.maxDistance) !== Infinity) out.push(`${settings.name}:1:${i}`);
    });
  }
  return out.sort();
}

const plateChars = fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ0123456789');
const entryIndex = fc.integer({ min: 0, max: entries.length - 1 });

describe('matching properties', () => {
  it('finds every single-confusion variant of an entry', () => {
    fc.assert(
      fc.property(entryIndex, fc.nat(), fc.nat(), (k, pos, alt) => {
        const plate = entries[k]!;
        const i = pos % plate.length;
        const others = confusablesOf(plate[i]!);
        fc.pre(others.length > 0);
        const read = plate.slice(0, i) + others[alt % others.length]! + plate.slice(i + 1);
        const hit = m.match({ plate: read }, NOW).find((h) => h.entryPlate === plate);
        expect(hit).toMatchObject({ kind: 'fuzzy', diff: [i] });
      }),
      { numRuns: 500 },
    );
  });

  it('finds every single-deletion variant of an entry', () => {
    fc.assert(
      fc.property(entryIndex, fc.nat(), (k, pos) => {
        const plate = entries[k]!;
        const i = pos % plate.length;
        const read = plate.slice(0, i) + plate.slice(i + 1);
        expect(m.match({ plate: read }, NOW).some((h) => h.entryPlate === plate)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('finds exactly the entries within each list distance (brute force agrees), so unrelated plates find nothing', () => {
    fc.assert(
      fc.property(fc.array(plateChars, { minLength: 4, maxLength: 8 }), (chars) => {
        const read = chars.join('');
        const found = m
          .match({ plate: read }, NOW)
          .map((h) => h.entryId)
          .sort();
        expect(found).toEqual(bruteForce(read));
      }),
      { numRuns: 300 },
    );
  });

  it('matches a read with OCR candidates as its candidates matched one by one, best score per entry', () => {
    fc.assert(
      fc.property(entryIndex, fc.nat(), fc.nat(), fc.boolean(), (k, a, b, unrelated) => {
        const plate = entries[k]!;
        // Candidates of one canonical form (confusions), and sometimes an unrelated first read.
        const primary = unrelated ? g.next().plate : g.confuse(plate, 1 + (a % 2));
        const cands: [string, number][] = [
          [g.confuse(plate, 1 + (b % 3)), 0.6],
          [plate, 0.3],
        ];
        const best = new Map<string, number>();
        for (const [text, conf] of [[primary, 1] as [string, number], ...cands]) {
          for (const h of m.match({ plate: text, conf }, NOW)) best.set(h.entryId, Math.max(best.get(h.entryId) ?? 0, h.score));
        }
        const together = m.match({ plate: primary, cands }, NOW);
        expect(new Map(together.map((h) => [h.entryId, h.score]))).toEqual(best);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with brute force on reads two edits from an entry', () => {
    fc.assert(
      fc.property(entryIndex, fc.nat(), fc.nat(), plateChars, (k, a, b, c) => {
        const plate = entries[k]!;
        const i = a % plate.length;
        const mutated = plate.slice(0, i) + c + plate.slice(i + 1);
        const j = b % mutated.length;
        const read = mutated.slice(0, j) + mutated.slice(j + 1);
        const found = m.match({ plate: read }, NOW).map((h) => h.entryId).sort();
        expect(found).toEqual(bruteForce(read));
        for (const h of m.match({ plate: read }, NOW)) expect(h.distance).toBeLessThanOrEqual(limits[h.list]!);
      }),
      { numRuns: 300 },
    );
  });
});

describe('partial-pattern properties', () => {
  const pg = new PlateGenerator(77);
  const shapes = [
    (p: string) => pg.partial(p),
    (p: string) => `*${p.slice(-4)}`,
    (p: string) => `${p.slice(0, 2)}*${p.slice(-3)}`,
    (p: string) => `${p[0]}[${p[1]}XY]${p.slice(2, 5)}?`,
    (p: string) => [...p].map((c, i) => (i % 2 === 1 ? '?' : c)).join(''),
  ];
  const patterns = Array.from({ length: 250 }, (_, i) => shapes[i % shapes.length]!(pg.next().plate));
  const partialLists = [
    { settings: { name: 'p0', maxDistance: 0 }, entries: patterns.slice(0, 125).map((plate) => ({ plate })) },
    { settings: { name: 'p1', maxDistance: 1 }, entries: patterns.slice(125).map((plate) => ({ plate })) },
  ];
  const pm = matcherOf(partialLists);
  const verifier = new PatternMatcher();
  const compiled = partialLists.map((l) => l.entries.map((e) => parsePattern(e.plate)));

  function oracle(read: string): string[] {
    const r = bytes(read);
    const out: string[] = [];
    partialLists.forEach((l, li) =>
      compiled[li]!.forEach((p, i) => {
        if (verifier.match(p, r, r.length, l.settings.maxDistance) !== Infinity) out.push(`${l.settings.name}:1:${i}`);
      }),
    );
    return out.sort();
  }

  const fillers = fc.array(plateChars, { minLength: 3, maxLength: 3 });
  it('finds exactly the patterns a read fits, confusions included (every pattern checked agrees)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: patterns.length - 1 }), fillers, fc.nat(), (k, fill, conf) => {
        let f = 0;
        const filled = patterns[k]!
          .replace(/\[(.)[^\]]*\]/g, '$1')
          .replace(/\?/g, () => fill[f++ % 3]!)
          .replace(/\*/g, () => fill.slice(0, conf % 3).join(''));
        const read = conf % 2 === 0 ? filled : g.confuse(filled, 1);
        fc.pre(read.length <= 10);
        const found = pm.match({ plate: read }, NOW).map((h) => h.entryId).sort();
        expect(found).toEqual(oracle(read));
        if (read === filled) expect(found).toContain(k < 125 ? `p0:1:${k}` : `p1:1:${k - 125}`);
      }),
      { numRuns: 400 },
    );
  });
});
