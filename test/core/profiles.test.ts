import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.js';
import { loadProfile, parseProfile, SHIPPED_PROFILES } from '../../core/policy/profiles.js';

describe('policy profiles', () => {
  it('ships the five departments of POLICY.md, each valid', () => {
    expect([...SHIPPED_PROFILES].sort()).toEqual(['el-cajon', 'menlo-park', 'modesto', 'roseville', 'santa-monica']);
    for (const name of SHIPPED_PROFILES) expect(loadProfile(name).name).toBe(name);
  });

  it('carries each department’s distinctive numbers (POLICY.md, Profiles)', () => {
    const mp = loadProfile('menlo-park');
    expect(mp.retention.detectionDays).toBeLessThanOrEqual(30);
    expect(mp.release.californiaOnly).toBe(true);
    expect(mp.release.prohibitedPurposes).toContain('out_of_state_enforcement');
    for (const n of ['santa-monica', 'modesto', 'roseville']) expect(loadProfile(n).retention.minDays).toBeGreaterThanOrEqual(365);
    expect(loadProfile('santa-monica').inquiry.requires).toBe('either');
    const ec = loadProfile('el-cajon');
    expect(ec.audit.sampleCount).toBeGreaterThanOrEqual(10);
    expect(ec.release.prohibitedPurposes).toContain('reproductive_health');
    const rv = loadProfile('roseville');
    expect(rv.hotlists.minDownloadsPerDay).toBe(2);
    expect(rv.hotlists.manualNcicMaxHours).toBe(24);
    expect(rv.hotlists.manualMaxDays).toBe(30);
  });

  it('keeps the audit trail longer than the data in every profile (POLICY R2)', () => {
    for (const n of SHIPPED_PROFILES) {
      const p = loadProfile(n);
      expect(p.retention.auditDays).toBeGreaterThan(p.retention.detectionDays);
    }
  });

  it('fills defaults and freezes the result', () => {
    const p = parseProfile({ name: 'x-town', department: 'X', policyRef: '1', retention: { detectionDays: 30 } }, 'inline');
    expect(p.inquiry.requires).toBe('both');
    expect(p.inquiry.purposes.length).toBeGreaterThan(3);
    expect(Object.isFrozen(p.retention)).toBe(true);
  });

  it('refuses a profile that breaks a rule, naming the setting', () => {
    const bad = { name: 'y', department: 'Y', policyRef: '1', retention: { detectionDays: 10, minDays: 365 } };
    expect(() => parseProfile(bad, 'y.json')).toThrow(/minDays/);
    try {
      parseProfile({ ...bad, inquiry: { purposes: ['personal_use'] } }, 'y.json');
    } catch (e) {
      expect((e as { code: string }).code).toBe('PS_ERR_PROFILE_INVALID');
      expect(JSON.stringify((e as { details: unknown }).details)).toContain('inquiry.purposes');
    }
  });

  it('loads a department’s own profile file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-profile-'));
    const file = join(dir, 'x.json');
    writeFileSync(file, JSON.stringify({ name: 'x', department: 'X PD', policyRef: 'P1', retention: { detectionDays: 60 } }));
    expect(loadProfile(file).retention.detectionDays).toBe(60);
    expect(() => loadProfile('nowhere')).toThrow(expect.objectContaining({ code: 'PS_ERR_PROFILE_UNKNOWN' }));
  });
});

describe('configuration', () => {
  it('has a default for everything a newcomer needs', () => {
    const c = parseConfig();
    expect(c.server.port).toBe(8080);
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('./data');
  });

  it('names the option path of a bad value', () => {
    expect(() => parseConfig({ server: { port: 70000 } })).toThrow(/server\.port/);
  });
});
