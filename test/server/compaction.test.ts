/**
 * The server runs the purge on a schedule, and every run that purged something is recorded
 * as `detections.purge`, which the quarterly report counts (POLICY R7, R9).
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { quarterlyReport } from '../../core/reports/quarterly.js';
import { recordPurge } from '../../server/compaction.js';
import { reportSources } from '../../server/reports/sources.js';
import { bootServer } from '../support/server.js';

describe('scheduled purge', () => {
  it('runs from the server and records what it purged for the quarterly report', async () => {
    const server = await bootServer({ compaction: { everyS: 3600 } });
    try {
      // Nothing is past retention in a new store: a run purges nothing and records nothing.
      expect((await server.compaction.runNow())?.purged).toEqual([]);
      const now = Date.now();
      await recordPurge(server.rooms.audit, { cutoff: now - 30 * 86_400_000, purged: [{ partition: 'p1', detections: 40, held: 2 }, { partition: 'p2', detections: 10, held: 0 }] }, pino({ level: 'silent' }));
      const rec = server.rooms.audit.query({ actions: ['detections.purge'] }).at(-1)!;
      expect(rec).toMatchObject({ actor: 'compactor', outcome: 'ok', results: 50, subject: { partitions: 2, detections: 50, held: 2 } });
      const d = new Date(now);
      const report = await quarterlyReport(server.profile, reportSources(server.rooms), d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) + 1, now);
      expect(report.purges).toEqual({ partitions: 2, detections: 50 });
    } finally {
      await server.close();
    }
  });
});
