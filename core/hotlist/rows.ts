/**
 * Reading hot-list feed files: CSV with a header row, or JSON Lines, one entry a row.
 * Other layouts name their columns through a mapping (canonical field → file column). A row
 * that cannot be read is yielded as an error with its line number so the import reports it
 * and carries on with the good rows.
 */
import { accessSync, constants, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse, type CsvError } from 'csv-parse';
import { ErrHotlistFormat, ErrNotFound, isPlateSafeError } from '../errors.js';
import { ENTRY_FIELDS } from './entry.js';

export type RowFormat = 'csv' | 'jsonl';

/** Canonical field → the file's column (or JSON key) holding it. */
export type ColumnMapping = Readonly<Record<string, string>>;

export interface RawRow {
  readonly line: number;
  /** Canonical fields, when the row could be read. */
  readonly fields?: Record<string, unknown>;
  readonly error?: string;
}

export function formatOf(path: string, format?: RowFormat): RowFormat {
  if (format) return format;
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.(csv|txt)$/i.test(path)) return 'csv';
  throw new ErrHotlistFormat(`cannot tell the format of ${path}: name it .csv or .jsonl, or give the format`);
}

export function checkMapping(mapping: ColumnMapping): void {
  for (const field of Object.keys(mapping)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(field)) {
      throw new ErrHotlistFormat(`mapping names unknown field ${JSON.stringify(field)}; fields: ${ENTRY_FIELDS.join(', ')}`);
    }
  }
}

export function readRows(path: string, format: RowFormat, mapping: ColumnMapping = {}): AsyncIterable<RawRow> {
  checkMapping(mapping);
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new ErrNotFound(`cannot read hot-list file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return format === 'csv' ? csvRows(path, mapping) : jsonlRows(path, mapping);
}

/** A file stream whose read errors end the consumer's iteration instead of the process. */
function fileStream(path: string, into: { destroy(e: Error): void }): ReturnType<typeof createReadStream> {
  const stream = createReadStream(path);
  stream.on('error', (e) => into.destroy(new ErrHotlistFormat(`${path}: ${e.message}`)));
  return stream;
}

/** Picks the canonical fields out of a record keyed by the file's column names. */
function project(record: Record<string, unknown>, mapping: ColumnMapping, lower: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const column = mapping[field] ?? field;
    const v = record[lower ? column.toLowerCase() : column];
    if (v !== undefined) out[field] = v;
  }
  return out;
}

async function* csvRows(path: string, mapping: ColumnMapping): AsyncIterable<RawRow> {
  const plateColumn = (mapping.plate ?? 'plate').toLowerCase();
  const skipped: RawRow[] = [];
  const parser = parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      columns: (header: string[]) => {
        const cols = header.map((h) => h.trim().toLowerCase());
        if (!cols.includes(plateColumn)) {
          throw new ErrHotlistFormat(`${path}: header has no ${JSON.stringify(plateColumn)} column (found: ${cols.join(', ')})`);
        }
        return cols;
      },
      on_skip: (err: CsvError | undefined) => {
        skipped.push({ line: Number(err?.lines ?? 0), error: `unreadable CSV: ${err?.message ?? 'malformed row'}` });
        return undefined;
      },
    });
  fileStream(path, parser).pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      while (skipped.length > 0) yield skipped.shift()!;
      yield { line: item.info.lines, fields: project(item.record, mapping, true) };
    }
  } catch (e) {
    if (isPlateSafeError(e)) throw e;
    throw new ErrHotlistFormat(`${path}: ${(e as Error).message}`);
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

async function* jsonlRows(path: string, mapping: ColumnMapping): AsyncIterable<RawRow> {
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  input.on('error', () => lines.close());
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, error: `not JSON: ${(e as Error).message}` };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, error: 'a JSON Lines row must be an object' };
      continue;
    }
    yield { line, fields: project(value as Record<string, unknown>, mapping, false) };
  }
}
