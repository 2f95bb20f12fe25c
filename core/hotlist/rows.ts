/**
 * Reading hot-list feed files: CSV with a header row, or JSON Lines, one entry a row.
 * Other layouts name their columns through a mapping (canonical field → file column). A row
 * that cannot be read is yielded as an error with its line number so the import reports it
 * and carries on with the good rows.
 */
import { accessSync, constants, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ErrHotlistFormat, ErrNotFound } from '../errors.js';
import { csvRecords } from './csv.js';
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



/** A feed cell as the entry schema takes it: trimmed, and absent when empty. */
function cell(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** Picks the canonical fields out of a JSON object keyed by the file's names. */
function project(record: Record<string, unknown>, mapping: ColumnMapping): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const v = cell(record[mapping[field] ?? field]);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

async function* csvRows(path: string, mapping: ColumnMapping): AsyncIterable<RawRow> {
  let failure: Error | undefined;
  let columns: Int32Array | undefined;
  for await (const batch of csvRecords(path, (e) => (failure = e))) {
    for (const rec of batch) {
      if (!rec.values) {
        yield { line: rec.line, error: rec.error ?? 'unreadable CSV record' };
        continue;
      }
      if (!columns) {
        columns = headerColumns(path, rec.values, mapping);
        continue;
      }
      const fields: Record<string, unknown> = {};
      for (let f = 0; f < ENTRY_FIELDS.length; f++) {
        const v = columns[f]! < 0 ? undefined : cell(rec.values[columns[f]!]);
        if (v !== undefined) fields[ENTRY_FIELDS[f]!] = v;
      }
      yield { line: rec.line, fields };
    }
  }
  if (failure) throw new ErrHotlistFormat(`${path}: ${failure.message}`);
}

/** Column index of each entry field (-1 when absent); the plate column is required. */
function headerColumns(path: string, header: string[], mapping: ColumnMapping): Int32Array {
  const cols = header.map((h) => h.trim().toLowerCase());
  const plate = (mapping.plate ?? 'plate').toLowerCase();
  if (!cols.includes(plate)) {
    throw new ErrHotlistFormat(`${path}: header has no ${JSON.stringify(plate)} column (found: ${cols.join(', ')})`);
  }
  return Int32Array.from(ENTRY_FIELDS, (f) => cols.indexOf((mapping[f] ?? f).toLowerCase()));
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
    yield { line, fields: project(value as Record<string, unknown>, mapping) };
  }
}
