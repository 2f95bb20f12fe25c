/**
 * Hits nobody acknowledged: re-sent as escalated after the configured time, a bounded number
 * of times (POLICY R5, RV 426.6.3: hits reach dispatch in a timely fashion).
 */
import type { HitStore } from '../../core/hits/store.js';
import type { Metrics } from '../metrics.js';
import type { ConsoleHub } from './hub.js';

export class Escalator {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly hits: HitStore,
    private readonly hub: ConsoleHub,
    private readonly metrics: Metrics,
    private readonly afterMs: number,
    private readonly maxEscalations: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(200, Math.min(this.afterMs / 4, 5000)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Escalate every hit still new whose last push is older than `afterMs`. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.running || this.maxEscalations === 0) return 0;
    this.running = true;
    try {
      let n = 0;
      // A hit gets its last escalation `afterMs × maxEscalations` after it was raised.
      const horizon = now - this.afterMs * (this.maxEscalations + 1);
      for (const hit of this.hits.unacknowledgedBefore(now - this.afterMs, horizon)) {
        if (hit.escalations >= this.maxEscalations) continue;
        if (now - hit.ts < this.afterMs * (hit.escalations + 1)) continue;
        const next = await this.hits.update(hit.id, (h) => ({ ...h, escalations: h.escalations + 1 }));
        this.hub.publish(next, true);
        this.metrics.hitsEscalated.inc();
        n++;
      }
      return n;
    } finally {
      this.running = false;
    }
  }
}
