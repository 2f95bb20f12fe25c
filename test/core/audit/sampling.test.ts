import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../core/audit/log.js';
import { drawSample, monthsBefore, pickUniform, recordReview, replaySample, reviewsOf, SeededRandom } from '../../../core/audit/sampling.js';
import type { Principal } from '../../../core/policy/authz.js';
import { DAY_MS } from '../../../core/util/time.js';
import { clockAt, openAudit, tempDir, type Clock } from '../../support/rooms.js';

const T0 = Date.UTC(2026, 0, 1);
const sup: Principal = { user: 'sue', role: 'supervisor' };
let clock: Clock;
let log: AuditLog;

beforeEach(() => {
  clock = clockAt(T0);
  log = openAudit(tempDir('sample'), clock);
});
afterEach(() => log.close());

/** A year of activity: a browsing inquiry or another event every day. */
async function year(): Promise<void> {
  const kinds = ['detections.search', 'detections.view', 'images.view', 'export', 'auth.login', 'hits.view'];
  for (let d = 0; d < 365; d++) {
    clock.t = T0 + d * DAY_MS;
    const action = kinds[d % kinds.length]!;
    await log.record({ action, actor: d % 2 ? 'ivy' : 'ian', case: `C-${d}`, purpose: 'stolen_vehicle', outcome: d % 50 === 7 ? 'PS_ERR_CASE_REQUIRED' : 'ok' });
  }
}

describe('random audit sampling (POLICY R3)', () => {
  it('draws only successful browsing inquiries from the window, and records the draw', async () => {
    await year();
    clock.t = T0 + 365 * DAY_MS;
    const s = await drawSample(log, sup, { months: 6, count: 10, seed: 'fixed' }, clock.t);
    expect(s.picks).toHaveLength(10);
    const from = monthsBefore(clock.t, 6);
    for (const seq of s.picks) {
      const r = log.get(seq)!;
      expect(['detections.search', 'detections.view', 'images.view', 'export']).toContain(r.action);
      expect(r.outcome).toBe('ok');
      expect(r.ts).toBeGreaterThanOrEqual(from);
    }
    expect(log.get(s.sample)).toMatchObject({ action: 'audit.sample', actor: 'sue', subject: { seed: 'fixed', picks: s.picks } });
    const eligible = log.query({ from, to: clock.t }).filter((r) => ['detections.search', 'detections.view', 'images.view', 'export'].includes(r.action) && r.outcome === 'ok');
    expect(s.population).toBe(eligible.length);
  });

  it('is reproducible from the recorded seed, and a different seed draws differently', async () => {
    await year();
    clock.t = T0 + 365 * DAY_MS;
    const a = await drawSample(log, sup, { months: 6, count: 10 }, clock.t);
    expect(a.seed).toMatch(/^[0-9a-f]{32}$/);
    clock.t += 1000;
    expect(replaySample(log, a.sample)).toEqual({ same: true, picks: a.picks });
    const b = await drawSample(log, sup, { months: 6, count: 10, seed: `${a.seed}x` }, a.to);
    expect(b.picks).not.toEqual(a.picks);
    const c = await drawSample(log, sup, { months: 6, count: 10, seed: a.seed }, a.to);
    expect(c.picks).toEqual(a.picks);
  });

  it('picks uniformly: every item about equally often over many seeds', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const hits = new Array<number>(20).fill(0);
    for (let s = 0; s < 4000; s++) for (const p of pickUniform(items, 5, new SeededRandom(`s${s}`))) hits[p]!++;
    // Expected 1000 each; a chi-square over 19 degrees of freedom stays far below 50 unless biased.
    const chi = hits.reduce((acc, h) => acc + (h - 1000) ** 2 / 1000, 0);
    expect(chi).toBeLessThan(50);
    expect(new Set(pickUniform(items, 30, new SeededRandom('x'))).size).toBe(20);
  });

  it('lets a supervisor record each review once; a violation needs a note; nobody reviews their own inquiry', async () => {
    await year();
    clock.t = T0 + 365 * DAY_MS;
    const s = await drawSample(log, sup, { months: 6, count: 10, seed: 'r' }, clock.t);
    const [first, second] = s.picks as [number, number];
    await expect(recordReview(log, { user: 'aud', role: 'auditor' }, { sample: s.sample, inquiry: first, outcome: 'compliant' })).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await expect(drawSample(log, { user: 'aud', role: 'auditor' }, { months: 6, count: 10 }, clock.t)).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await expect(recordReview(log, sup, { sample: s.sample, inquiry: first, outcome: 'violation' })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(recordReview(log, sup, { sample: s.sample, inquiry: first, outcome: 'maybe' })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(recordReview(log, sup, { sample: s.sample, inquiry: 3, outcome: 'compliant' })).rejects.toMatchObject({ code: 'PS_ERR_AUDIT_SAMPLE' });
    await expect(recordReview(log, sup, { sample: 3, inquiry: first, outcome: 'compliant' })).rejects.toMatchObject({ code: 'PS_ERR_AUDIT_SAMPLE' });
    await recordReview(log, sup, { sample: s.sample, inquiry: first, outcome: 'compliant' });
    await recordReview(log, sup, { sample: s.sample, inquiry: second, outcome: 'violation', note: 'no case report matches' });
    await expect(recordReview(log, sup, { sample: s.sample, inquiry: first, outcome: 'violation', note: 'x' })).rejects.toMatchObject({ code: 'PS_ERR_CONFLICT' });
    const ownPick = s.picks.find((p) => log.get(p)!.actor === 'ivy' && !reviewsOf(log, s.sample).some((r) => r.inquiry === p));
    expect(ownPick).toBeDefined();
    await expect(recordReview(log, { user: 'ivy', role: 'supervisor' }, { sample: s.sample, inquiry: ownPick!, outcome: 'compliant' })).rejects.toMatchObject({ code: 'PS_ERR_SELF_APPROVAL' });
    const reviews = reviewsOf(log, s.sample);
    expect(reviews.find((r) => r.inquiry === second)).toMatchObject({ outcome: 'violation', note: 'no case report matches', by: 'sue' });
  });
});
