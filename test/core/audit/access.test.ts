import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { beginAccess } from '../../../core/audit/access.js';
import type { AuditLog } from '../../../core/audit/log.js';
import { ErrNotFound } from '../../../core/errors.js';
import type { Principal } from '../../../core/policy/authz.js';
import { loadProfile } from '../../../core/policy/profiles.js';
import { clockAt, openAudit, tempDir } from '../../support/rooms.js';

const T = Date.UTC(2026, 8, 1);
const ivy: Principal = { user: 'ivy', role: 'investigator', trainingExpires: T + 1000 };
const mp = loadProfile('menlo-park');
let audit: AuditLog;

beforeEach(() => {
  audit = openAudit(tempDir('access'), clockAt(T));
});
afterEach(() => audit.close());

describe('the access gate (POLICY R1, R2)', () => {
  it('records a granted search with who, from where, case, purpose, what was asked and how many results', async () => {
    const a = await beginAccess(mp, audit, { principal: ivy, action: 'detections.search', inquiry: { case: '26-77', purpose: 'stolen_vehicle' }, from: '10.0.0.5', subject: { pattern: '7AB*' } }, T);
    expect(a.inquiry).toEqual({ case: '26-77', purpose: 'stolen_vehicle' });
    const seq = await a.done(14);
    expect(audit.get(seq)).toMatchObject({
      action: 'detections.search',
      actor: 'ivy',
      role: 'investigator',
      from: '10.0.0.5',
      case: '26-77',
      purpose: 'stolen_vehicle',
      subject: { pattern: '7AB*' },
      results: 14,
      outcome: 'ok',
    });
    await expect(a.done(1)).rejects.toMatchObject({ code: 'PS_ERR_INTERNAL' });
  });

  it('refuses before any data is read, and records the refusal with its code', async () => {
    const cases: Array<[Principal, string, object, string]> = [
      [ivy, 'detections.search', { purpose: 'stolen_vehicle' }, 'PS_ERR_CASE_REQUIRED'],
      [ivy, 'images.view', { case: '1', purpose: 'personal_use' }, 'PS_ERR_PURPOSE_NOT_PERMITTED'],
      [{ user: 'olga', role: 'operator', trainingExpires: T + 1 }, 'detections.search', { case: '1', purpose: 'stolen_vehicle' }, 'PS_ERR_FORBIDDEN'],
      [{ user: 'ian', role: 'investigator' }, 'export', { case: '1', purpose: 'stolen_vehicle' }, 'PS_ERR_TRAINING_REQUIRED'],
    ];
    for (const [principal, action, inquiry, code] of cases) {
      await expect(beginAccess(mp, audit, { principal, action: action as never, inquiry }, T)).rejects.toMatchObject({ code });
    }
    expect(audit.query().map((r) => [r.actor, r.action, r.outcome])).toEqual(cases.map(([p, a, , c]) => [p.user, a, c]));
  });

  it('needs no case number for actions that are not inquiries, and records failures after the grant', async () => {
    const a = await beginAccess(mp, audit, { principal: { user: 'dan', role: 'dispatcher', trainingExpires: T + 1 }, action: 'hits.ack', subject: { hit: 'h1' } }, T);
    expect(a.inquiry).toEqual({});
    const seq = await a.failed(new ErrNotFound('no hit h1'));
    expect(audit.get(seq)).toMatchObject({ action: 'hits.ack', outcome: 'PS_ERR_NOT_FOUND', subject: { hit: 'h1' } });
  });

  it('Santa Monica: a case number alone, or a purpose alone, is enough', async () => {
    const sm = loadProfile('santa-monica');
    await expect(beginAccess(sm, audit, { principal: ivy, action: 'detections.view', inquiry: { case: 'SM-1' } }, T)).resolves.toBeDefined();
    await expect(beginAccess(sm, audit, { principal: ivy, action: 'detections.view', inquiry: { purpose: 'missing_person' } }, T)).resolves.toBeDefined();
    await expect(beginAccess(sm, audit, { principal: ivy, action: 'detections.view', inquiry: {} }, T)).rejects.toMatchObject({ code: 'PS_ERR_INQUIRY_REQUIRED' });
  });
});
