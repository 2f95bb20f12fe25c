import { describe, expect, it } from 'vitest';
import { decideApproval, expiryCap, isExpired, isLive, listFreshness, submitForApproval, validateManualHotPlate } from '../../../core/policy/hotplate-rules.js';
import { loadProfile, SHIPPED_PROFILES } from '../../../core/policy/profiles.js';
import { DAY_MS, HOUR_MS } from '../../../core/util/time.js';

const T = Date.UTC(2026, 4, 1, 8);
const rv = loadProfile('roseville');
const FULL = { plate: '7abc-123', st: 'ca', memberName: 'Ofc. Rosa Diaz', phone: '(916) 555-0142', case: 'RV26-0042', synopsis: 'Vehicle seen leaving armed robbery' };

describe('manual hot plates (POLICY R4)', () => {
  it('refuses an entry without name, phone, case number or synopsis, naming what is missing', () => {
    for (const field of ['memberName', 'phone', 'case', 'synopsis'] as const) {
      try {
        validateManualHotPlate(rv, { ...FULL, [field]: '  ' }, 'rosa', T);
        expect.unreachable();
      } catch (e) {
        expect(e).toMatchObject({ code: 'PS_ERR_HOTPLATE_INCOMPLETE', details: { missing: [field] } });
      }
    }
    expect(() => validateManualHotPlate(rv, { plate: 'ABC123' }, 'rosa', T)).toThrow(
      expect.objectContaining({ details: { missing: ['memberName', 'phone', 'case', 'synopsis'] } }),
    );
    expect(() => validateManualHotPlate(rv, { ...FULL, phone: 'call me' }, 'rosa', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
  });

  it('normalises the plate and state, keeps partial plates as patterns', () => {
    const e = validateManualHotPlate(rv, FULL, 'rosa', T);
    expect(e).toMatchObject({ plate: '7ABC123', partial: false, st: 'CA', enteredBy: 'rosa', entered: T, memberName: 'Ofc. Rosa Diaz' });
    expect(validateManualHotPlate(rv, { ...FULL, plate: '7ab?12*' }, 'rosa', T)).toMatchObject({ plate: '7AB?12*', partial: true });
    expect(() => validateManualHotPlate(rv, { ...FULL, plate: '7A$?' }, 'rosa', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
    expect(() => validateManualHotPlate(rv, { ...FULL, st: 'ZZ' }, 'rosa', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_JURISDICTION_UNKNOWN' }));
  });

  it('caps Roseville entries at 30 days, and at 24 hours when also in NCIC (RV 426.6.5)', () => {
    expect(validateManualHotPlate(rv, FULL, 'rosa', T).expires).toBe(T + 30 * DAY_MS);
    expect(validateManualHotPlate(rv, { ...FULL, alsoInNcic: true }, 'rosa', T).expires).toBe(T + 24 * HOUR_MS);
    expect(() => validateManualHotPlate(rv, { ...FULL, alsoInNcic: true, expires: T + 25 * HOUR_MS }, 'rosa', T)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_HOTPLATE_EXPIRY' }),
    );
    expect(() => validateManualHotPlate(rv, { ...FULL, expires: T + 31 * DAY_MS }, 'rosa', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HOTPLATE_EXPIRY' }));
    expect(() => validateManualHotPlate(rv, { ...FULL, expires: T - 1 }, 'rosa', T)).toThrow(expect.objectContaining({ code: 'PS_ERR_HOTPLATE_EXPIRY' }));
    const e = validateManualHotPlate(rv, { ...FULL, expires: T + 2 * HOUR_MS }, 'rosa', T);
    expect(isExpired(e, T + HOUR_MS)).toBe(false);
    expect(isExpired(e, T + 2 * HOUR_MS)).toBe(true);
  });

  it('reads every cap from the profile, never from code', () => {
    for (const name of SHIPPED_PROFILES) {
      const p = loadProfile(name);
      expect(expiryCap(p, false, T)).toBe(T + p.hotlists.manualMaxDays * DAY_MS);
      expect(expiryCap(p, true, T)).toBe(T + Math.min(p.hotlists.manualMaxDays * 24, p.hotlists.manualNcicMaxHours) * HOUR_MS);
    }
  });
});

describe('special-list approval (POLICY R4)', () => {
  const ec = loadProfile('el-cajon');
  const mp = loadProfile('menlo-park');
  const pending = submitForApproval(ec, 'ian', T);

  it('stays pending until the profile’s approver approves; then it is live', () => {
    expect(isLive(pending)).toBe(false);
    const ok = decideApproval(ec, pending, { user: 'sue', role: 'supervisor' }, true, T + 1, ' checked case report ');
    expect(ok).toMatchObject({ status: 'approved', decidedBy: 'sue', decidedAt: T + 1, note: 'checked case report' });
    expect(isLive(ok)).toBe(true);
    expect(() => decideApproval(ec, ok, { user: 'sam', role: 'supervisor' }, false, T + 2)).toThrow(expect.objectContaining({ code: 'PS_ERR_CONFLICT' }));
    expect(isLive(decideApproval(ec, pending, { user: 'sue', role: 'supervisor' }, false, T + 1))).toBe(false);
  });

  it('refuses approval by the enterer, by another role, or by a role without the action', () => {
    expect(() => decideApproval(ec, submitForApproval(ec, 'sue', T), { user: 'sue', role: 'supervisor' }, true, T)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_SELF_APPROVAL' }),
    );
    expect(() => decideApproval(ec, pending, { user: 'ada', role: 'administrator' }, true, T)).toThrow(expect.objectContaining({ code: 'PS_ERR_APPROVER_ROLE' }));
    expect(() => decideApproval(ec, pending, { user: 'olga', role: 'operator' }, true, T)).toThrow(expect.objectContaining({ code: 'PS_ERR_FORBIDDEN' }));
  });

  it('takes Menlo Park’s two steps in order: the ALPR administrator, then a supervisor (MP 462.4 g 5)', () => {
    const waiting = submitForApproval(mp, 'ian', T);
    expect(waiting).toMatchObject({ status: 'pending', steps: [], next: 'administrator' });
    expect(() => decideApproval(mp, waiting, { user: 'sue', role: 'supervisor' }, true, T + 1)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_APPROVER_ROLE', details: { approver: 'administrator', step: 1, of: 2 } }),
    );
    const first = decideApproval(mp, waiting, { user: 'ada', role: 'administrator' }, true, T + 1, 'source checked');
    expect(first).toMatchObject({ status: 'pending', next: 'supervisor', steps: [{ by: 'ada', role: 'administrator', at: T + 1, note: 'source checked' }] });
    expect(isLive(first)).toBe(false);
    expect(() => decideApproval(mp, first, { user: 'abe', role: 'administrator' }, true, T + 2)).toThrow(expect.objectContaining({ code: 'PS_ERR_APPROVER_ROLE' }));
    const live = decideApproval(mp, first, { user: 'sue', role: 'supervisor' }, true, T + 2);
    expect(live).toMatchObject({ status: 'approved', decidedBy: 'sue', decidedAt: T + 2, steps: [{ by: 'ada' }, { by: 'sue', role: 'supervisor' }] });
    expect(live.next).toBeUndefined();
    expect(isLive(live)).toBe(true);
    // A rejection at the second step ends it; the first approval stays on the record.
    expect(decideApproval(mp, first, { user: 'sue', role: 'supervisor' }, false, T + 2, 'no case')).toMatchObject({ status: 'rejected', decidedBy: 'sue', steps: [{ by: 'ada' }] });
  });

  it('never lets one person give two steps, even holding both roles over time', () => {
    const first = decideApproval(mp, submitForApproval(mp, 'ian', T), { user: 'pat', role: 'administrator' }, true, T);
    expect(() => decideApproval(mp, first, { user: 'pat', role: 'supervisor' }, true, T + 1)).toThrow(expect.objectContaining({ code: 'PS_ERR_SELF_APPROVAL' }));
    expect(() => decideApproval(mp, submitForApproval(mp, 'ada', T), { user: 'ada', role: 'administrator' }, true, T)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_SELF_APPROVAL' }),
    );
  });
});

describe('list freshness (POLICY R4)', () => {
  it('marks Roseville lists stale after 12 hours, once-a-day profiles after 24', () => {
    expect(listFreshness(rv, T, T + 12 * HOUR_MS)).toEqual({ state: 'fresh', age: 12 * HOUR_MS, maxAge: 12 * HOUR_MS });
    expect(listFreshness(rv, T, T + 12 * HOUR_MS + 1).state).toBe('stale');
    const mp = loadProfile('menlo-park');
    expect(listFreshness(mp, T, T + 13 * HOUR_MS).state).toBe('fresh');
    expect(listFreshness(mp, T, T + 24 * HOUR_MS + 1).state).toBe('stale');
    expect(listFreshness(mp, undefined, T)).toEqual({ state: 'stale', maxAge: DAY_MS });
  });
});
