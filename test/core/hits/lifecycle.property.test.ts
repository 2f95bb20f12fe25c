import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISPOSITIONS, newHit, transition, type HitAction, type HitState } from '../../../core/hits/lifecycle.js';

const action: fc.Arbitrary<HitAction> = fc.oneof(
  fc.constant<HitAction>({ t: 'ack' }),
  fc.record({ t: fc.constant('verify' as const), listConfirmed: fc.boolean(), visualMatch: fc.boolean() }),
  fc.record({ t: fc.constant('dispose' as const), disp: fc.constantFrom(...DISPOSITIONS, 'towed'), cfs: fc.option(fc.constantFrom('26-001', ''), { nil: undefined }) }),
);

const ORDER = ['new', 'acknowledged', 'verified', 'disposed'];

describe('hit lifecycle under any sequence of console messages', () => {
  it('only moves forward, verifies only with both confirmations, and never lets enforcement close an unverified hit', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(action, { maxLength: 12 }), (stolen, actions) => {
        let h: HitState = newHit('h', stolen, 0);
        for (const [i, a] of actions.entries()) {
          let next: HitState;
          try {
            next = transition(h, a, `u${i}`, i);
          } catch (e) {
            expect((e as { code: string }).code).toMatch(/^PS_ERR_(HIT_TRANSITION|HIT_DISPOSITION|CFS_REQUIRED)$/);
            continue;
          }
          const rank = (s: string): number => ORDER.indexOf(s === 'rejected' ? 'verified' : s);
          expect(rank(next.state)).toBeGreaterThan(rank(h.state));
          h = next;
        }
        if (h.state === 'verified') expect(h.verification).toMatchObject({ listConfirmed: true, visualMatch: true });
        if (h.state === 'disposed') {
          const d = h.disposition!.disp;
          if (['arrest', 'recovered', 'cfs_created'].includes(d)) expect(h.verification).toMatchObject({ listConfirmed: true, visualMatch: true });
          if (d === 'cfs_created' || (d === 'recovered' && stolen)) expect(h.disposition!.cfs).toBeTruthy();
          expect(h.acknowledged).toBeDefined();
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });
});
