/**
 * Random audit of browsing inquiries (POLICY R3; EC 427.8: at least 10 from the preceding six
 * months; MP 462.6 d; RV 426.4.1 c quarterly). Inquiries are drawn uniformly at random from
 * the window with a seeded generator, and the draw (seed, window, picks) is itself recorded in
 * the audit log, so anyone can redraw it and get the same picks. A supervisor then records a
 * review outcome for each pick; outcomes and violations feed the quarterly report.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ErrAuditSample, ErrBadInput, ErrConflict, ErrSelfApproval } from '../errors.js';
import { authorize, BROWSING_ACTIONS, type Principal } from '../policy/authz.js';
import type { AuditLog } from './log.js';

export const REVIEW_OUTCOMES = ['compliant', 'violation'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface SampleRequest {
  readonly months: number;
  readonly count: number;
  /** Seed of the draw; a fresh random one when absent. Recorded either way. */
  readonly seed?: string;
}

export interface AuditSample {
  /** Sequence number of the `audit.sample` record. */
  readonly sample: number;
  readonly seed: string;
  readonly from: number;
  readonly to: number;
  readonly population: number;
  /** Sequence numbers of the picked inquiries, ascending. */
  readonly picks: readonly number[];
}

export interface AuditReview {
  readonly sample: number;
  readonly inquiry: number;
  readonly outcome: ReviewOutcome;
  readonly note?: string;
  readonly by: string;
  readonly at: number;
}

/** A deterministic stream of uniform integers from a seed (SHA-256 in counter mode). */
export class SeededRandom {
  private block = 0;
  private digest: Buffer = Buffer.alloc(0);
  private next = 0;

  constructor(private readonly seed: string) {}

  private word(): number {
    // Big-endian words, so the same seed draws the same picks on every platform.
    if (this.next >= this.digest.length) {
      this.digest = createHash('sha256').update(`${this.seed}:${this.block++}`).digest();
      this.next = 0;
    }
    const w = this.digest.readUInt32BE(this.next);
    this.next += 4;
    return w;
  }

  /** Uniform integer in [0, n), by rejection so no value is favoured. */
  below(n: number): number {
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const w = this.word();
      if (w < limit) return w % n;
    }
  }
}

/** `count` distinct items chosen uniformly from `items` (partial Fisher–Yates). */
export function pickUniform<T>(items: readonly T[], count: number, rng: SeededRandom): T[] {
  const pool = items.slice();
  const k = Math.min(count, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

export function monthsBefore(ts: number, months: number): number {
  const d = new Date(ts);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

function population(log: AuditLog, from: number, to: number): number[] {
  const seqs: number[] = [];
  for (const r of log.scan({ from, to, actions: BROWSING_ACTIONS })) if (r.outcome === 'ok') seqs.push(r.seq);
  return seqs;
}

function draw(log: AuditLog, seed: string, from: number, to: number, count: number): { population: number; picks: number[] } {
  const seqs = population(log, from, to);
  const picks = pickUniform(seqs, count, new SeededRandom(seed)).sort((a, b) => a - b);
  return { population: seqs.length, picks };
}

/** Draws and records a sample of browsing inquiries from the last `months` months. */
export async function drawSample(log: AuditLog, actor: Principal, req: SampleRequest, now: number): Promise<AuditSample> {
  authorize(actor.role, 'audit.sample');
  if (!Number.isInteger(req.months) || req.months < 1 || !Number.isInteger(req.count) || req.count < 1) {
    throw new ErrBadInput('sample needs whole positive months and count', { months: req.months, count: req.count });
  }
  const seed = req.seed ?? randomBytes(16).toString('hex');
  const from = monthsBefore(now, req.months);
  const { population: size, picks } = draw(log, seed, from, now, req.count);
  const subject = { seed, from, to: now, count: req.count, population: size, picks };
  const sample = await log.record({ action: 'audit.sample', actor: actor.user, role: actor.role, outcome: 'ok', subject, results: picks.length });
  return { sample, seed, from, to: now, population: size, picks };
}

function sampleRecord(log: AuditLog, sample: number): AuditSample {
  const rec = log.get(sample);
  if (!rec || rec.action !== 'audit.sample') throw new ErrAuditSample(`no audit sample ${sample}`, { sample });
  const s = rec.subject as Omit<AuditSample, 'sample'>;
  return { sample, seed: s.seed, from: s.from, to: s.to, population: s.population, picks: s.picks };
}

/** Redraws a recorded sample from its seed and window; true when the picks are the same. */
export function replaySample(log: AuditLog, sample: number): { same: boolean; picks: number[] } {
  const s = sampleRecord(log, sample);
  const { picks } = draw(log, s.seed, s.from, s.to, s.picks.length);
  return { same: picks.length === s.picks.length && picks.every((p, i) => p === s.picks[i]), picks };
}

export function reviewsOf(log: AuditLog, sample: number): AuditReview[] {
  const s = log.get(sample);
  if (!s) return [];
  const out: AuditReview[] = [];
  for (const r of log.scan({ from: s.ts, actions: ['audit.review'] })) {
    const v = r.subject as Omit<AuditReview, 'by' | 'at'>;
    if (v.sample === sample) out.push({ ...v, by: r.actor, at: r.ts });
  }
  return out;
}

export interface ReviewInput {
  readonly sample: number;
  readonly inquiry: number;
  readonly outcome: string;
  readonly note?: string;
}

/**
 * Records a supervisor's review of one sampled inquiry. A violation needs a note saying what
 * was wrong (MP 462.6 d: "violations … shall be documented"); nobody reviews their own inquiry.
 */
export async function recordReview(log: AuditLog, actor: Principal, input: ReviewInput): Promise<number> {
  authorize(actor.role, 'audit.review');
  if (!(REVIEW_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new ErrBadInput(`outcome must be one of ${REVIEW_OUTCOMES.join(', ')}`, { field: 'outcome' });
  }
  const note = input.note?.trim();
  if (input.outcome === 'violation' && !note) throw new ErrBadInput('a violation needs a note', { field: 'note' });
  const s = sampleRecord(log, input.sample);
  if (!s.picks.includes(input.inquiry)) {
    throw new ErrAuditSample(`inquiry ${input.inquiry} is not in sample ${input.sample}`, { sample: input.sample, inquiry: input.inquiry });
  }
  const inquiry = log.get(input.inquiry);
  if (!inquiry) throw new ErrAuditSample(`inquiry ${input.inquiry} is no longer in the audit log`, { inquiry: input.inquiry });
  if (inquiry.actor === actor.user) throw new ErrSelfApproval(`${actor.user} may not review their own inquiry`);
  if (reviewsOf(log, input.sample).some((r) => r.inquiry === input.inquiry)) {
    throw new ErrConflict(`inquiry ${input.inquiry} of sample ${input.sample} is already reviewed`);
  }
  const subject = { sample: input.sample, inquiry: input.inquiry, outcome: input.outcome, ...(note ? { note } : {}), inquiryActor: inquiry.actor };
  return log.record({ action: 'audit.review', actor: actor.user, role: actor.role, outcome: 'ok', subject });
}
