/**
 * The scheduled purge (POLICY R7): every `everyMs` the store drops partitions past the
 * profile's retention and checkpoints the indexes of closed partitions. At most one run is
 * in flight; a tick that finds the previous run still going is skipped, so runs never pile
 * up. The timer does not keep the process alive.
 *
 * A first run can come sooner (`firstAfterMs`): a server that was down at the hourly tick
 * owes the purge of what expired meanwhile (POLICY R7).
 */
import type { CompactionReport, DetectionStore } from './store.js';

export interface CompactionSchedule {
  /** Interval between runs (ms); an hour by default. */
  readonly everyMs?: number;
  /** Delay of the first run (ms); by default a full interval. */
  readonly firstAfterMs?: number;
  /** Told what each run purged (for logs, metrics and the quarterly report, POLICY R9). */
  readonly onReport?: (report: CompactionReport) => void;
  readonly onError?: (error: unknown) => void;
}

export interface CompactionJob {
  /** Runs now unless a run is in flight; resolves with its report (or null when skipped). */
  runNow(): Promise<CompactionReport | null>;
  /** Stops the timer and waits for a run in flight. */
  stop(): Promise<void>;
}

export const DEFAULT_COMPACTION_MS = 3_600_000;
const MIN_COMPACTION_MS = 1_000;

export function startCompaction(store: DetectionStore, schedule: CompactionSchedule = {}): CompactionJob {
  const every = Math.max(MIN_COMPACTION_MS, schedule.everyMs ?? DEFAULT_COMPACTION_MS);
  let running: Promise<CompactionReport | null> | null = null;
  const runNow = (): Promise<CompactionReport | null> => {
    if (running) return Promise.resolve(null);
    running = (async () => {
      try {
        const report = await store.compact();
        await store.checkpoint();
        schedule.onReport?.(report);
        return report;
      } catch (e) {
        schedule.onError?.(e);
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runNow(), every);
  timer.unref();
  const first = schedule.firstAfterMs === undefined ? undefined : setTimeout(() => void runNow(), schedule.firstAfterMs);
  first?.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
