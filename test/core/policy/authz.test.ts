import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, BROWSING_ACTIONS, checkAccess, INQUIRY_ACTIONS } from '../../../core/policy/authz.js';
import { loadProfile, SHIPPED_PROFILES } from '../../../core/policy/profiles.js';
import { ROLES, type Role } from '../../../core/policy/roles.js';

/**
 * The table as the policy states it (POLICY R1), written out by role so a change to either
 * side shows up here: what each role's work needs, and nothing else.
 */
const EXPECTED: Record<Role, readonly string[]> = {
  camera: ['reads.write'],
  operator: ['hits.receive', 'hits.ack', 'hits.verify', 'hits.dispose', 'hotlist.view', 'hotplate.enter'],
  dispatcher: ['hits.receive', 'hits.ack', 'hits.verify', 'hits.dispose', 'hits.view', 'hotlist.view', 'hotplate.enter', 'cameras.view'],
  investigator: [
    'covert.receive', 'hits.view', 'hotlist.view', 'detections.search', 'detections.view', 'images.view', 'export',
    'hotplate.enter', 'holds.view', 'holds.place',
  ],
  supervisor: [
    'hits.receive', 'hits.ack', 'hits.verify', 'hits.dispose', 'covert.receive', 'hits.view', 'hotlist.view',
    'detections.search', 'detections.view', 'images.view', 'export', 'hotplate.enter', 'hotlist.approve', 'holds.view',
    'cameras.view', 'audit.read', 'audit.sample', 'audit.review', 'reports.read',
  ],
  administrator: [
    'hotlist.view', 'hotlist.designate', 'hotlist.import', 'hotlist.approve', 'agencies.manage', 'releases.view',
    'releases.decide', 'users.manage', 'cameras.manage', 'cameras.view', 'audit.verify', 'audit.purge', 'reports.read',
  ],
  auditor: ['audit.read', 'audit.verify', 'reports.read'],
  records_custodian: [
    'holds.view', 'holds.place', 'holds.release', 'agencies.manage', 'releases.view', 'releases.request', 'releases.decide',
    'releases.fulfil',
  ],
};

describe('authorization table (role × action)', () => {
  it('grants every role exactly the actions its work needs, walking every pair', () => {
    let allowed = 0;
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        const expected = EXPECTED[role].includes(action);
        if (expected) {
          expect(() => authorize(role, action), `${role} ${action}`).not.toThrow();
          allowed++;
        } else {
          expect(() => authorize(role, action), `${role} ${action}`).toThrow(expect.objectContaining({ code: 'PS_ERR_FORBIDDEN', status: 403 }));
        }
      }
    }
    expect(allowed).toBe(Object.values(EXPECTED).reduce((n, a) => n + a.length, 0));
    for (const a of Object.values(EXPECTED).flat()) expect(ACTIONS).toContain(a);
  });

  it('refuses unknown roles and actions', () => {
    expect(() => authorize('chief', 'export')).toThrow(expect.objectContaining({ code: 'PS_ERR_FORBIDDEN' }));
    expect(() => authorize('administrator', 'detections.delete')).toThrow(expect.objectContaining({ code: 'PS_ERR_FORBIDDEN' }));
  });

  it('keeps the auditor read-only and the camera to writing reads (POLICY R1)', () => {
    expect(EXPECTED.auditor.every((a) => /\.(read|verify)$/.test(a))).toBe(true);
    expect(ACTIONS.filter((a) => !['reads.write'].includes(a)).every((a) => !EXPECTED.camera.includes(a))).toBe(true);
  });

  it('names the browsing inquiries of the random audit and the inquiries that need a case and purpose', () => {
    expect([...BROWSING_ACTIONS].sort()).toEqual(['detections.search', 'detections.view', 'export', 'images.view']);
    expect([...INQUIRY_ACTIONS].sort()).toEqual(['detections.search', 'detections.view', 'export', 'hits.view', 'hotlist.view', 'images.view']);
  });

  it('gives each shipped profile’s approver roles the approving action', () => {
    for (const name of SHIPPED_PROFILES) {
      const p = loadProfile(name);
      for (const role of p.hotlists.specialApprovers) expect(() => authorize(role, 'hotlist.approve'), name).not.toThrow();
      expect(() => authorize(p.release.approver, 'releases.decide'), name).not.toThrow();
    }
  });

  it('needs current training for data actions but not for administration', () => {
    const now = Date.UTC(2026, 5, 1);
    const untrained = { user: 'a', role: 'supervisor' as const };
    expect(() => checkAccess(untrained, 'audit.review', now)).not.toThrow();
    expect(() => checkAccess(untrained, 'hits.receive', now)).toThrow(expect.objectContaining({ code: 'PS_ERR_TRAINING_REQUIRED' }));
    expect(() => checkAccess({ ...untrained, trainingExpires: now + 1 }, 'hits.receive', now)).not.toThrow();
    expect(() => checkAccess({ ...untrained, trainingExpires: now }, 'detections.search', now)).toThrow(expect.objectContaining({ code: 'PS_ERR_TRAINING_REQUIRED' }));
    expect(() => checkAccess({ user: 'cam', role: 'camera' }, 'reads.write', now)).not.toThrow();
    expect(() => checkAccess({ ...untrained, trainingExpires: now + 1 }, 'users.manage', now)).toThrow(expect.objectContaining({ code: 'PS_ERR_FORBIDDEN' }));
  });
});
