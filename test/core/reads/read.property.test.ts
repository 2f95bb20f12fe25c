import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadSchema, wellFormedRead } from '../../../core/reads/read.js';

/** Values near every edge the schema draws, and of every wrong type. */
const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, true, '', 'A', 'CA', '7ABC123', 'X'.repeat(33), -1, 0, 0.5, 1, 1.5, 90.5, 181, 360.5, 4096, 4097, 2 ** 53, NaN, Infinity, -0.1),
  fc.integer({ min: -5, max: 5000 }),
  fc.double({ min: -500, max: 600, noNaN: false }),
  fc.string({ maxLength: 42 }),
  fc.uint8Array({ maxLength: 8 }),
  fc.constant([]),
);

const candidate = fc.oneof(fc.tuple(fc.oneof(fc.string({ maxLength: 34 }), anyValue), fc.oneof(fc.double({ min: -0.5, max: 1.5 }), anyValue)), anyValue);
const crop = fc.record(
  { fmt: fc.oneof(fc.constantFrom('gray8', 'png', 'jpeg', 'gif'), anyValue), w: anyValue, h: anyValue, data: fc.oneof(fc.uint8Array({ maxLength: 8 }), anyValue), extra: anyValue },
  { requiredKeys: [] },
);
const vehicle = fc.record({ make: fc.oneof(fc.string({ maxLength: 44 }), anyValue), color: fc.oneof(fc.string({ maxLength: 24 }), anyValue), body: anyValue, model: anyValue, year: anyValue }, { requiredKeys: [] });

/** What each field of a read may hold in these tests: right, near the edges, and wrong. */
const fields = {
  t: fc.constant('read'),
  seq: fc.oneof(fc.nat(), anyValue),
  ts: fc.oneof(fc.nat(), anyValue),
  plate: fc.oneof(fc.constantFrom('7ABC123', 'LEE8805'), anyValue),
  st: anyValue,
  conf: fc.oneof(fc.double({ min: -0.2, max: 1.2 }), anyValue),
  cands: fc.oneof(fc.array(candidate, { maxLength: 22 }), anyValue),
  chars: fc.oneof(fc.array(fc.oneof(fc.double({ min: -0.2, max: 1.2 }), anyValue), { maxLength: 18 }), anyValue),
  crop: fc.oneof(crop, anyValue),
  img: anyValue,
  lat: fc.oneof(fc.double({ min: -100, max: 100 }), anyValue),
  lon: fc.oneof(fc.double({ min: -200, max: 200 }), anyValue),
  hdg: anyValue,
  spd: anyValue,
  lane: anyValue,
  veh: fc.oneof(vehicle, anyValue),
};
const read = fc.record(fields, { requiredKeys: [] });
/** One field of a read, any of its values. */
const field = fc.constantFrom(...(Object.keys(fields) as (keyof typeof fields)[])).chain((key) => fields[key].map((v) => [key, v] as const));

/** Mostly well-formed reads: one or two fields disturbed at most. */
const nearlyValid = fc.record({
  seq: fc.nat(),
  ts: fc.nat(),
  plate: fc.constantFrom('7ABC123', 'LEE8805', 'A'),
  st: fc.constantFrom('CA', 'NV', undefined),
  conf: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  cands: fc.option(fc.array(fc.tuple(fc.constantFrom('7ABC128', 'B'), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 20 }), { nil: undefined }),
  lat: fc.option(fc.double({ min: -90, max: 90, noNaN: true }), { nil: undefined }),
  lon: fc.option(fc.double({ min: -180, max: 180, noNaN: true }), { nil: undefined }),
  veh: fc.option(fc.record({ make: fc.constantFrom('Honda', 'Toyota'), color: fc.constantFrom('silver') }, { requiredKeys: [] }), { nil: undefined }),
});

function agree(raw: unknown): void {
  const fast = wellFormedRead(raw);
  const parsed = ReadSchema.safeParse(raw);
  expect(fast !== undefined, JSON.stringify(raw)).toBe(parsed.success);
  if (fast !== undefined && parsed.success) expect(fast).toEqual(parsed.data);
}

describe('wellFormedRead', () => {
  it('accepts exactly what ReadSchema accepts, and gives the same read', () => {
    fc.assert(fc.property(read, agree), { numRuns: 20_000 });
  });

  it('agrees with ReadSchema on reads that are valid or nearly so', () => {
    fc.assert(fc.property(nearlyValid, agree), { numRuns: 5_000 });
    fc.assert(
      fc.property(nearlyValid, field, field, (r, [k1, v1], [k2, v2]) => agree({ ...r, [k1]: v1, [k2]: v2 })),
      { numRuns: 20_000 },
    );
  });

  it('keeps only the fields of a read (a frame type or unknown keys are not stored)', () => {
    const r = wellFormedRead({ t: 'read', seq: 1, ts: 2, plate: 'ABC123', extra: 'x', crop: undefined });
    expect(r).toEqual({ seq: 1, ts: 2, plate: 'ABC123' });
    expect(Object.keys(r!)).toEqual(['seq', 'ts', 'plate']);
  });
});
