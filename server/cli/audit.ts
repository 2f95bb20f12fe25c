/**
 * `platesafe audit ls|verify|purge|sample|review` (POLICY R2, R3): read the trail, check the
 * hash chain of the audit log, purge what is past the audit retention (never earlier), draw a random sample of
 * browsing inquiries, and record a supervisor's review outcome.
 */
import type { Command } from 'commander';
import { drawSample, recordReview, reviewsOf } from '../../core/audit/sampling.js';
import { ErrAuditBroken } from '../../core/errors.js';
import { authorize } from '../../core/policy/authz.js';
import { common, optionsOf, parseCount, parseDate, print, withSignIn } from './rooms.js';

export function registerAudit(program: Command): void {
  const cmd = program.command('audit').description('the audit trail: verify, random samples, reviews (POLICY R2, R3)');
  common(cmd.command('verify'))
    .description('check the whole hash chain; names the first record altered, removed or reordered')
    .action((_o: unknown, c: Command) =>
      withSignIn(optionsOf(c), async (rooms, me) => {
        authorize(me.role, 'audit.verify');
        const r = rooms.audit.verify();
        await rooms.audit.record({ action: 'audit.verify', actor: me.user, role: me.role, from: 'cli', outcome: 'ok', subject: r });
        if (!r.ok) {
          throw new ErrAuditBroken(`broken at record ${r.brokenAt} (${r.reason}): ${r.message}; ${r.count} records verified before it`, {
            brokenAt: r.brokenAt,
            reason: r.reason,
          });
        }
        print(`audit log intact: ${r.count} records, head ${r.head}`);
      }),
    );
  common(cmd.command('ls'))
    .description('read the audit trail: one record a line, oldest first')
    .option('--from <date>', 'records at or after')
    .option('--to <date>', 'records before')
    .option('--action <action>', 'only this action (repeat)', (v: string, p: string[] = []) => [...p, v])
    .option('--actor <user>', 'only this person')
    .option('--limit <n>', 'at most this many', '1000')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ from?: string; to?: string; action?: string[]; actor?: string; limit: string }>(c);
      const query = {
        ...(o.from ? { from: parseDate(o.from, 'from') } : {}),
        ...(o.to ? { to: parseDate(o.to, 'to') } : {}),
        ...(o.action ? { actions: o.action } : {}),
        ...(o.actor ? { actor: o.actor } : {}),
        limit: parseCount(o.limit, 'limit'),
      };
      return withSignIn(o, async (rooms, me) => {
        authorize(me.role, 'audit.read');
        const rows = rooms.audit.query(query);
        // Reading the trail is itself recorded (POLICY R2).
        await rooms.audit.record({ action: 'audit.read', actor: me.user, role: me.role, from: 'cli', outcome: 'ok', subject: query, results: rows.length });
        for (const r of rows) {
          print([r.seq, new Date(r.ts).toISOString(), r.actor, r.role ?? '-', r.action, r.outcome, r.case ?? '-', r.purpose ?? '-', r.results ?? '-', r.subject === undefined ? '-' : JSON.stringify(r.subject)].join('\t'));
        }
      });
    });
  common(cmd.command('purge'))
    .description('remove audit records older than a date; refused inside the profile’s audit retention')
    .requiredOption('--before <date>', 'remove records older than this')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ before: string }>(c);
      const before = parseDate(o.before, 'before');
      return withSignIn(o, async (rooms, me) => {
        authorize(me.role, 'audit.purge');
        const { removed, anchor } = await rooms.audit.purgeBefore(before, me.user);
        print(`removed ${removed} audit records; the chain now starts after record ${anchor}`);
      });
    });
  common(cmd.command('sample'))
    .description('draw browsing inquiries uniformly at random from the last months, for review')
    .option('--months <n>', 'window in months (default: the profile’s)')
    .option('--count <n>', 'how many (default: the profile’s)')
    .option('--seed <text>', 'seed, to redraw a recorded sample')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ months?: string; count?: string; seed?: string }>(c);
      return withSignIn(o, async (rooms, me) => {
        const months = o.months ? parseCount(o.months, 'months') : rooms.profile.audit.windowMonths;
        const count = o.count ? parseCount(o.count, 'count') : rooms.profile.audit.sampleCount;
        const s = await drawSample(rooms.audit, me, { months, count, ...(o.seed ? { seed: o.seed } : {}) }, Date.now());
        print(`sample ${s.sample}: ${s.picks.length} of ${s.population} browsing inquiries, seed ${s.seed}`);
        for (const seq of s.picks) {
          const r = rooms.audit.get(seq)!;
          print([seq, new Date(r.ts).toISOString(), r.actor, r.action, r.case ?? '-', r.purpose ?? '-', r.results ?? '-'].join('\t'));
        }
      });
    });
  common(cmd.command('review'))
    .description('record the outcome of reviewing one sampled inquiry')
    .requiredOption('--sample <seq>', 'the sample record')
    .requiredOption('--inquiry <seq>', 'the inquiry record')
    .requiredOption('--outcome <outcome>', 'compliant or violation')
    .option('--note <text>', 'what was found (required for a violation)')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ sample: string; inquiry: string; outcome: string; note?: string }>(c);
      return withSignIn(o, async (rooms, me) => {
        const sample = parseCount(o.sample, 'sample');
        const seq = await recordReview(rooms.audit, me, { sample, inquiry: parseCount(o.inquiry, 'inquiry'), outcome: o.outcome, ...(o.note ? { note: o.note } : {}) });
        print(`review recorded as ${seq}; ${reviewsOf(rooms.audit, sample).length} reviewed in sample ${sample}`);
      });
    });
}
