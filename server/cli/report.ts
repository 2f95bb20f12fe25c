/**
 * `platesafe report quarterly --year Y --quarter Q [--html FILE]` (POLICY R9, MP 462.8).
 * From the command line the report counts what the audit log holds (searches, releases,
 * audits); camera, detection, hit and purge counts come from the running server's stores.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { authorize } from '../../core/policy/authz.js';
import { quarterlyHtml, quarterlyReport } from '../../core/reports/quarterly.js';
import { common, optionsOf, parseCount, print, withSignIn } from './rooms.js';

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
        const r = await quarterlyReport(rooms.profile, { audit: rooms.audit }, parseCount(o.year, 'year'), parseCount(o.quarter, 'quarter'), Date.now());
        await rooms.audit.record({ action: 'reports.read', actor: me.user, role: me.role, from: 'cli', outcome: 'ok', subject: { report: 'quarterly', year: r.year, quarter: r.quarter } });
        if (o.html) writeFileSync(o.html, quarterlyHtml(r));
        print(JSON.stringify(r, null, 2));
      });
    });
}
