import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deletionHashes, MAX_DEPTH, variantCount } from '../../../core/hotlist/keys.js';
import { MAX_PLATE_LENGTH } from '../../../core/plates/normalize.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Every variant hash of `plate` to `depth`, as deletionHashes writes them. */
function variants(plate: string, depth: number, distinct = false): number[] {
  const out = new Uint32Array(variantCount(MAX_PLATE_LENGTH, MAX_DEPTH));
  const n = deletionHashes(bytes(plate), plate.length, depth, out, new Uint32Array(MAX_DEPTH + 1), distinct);
  return [...out.subarray(0, n)];
}

/** The hash of the plate itself: the one variant of depth 0. */
const whole = (plate: string) => variants(plate, 0)[0]!;

const plate = fc.string({ unit: fc.constantFrom(...'ABC128'), minLength: 2, maxLength: MAX_PLATE_LENGTH });

describe('deletion-variant hashes', () => {
  it('hash each variant as the string it is: deleting characters gives the hash of what is left', () => {
    fc.assert(
      fc.property(plate, fc.nat(), fc.nat(), (p, a, b) => {
        const i = a % p.length;
        const once = p.slice(0, i) + p.slice(i + 1);
        expect(variants(p, 1)).toContain(whole(once));
        fc.pre(once.length >= 2);
        const j = b % once.length;
        expect(variants(p, 2)).toContain(whole(once.slice(0, j) + once.slice(j + 1)));
      }),
      { numRuns: 1000 },
    );
  });

  it('tell different strings apart, lengths included, and never hash to 0 (an empty slot)', () => {
    const seen = new Map<number, string>();
    fc.assert(
      fc.property(plate, (p) => {
        const h = whole(p);
        expect(h).not.toBe(0);
        const before = seen.get(h);
        if (before !== undefined) expect(before).toBe(p);
        seen.set(h, p);
      }),
      { numRuns: 3000 },
    );
    expect(whole('AB')).not.toBe(whole('ABA'));
  });

  it('write a variant reached twice once on the index side', () => {
    expect(new Set(variants('LEE8805', 1)).size).toBe(variants('LEE8805', 1, true).length);
    expect(variants('LEE8805', 1, true).length).toBeLessThan(variants('LEE8805', 1).length);
  });
});
