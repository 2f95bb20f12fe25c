/**
 * `platesafe report quarterly --year Y --quarter Q [--html FILE]` (POLICY R9, MP 462.8).
 * From the command line the report counts what the audit log holds (searches, releases,
 * audits); camera, detection, hit and purge counts come from the running server's stores.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { authorize } from '../../core/policy/authz.js';
import { quarterlyHtml, quarterlyReport } from '../../core/reports/quarterly.js';
import { resolve } from 'node:path';
import { CameraRegistry } from '../../core/cameras/registry.js';
import { DetectionStore } from '../../core/detections/store.js';
import { HitStore } from '../../core/hits/store.js';
import type { Profile } from '../../core/policy/profile.js';
import { reportSources, type ReportRooms } from '../reports/sources.js';
import { common, optionsOf, parseCount, print, withSignIn } from './rooms.js';

/** The camera, detection and hit stores of the data folder, open for `run`. */
async function withStores<T>(data: string, profile: Profile, run: (stores: Omit<ReportRooms, 'audit'>) => Promise<T>): Promise<T> {
  const dir = resolve(data);
  const cameras = CameraRegistry.open(dir);
  const detections = DetectionStore.open({
    dir,
    profile,
    ...(process.env.PLATESAFE_MASTER_KEY ? { masterKey: process.env.PLATESAFE_MASTER_KEY } : {}),
    onWarning: (m) => process.stderr.write(`platesafe: ${m}\n`),
  });
  const hits = HitStore.open(dir);
  try {
    return await run({ cameras, detections, hits });
  } finally {
    await Promise.all([cameras.close(), detections.close(), hits.close()]);
  }
}

export function registerReport(program: Command): void {
  const cmd = program.command('report').description('reports of ALPR activity (POLICY R9)');
  common(cmd.command('quarterly'))
    .description('quarterly report as JSON on standard output, and optionally an HTML page')
    .requiredOption('--year <year>', 'calendar year')
    .requiredOption('--quarter <q>', '1–4')
    .option('--html <file>', 'also write a self-contained HTML page')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ year: string; quarter: string; html?: string }>(c);
      return withSignIn(o, async (rooms, me) => {
        authorize(me.role, 'reports.read');
        const r = await withStores(o.data, rooms.profile, (stores) =>
          quarterlyReport(rooms.profile, reportSources({ audit: rooms.audit, ...stores }), parseCount(o.year, 'year'), parseCount(o.quarter, 'quarter'), Date.now()),
        );
        await rooms.audit.record({ action: 'reports.read', actor: me.user, role: me.role, from: 'cli', outcome: 'ok', subject: { report: 'quarterly', year: r.year, quarter: r.quarter } });
        if (o.html) writeFileSync(o.html, quarterlyHtml(r));
        print(JSON.stringify(r, null, 2));
      });
    });
}
