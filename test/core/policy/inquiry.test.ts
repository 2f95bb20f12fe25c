import { describe, expect, it } from 'vitest';
import { requireInquiry } from '../../../core/policy/inquiry.js';
import { loadProfile, parseProfile } from '../../../core/policy/profiles.js';

const both = loadProfile('menlo-park');
const either = loadProfile('santa-monica');

describe('case number and purpose on every inquiry (POLICY R2)', () => {
  it('needs both under Menlo Park, El Cajon and Roseville', () => {
    for (const p of [both, loadProfile('el-cajon'), loadProfile('roseville')]) {
      expect(() => requireInquiry(p, { purpose: 'stolen_vehicle' })).toThrow(expect.objectContaining({ code: 'PS_ERR_CASE_REQUIRED' }));
      expect(() => requireInquiry(p, { case: '24-0012', purpose: '  ' })).toThrow(expect.objectContaining({ code: 'PS_ERR_PURPOSE_REQUIRED' }));
      expect(requireInquiry(p, { case: ' 24-0012 ', purpose: 'stolen_vehicle' })).toEqual({ case: '24-0012', purpose: 'stolen_vehicle' });
    }
  });

  it('needs a case or a purpose under Santa Monica and Modesto', () => {
    for (const p of [either, loadProfile('modesto')]) {
      expect(() => requireInquiry(p, {})).toThrow(expect.objectContaining({ code: 'PS_ERR_INQUIRY_REQUIRED' }));
      expect(requireInquiry(p, { case: 'SM-77' })).toEqual({ case: 'SM-77' });
      expect(requireInquiry(p, { purpose: 'missing_person' })).toEqual({ purpose: 'missing_person' });
    }
  });

  it('refuses a purpose the profile does not permit, and prohibited uses are never permitted', () => {
    for (const bad of ['personal_use', 'harassment', 'first_amendment', 'STOLEN_VEHICLE']) {
      expect(() => requireInquiry(either, { case: '1', purpose: bad })).toThrow(expect.objectContaining({ code: 'PS_ERR_PURPOSE_NOT_PERMITTED' }));
    }
    const narrow = parseProfile({ name: 'n', department: 'N', policyRef: '1', retention: { detectionDays: 30 }, inquiry: { purposes: ['stolen_vehicle'] } }, 'n');
    expect(() => requireInquiry(narrow, { case: '1', purpose: 'crime_scene_canvass' })).toThrow(expect.objectContaining({ code: 'PS_ERR_PURPOSE_NOT_PERMITTED' }));
  });

  it('refuses a malformed case number', () => {
    expect(() => requireInquiry(both, { case: '<script>', purpose: 'stolen_vehicle' })).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
    expect(() => requireInquiry(both, { case: 'x'.repeat(41), purpose: 'stolen_vehicle' })).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
  });
});
