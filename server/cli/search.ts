/**
 * `platesafe search PATTERN --case … --reason …`: a partial-plate search from the command
 * line, under a case number and a permitted purpose (POLICY R2), recorded in the audit file.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ErrBadInput } from '../../core/errors.js';
import type { SearchQueryInput } from '../../core/detections/search.js';
import { withStore, withStoreOptions, type StoreCommandOptions } from './detections.js';

interface SearchOptions extends StoreCommandOptions {
  from?: string;
  to?: string;
  case?: string;
  reason?: string;
  user?: string;
  fuzzy?: boolean;
  candidates: boolean;
  cam?: string[];
  state?: string;
  make?: string;
  color?: string;
  body?: string;
  minConf?: string;
  limit: string;
  cursor?: string;
}

/** An ISO 8601 time or milliseconds since the epoch. */
function parseTime(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new ErrBadInput(`${flag} ${JSON.stringify(text)} is not an ISO 8601 time`);
  return ms;
}

function buildQuery(pattern: string, o: SearchOptions): SearchQueryInput {
  const from = parseTime('--from', o.from);
  const to = parseTime('--to', o.to);
  return {
    pattern,
    ...(o.fuzzy ? { fuzzy: true } : {}),
    ...(o.candidates ? {} : { candidates: false }),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(o.cam ? { cams: o.cam } : {}),
    ...(o.state ? { state: o.state } : {}),
    ...(o.make ? { make: o.make } : {}),
    ...(o.color ? { color: o.color } : {}),
    ...(o.body ? { body: o.body } : {}),
    ...(o.minConf ? { minConf: Number(o.minConf) } : {}),
    limit: Number(o.limit),
    ...(o.cursor ? { cursor: o.cursor } : {}),
  };
}

export function registerSearch(program: Command): void {
  withStoreOptions(
    program
      .command('search <pattern>')
      .description('partial-plate search (? one character, * any run, [..] a class), audited')
      .option('--from <time>', 'earliest capture time (ISO 8601)')
      .option('--to <time>', 'latest capture time, exclusive (ISO 8601)')
      .option('--case <number>', 'case or incident number (POLICY R2)')
      .option('--reason <purpose>', 'permitted purpose, e.g. stolen_vehicle (POLICY R2)')
      .option('--user <name>', 'who is asking (default: the login name)')
      .option('--fuzzy', 'treat OCR-confusable characters as equal')
      .option('--no-candidates', 'match only the plate, not alternate readings')
      .option('--cam <id...>', 'only these cameras')
      .option('--state <code>', 'plate state')
      .option('--make <make>', 'vehicle make')
      .option('--color <colour>', 'vehicle colour')
      .option('--body <body>', 'vehicle body type')
      .option('--min-conf <p>', 'minimum read confidence, 0–1')
      .option('--limit <n>', 'results per page', '100')
      .option('--cursor <c>', 'next page, as printed by the previous one'),
  ).action(async (pattern: string, o: SearchOptions) => {
    const access = {
      user: o.user ?? userInfo().username,
      from: 'cli',
      ...(o.case ? { case: o.case } : {}),
      ...(o.reason ? { purpose: o.reason } : {}),
    };
    const query = buildQuery(pattern, o);
    const page = await withStore(program, o, (store, audit) => store.search(query, access, audit));
    if (o.json) {
      process.stdout.write(`${JSON.stringify(page)}\n`);
      return;
    }
    for (const d of page.items) {
      const conf = d.conf === undefined ? '' : d.conf.toFixed(2);
      process.stdout.write(`${new Date(d.ts).toISOString()}\t${d.plate ?? '?'}\t${d.st ?? ''}\t${d.cam}\t${conf}\t${d.id}\n`);
    }
    process.stdout.write(`${page.items.length} of ${page.total}${page.cursor ? `; next page: --cursor ${page.cursor}` : ''}\n`);
  });
}
