import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packReads, unpackReads } from '../../workers/packed-reads.js';
import type { MatchRead } from '../../core/hotlist/matcher.js';

const text = (max: number) => fc.option(fc.string({ minLength: 0, maxLength: max }), { nil: undefined });
const read: fc.Arbitrary<MatchRead> = fc.record({
  plate: text(32),
  st: text(6),
  conf: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  cands: fc.option(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 32 }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 5 }), { nil: undefined }),
});

describe('packed reads', () => {
  it('unpack to the reads that were packed, in order', () => {
    fc.assert(
      fc.property(fc.array(read, { maxLength: 40 }), (reads) => {
        expect([...unpackReads(packReads(reads))]).toEqual(reads.map((r) => ({ plate: r.plate, st: r.st, conf: r.conf, cands: r.cands })));
      }),
      { numRuns: 2_000 },
    );
  });
});
