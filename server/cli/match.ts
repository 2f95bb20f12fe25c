/**
 * `platesafe match PLATE [--state CA] [--json]` and `platesafe match --batch FILE`: match
 * plates against the hot lists stored under `--data`, as a camera read would be.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ErrBadInput, isPlateSafeError } from '../../core/errors.js';
import type { Match, Matcher } from '../../core/hotlist/matcher.js';
import { normalizePlate } from '../../core/plates/normalize.js';
import { openStore } from './hotlist.js';

interface MatchFlags {
  state?: string;
  json?: boolean;
  batch?: string;
  profile: string;
}

export function registerMatch(program: Command): void {
  program
    .command('match [plate]')
    .description('match a plate (or a file of plates, one a line) against the loaded hot lists')
    .option('--state <code>', 'jurisdiction of the read, e.g. CA')
    .option('--json', 'print the matches as JSON')
    .option('--batch <file>', 'a plate and optional state a line; prints one JSON result a line')
    .option('--profile <name|file>', 'policy profile', 'menlo-park')
    .action(async (plate: string | undefined, flags: MatchFlags) => {
      if ((plate === undefined) === (flags.batch === undefined)) throw new ErrBadInput('give a plate or --batch FILE');
      const store = await openStore(program, flags.profile);
      try {
        const matcher = store.matcher();
        if (flags.batch) await batch(matcher, flags.batch);
        else single(matcher, normalizePlate(plate!), flags);
      } finally {
        await store.close();
      }
    });
}

function single(matcher: Matcher, plate: string, flags: MatchFlags): void {
  const matches = matcher.match({ plate, st: flags.state });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ plate, st: flags.state ?? null, matches })}\n`);
    return;
  }
  if (matches.length === 0) process.stdout.write(`${plate}: no match\n`);
  for (const m of matches) process.stdout.write(`${describe(m)}\n`);
}

function describe(m: Match): string {
  const flags = [m.informational ? 'informational' : '', m.covert ? 'covert' : ''].filter(Boolean).join(' ');
  return (
    `${m.list}\t${m.entryPlate}${m.entryState ? ` (${m.entryState})` : ''}\t${m.kind}\tscore ${m.score}` +
    `\tdistance ${m.distance}\tstate ${m.state}\tdiff [${m.diff.join(',')}]\tpriority ${m.priority}${flags ? `\t${flags}` : ''}`
  );
}

/** One JSON line per input line; a bad line gets an error object, the rest still match. */
async function batch(matcher: Matcher, file: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const [raw, st] = text.trim().split(/[\s,;]+/);
    if (!raw) continue;
    try {
      const plate = normalizePlate(raw);
      process.stdout.write(`${JSON.stringify({ line, plate, st: st ?? null, matches: matcher.match({ plate, st }) })}\n`);
    } catch (e) {
      if (!isPlateSafeError(e)) throw e;
      process.stdout.write(`${JSON.stringify({ line, plate: raw, error: e.toJSON() })}\n`);
    }
  }
}
