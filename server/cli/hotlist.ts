/**
 * `platesafe hotlist import FILE --list NAME [--replace] …` and `platesafe hotlist ls`:
 * load hot-list feed files into the store under `--data`, and show what is loaded.
 */
import type { Command } from 'commander';
import { ErrBadInput } from '../../core/errors.js';
import type { ListKind } from '../../core/hotlist/list.js';
import { HotlistStore, type ImportReport, type ListOptions } from '../../core/hotlist/store.js';
import { loadProfile } from '../../core/policy/profiles.js';

interface ImportFlags {
  list: string;
  replace?: boolean;
  mapping?: string;
  distance?: string;
  kind?: ListKind;
  minConfidence?: string;
  format?: 'csv' | 'jsonl';
  profile: string;
  json?: boolean;
}

/** Opens the store under the program's `--data` folder with the named policy profile. */
export function openStore(program: Command, profile: string): Promise<HotlistStore> {
  return HotlistStore.open(program.opts<{ data: string }>().data, loadProfile(profile));
}

export function registerHotlist(program: Command): void {
  const cmd = program.command('hotlist').description('hot lists: import feed files, list what is loaded');
  cmd
    .command('import <file>')
    .description('import a CSV (header row) or JSON Lines file as a new generation of a list')
    .requiredOption('--list <name>', 'list to import into')
    .option('--replace', 'replace the list whole (general lists: each download overwrites the last)')
    .option('--mapping <json>', 'column mapping, e.g. {"plate":"LIC","state":"LIC_ST"}')
    .option('--distance <n>', 'weighted edit distance the list accepts (0 = exact only, at most 2)')
    .option('--kind <kind>', 'general | special | manual (for a new list)')
    .option('--min-confidence <x>', 'skip read candidates below this confidence (0–1)')
    .option('--format <fmt>', 'csv | jsonl (default: from the file name)')
    .option('--profile <name|file>', 'policy profile (source exclusions, manual entry rules)', 'menlo-park')
    .option('--json', 'print the import report as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const store = await openStore(program, flags.profile);
      try {
        const report = await store.importFile(file, {
          list: flags.list,
          replace: flags.replace ?? false,
          mapping: flags.mapping ? parseMapping(flags.mapping) : undefined,
          format: flags.format,
          settings: listOptions(flags),
          onProgress: process.stderr.isTTY ? showProgress : undefined,
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : describeReport(report));
      } finally {
        await store.close();
      }
    });
  cmd
    .command('ls')
    .description('the lists loaded, with their settings and entry counts')
    .option('--profile <name|file>', 'policy profile', 'menlo-park')
    .option('--json', 'one JSON object a list')
    .action(async (flags: { profile: string; json?: boolean }) => {
      const store = await openStore(program, flags.profile);
      try {
        for (const l of store.lists()) {
          const s = l.settings;
          process.stdout.write(
            flags.json
              ? `${JSON.stringify(l)}\n`
              : `${s.name}\t${s.kind}\t${s.status}\tdistance ${s.maxDistance}\t${l.count} entries (${l.partials} partial)\t` +
                  `gen ${l.gen}\timported ${new Date(s.lastImport).toISOString()}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}

function listOptions(flags: ImportFlags): ListOptions {
  const out: { -readonly [K in keyof ListOptions]: ListOptions[K] } = {};
  if (flags.distance !== undefined) out.maxDistance = number('--distance', flags.distance);
  if (flags.minConfidence !== undefined) out.minConfidence = number('--min-confidence', flags.minConfidence);
  if (flags.kind !== undefined) out.kind = flags.kind;
  return out;
}

function number(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new ErrBadInput(`${flag} takes a number, not ${JSON.stringify(v)}`);
  return n;
}

function parseMapping(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ErrBadInput(`--mapping is not JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new ErrBadInput('--mapping is an object of field → column name');
  }
  return value as Record<string, string>;
}

function showProgress(rows: number): void {
  process.stderr.write(`\r  ${rows.toLocaleString('en-US')} rows read`);
}

function describeReport(r: ImportReport): string {
  const lines = [
    `${r.list}: generation ${r.generation}, ${r.imported} entries imported (${r.partials} partial in the list), ` +
      `${r.excluded} dropped by source exclusion, ${r.rejectedCount} rejected, ${r.seconds.toFixed(1)} s`,
  ];
  for (const x of r.rejected) lines.push(`  line ${x.line}: ${x.reason}`);
  if (r.rejectedCount > r.rejected.length) lines.push(`  … and ${r.rejectedCount - r.rejected.length} more`);
  return `${lines.join('\n')}\n`;
}
