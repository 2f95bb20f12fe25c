/**
 * The scheduled purge (POLICY R7): the detection store's compaction job, run by the server,
 * with every run that purged something recorded in the audit log as `detections.purge`
 * (partitions and detections, kept and erased) for the quarterly report (POLICY R9).
 */
import type { Logger } from 'pino';
import type { AuditSink } from '../core/audit/sink.js';
import { startCompaction, type CompactionJob } from '../core/detections/compaction.js';
import type { CompactionReport, DetectionStore } from '../core/detections/store.js';

/** The actor of scheduled purges in the audit log. */
const COMPACTOR = 'compactor';

export function scheduleCompaction(store: DetectionStore, audit: AuditSink, when: { everyS: number; firstAfterS: number }, log: Logger): CompactionJob {
  return startCompaction(store, {
    everyMs: when.everyS * 1000,
    firstAfterMs: when.firstAfterS * 1000,
    onReport: (report) => void recordPurge(audit, report, log),
    onError: (e) => log.error({ err: e }, 'compaction failed; it runs again at the next interval'),
  });
}

export async function recordPurge(audit: AuditSink, report: CompactionReport, log: Logger): Promise<void> {
  if (report.purged.length === 0) return;
  const detections = report.purged.reduce((n, p) => n + p.detections, 0);
  const held = report.purged.reduce((n, p) => n + p.held, 0);
  log.info({ partitions: report.purged.length, detections, held }, 'detections purged past retention');
  await audit.record({
    action: 'detections.purge',
    actor: COMPACTOR,
    outcome: 'ok',
    subject: { partitions: report.purged.length, detections, held, cutoff: report.cutoff, perPartition: report.purged },
    results: detections,
  });
}
