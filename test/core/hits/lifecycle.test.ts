import { describe, expect, it } from 'vitest';
import { DISPOSITIONS, isMisread, newHit, transition, type HitAction, type HitState } from '../../../core/hits/lifecycle.js';

const T = Date.UTC(2026, 3, 1);
const ACK: HitAction = { t: 'ack' };
const CONFIRM: HitAction = { t: 'verify', listConfirmed: true, visualMatch: true };

function run(h: HitState, ...steps: HitAction[]): HitState {
  return steps.reduce((s, a, i) => transition(s, a, `user${i}`, T + i), h);
}

describe('hit lifecycle (POLICY R5)', () => {
  it('walks new → acknowledged → verified → disposed, keeping who and when', () => {
    const h = run(newHit('h1', true, T), ACK, CONFIRM, { t: 'dispose', disp: 'cfs_created', cfs: 'CFS 26-00412', note: ' stop made ' });
    expect(h).toMatchObject({
      state: 'disposed',
      acknowledged: { by: 'user0', at: T },
      verification: { by: 'user1', at: T + 1, listConfirmed: true, visualMatch: true },
      disposition: { by: 'user2', at: T + 2, disp: 'cfs_created', cfs: 'CFS 26-00412', note: 'stop made' },
    });
  });

  it('verifies only when the list status and the visual match are both confirmed; otherwise rejects', () => {
    for (const [listConfirmed, visualMatch, state] of [
      [true, true, 'verified'],
      [true, false, 'rejected'],
      [false, true, 'rejected'],
      [false, false, 'rejected'],
    ] as const) {
      expect(run(newHit('h', false, T), ACK, { t: 'verify', listConfirmed, visualMatch }).state).toBe(state);
    }
  });

  it('refuses steps out of order with a stable code', () => {
    const fresh = newHit('h2', false, T);
    expect(() => transition(fresh, CONFIRM, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HIT_TRANSITION' }));
    expect(() => transition(fresh, { t: 'dispose', disp: 'other' }, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HIT_TRANSITION' }));
    const acked = run(fresh, ACK);
    expect(() => transition(acked, ACK, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HIT_TRANSITION' }));
    const done = run(acked, CONFIRM, { t: 'dispose', disp: 'arrest' });
    for (const a of [ACK, CONFIRM, { t: 'dispose', disp: 'other' } as const]) {
      expect(() => transition(done, a, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HIT_TRANSITION' }));
    }
    expect(() => transition(acked, { t: 'verify', listConfirmed: 'yes', visualMatch: true } as unknown as HitAction, 'u', T)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }),
    );
    expect(() => transition(acked, { t: 'delete' } as unknown as HitAction, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
  });

  it('allows exactly the dispositions that fit each state', () => {
    const acked = run(newHit('h', false, T), ACK);
    const verified = transition(acked, CONFIRM, 'u', T);
    const rejected = transition(acked, { t: 'verify', listConfirmed: true, visualMatch: false }, 'u', T);
    const allowed = (h: HitState): string[] =>
      DISPOSITIONS.filter((disp) => {
        try {
          transition(h, { t: 'dispose', disp, cfs: 'C1' }, 'u', T);
          return true;
        } catch (e) {
          expect((e as { code: string }).code).toBe('PS_ERR_HIT_DISPOSITION');
          return false;
        }
      });
    expect(allowed(acked)).toEqual(['not_located', 'no_longer_wanted']);
    expect(allowed(verified)).toEqual(['arrest', 'recovered', 'cfs_created', 'not_located', 'other']);
    expect(allowed(rejected)).toEqual(['no_longer_wanted', 'misread', 'other']);
    expect(() => transition(verified, { t: 'dispose', disp: 'towed' }, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HIT_DISPOSITION' }));
  });

  it('needs a call-for-service number for a confirmed stolen vehicle recovered or made a call', () => {
    const stolen = run(newHit('s', true, T), ACK, CONFIRM);
    const other = run(newHit('w', false, T), ACK, CONFIRM);
    for (const disp of ['recovered', 'cfs_created']) {
      expect(() => transition(stolen, { t: 'dispose', disp, cfs: ' ' }, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_CFS_REQUIRED' }));
    }
    expect(transition(other, { t: 'dispose', disp: 'recovered' }, 'u', T).state).toBe('disposed');
    expect(() => transition(other, { t: 'dispose', disp: 'cfs_created' }, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_CFS_REQUIRED' }));
    expect(() => transition(stolen, { t: 'dispose', disp: 'recovered', cfs: 'bad;drop' }, 'u', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
    expect(transition(stolen, { t: 'dispose', disp: 'recovered', cfs: '26-118' }, 'u', T).disposition?.cfs).toBe('26-118');
  });

  it('counts misreads from the visual check or the disposition', () => {
    const acked = run(newHit('m', false, T), ACK);
    expect(isMisread(transition(acked, { t: 'verify', listConfirmed: true, visualMatch: false }, 'u', T))).toBe(true);
    expect(isMisread(transition(acked, { t: 'verify', listConfirmed: false, visualMatch: true }, 'u', T))).toBe(false);
    expect(isMisread(transition(acked, CONFIRM, 'u', T))).toBe(false);
  });

  it('never mutates the state it is given', () => {
    const h = Object.freeze(newHit('f', false, T));
    expect(() => transition(h, ACK, 'u', T)).not.toThrow();
    expect(h.state).toBe('new');
  });
});
