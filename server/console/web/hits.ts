/**
 * The dispatch console's picture of the hits, kept apart from the DOM so it can be tested
 * alone: hit frames and `hit-update` frames of PROTOCOL.md folded into one view a hit, newest
 * first, bounded, with the last console seq seen (for `sub { since }` after a drop) and which
 * hits arrived by replay (what the console missed while it was away).
 */

// Type-only imports: the wire shapes the server defines, erased from the browser bundle.
import type { HitEntry } from '../../../core/hits/hit.js';
import type { Vehicle } from '../../../core/reads/read.js';

export interface HitFrame {
  readonly t: 'hit';
  readonly hit: string;
  readonly seq: number;
  readonly ts: number;
  readonly read: {
    readonly plate?: string;
    readonly st?: string;
    readonly conf?: number;
    readonly cam: string;
    readonly ts?: number;
    readonly lat?: number;
    readonly lon?: number;
    readonly veh?: Vehicle;
    readonly crop?: { readonly fmt: string; readonly w?: number; readonly h?: number; readonly data?: string };
  };
  readonly entry: Omit<HitEntry, 'id' | 'covert'> & { readonly covert?: boolean };
  readonly match: { readonly kind: string; readonly score: number; readonly diff?: readonly number[]; readonly candidate?: string };
  readonly state?: string;
  readonly verified: boolean;
  readonly escalated?: boolean;
  readonly escalations?: number;
  readonly replay?: boolean;
}

export interface HitUpdateFrame {
  readonly t: 'hit-update';
  readonly hit: string;
  readonly state: string;
  readonly by?: string;
  readonly ts: number;
  readonly disp?: string;
  readonly cfs?: string;
  readonly listConfirmed?: boolean;
  readonly visualMatch?: boolean;
}

export interface HitView {
  readonly frame: HitFrame;
  state: string;
  by?: string;
  at?: number;
  disp?: string;
  cfs?: string;
  verified: boolean;
  escalated: boolean;
  /** Arrived by replay after a reconnect: the console was away when it happened. */
  missed: boolean;
}

/**
 * Dispositions each state may close with, as the server's hit lifecycle allows them
 * (`core/hits/lifecycle.ts`): enforcement outcomes only after verification (POLICY R5,
 * MP 462.4 g). The server decides; the page only avoids offering what it would refuse.
 */
export const CLOSABLE: Readonly<Record<string, readonly string[]>> = {
  acked: ['not_located', 'no_longer_wanted'],
  verified: ['arrest', 'recovered', 'cfs_created', 'not_located', 'other'],
  rejected: ['misread', 'no_longer_wanted', 'other'],
};

export type Arrival = 'new' | 'escalated' | 'known';

export class HitBoard {
  private readonly views = new Map<string, HitView>();
  /** Highest console seq seen: the `since` of the next subscription. */
  lastSeq: number;

  constructor(
    private readonly limit = 500,
    lastSeq = 0,
  ) {
    this.lastSeq = lastSeq;
  }

  get size(): number {
    return this.views.size;
  }

  get(id: string): HitView | undefined {
    return this.views.get(id);
  }

  /** Fold a `hit` frame in: a new hit, an escalation of a known one, or a repeat. */
  addHit(f: HitFrame): Arrival {
    if (f.seq > this.lastSeq) this.lastSeq = f.seq;
    const known = this.views.get(f.hit);
    if (known) {
      if (!f.escalated || known.state === 'disposed') return 'known';
      known.escalated = true;
      return 'escalated';
    }
    this.views.set(f.hit, {
      frame: f,
      state: f.state ?? 'new',
      verified: f.verified,
      escalated: f.escalated === true,
      missed: f.replay === true,
    });
    this.trim();
    return 'new';
  }

  /** Fold a `hit-update` in; undefined when the hit is not on this console. */
  update(u: HitUpdateFrame): HitView | undefined {
    const v = this.views.get(u.hit);
    if (!v) return undefined;
    v.state = u.state;
    v.by = u.by;
    v.at = u.ts;
    if (u.disp) v.disp = u.disp;
    if (u.cfs) v.cfs = u.cfs;
    if (u.listConfirmed !== undefined) v.verified = u.listConfirmed && u.visualMatch === true;
    if (u.state !== 'new') v.escalated = false;
    return v;
  }

  /** Newest first (console seq order is arrival order at the server). */
  list(): HitView[] {
    return [...this.views.values()].sort((a, b) => b.frame.seq - a.frame.seq);
  }

  /** Drop the oldest closed hits first, then the oldest, to keep the page bounded. */
  private trim(): void {
    if (this.views.size <= this.limit) return;
    const oldest = this.list().reverse();
    const victim = oldest.find((v) => v.state === 'disposed') ?? oldest[0]!;
    this.views.delete(victim.frame.hit);
  }
}

export interface Segment {
  readonly text: string;
  readonly differs: boolean;
}

/** Split a plate into runs of matching and differing characters (`match.diff` positions). */
export function diffSegments(plate: string, diff: readonly number[] = []): Segment[] {
  const marks = new Set(diff);
  const out: Segment[] = [];
  for (let i = 0; i < plate.length; i++) {
    const differs = marks.has(i);
    const last = out[out.length - 1];
    if (last && last.differs === differs) out[out.length - 1] = { text: last.text + plate[i], differs };
    else out.push({ text: plate[i]!, differs });
  }
  return out;
}

/** Whether the hit still waits for a person: POLICY R5, unverified hits are never grounds for action. */
export function needsAttention(v: HitView): boolean {
  return v.state === 'new' || v.state === 'acked';
}
