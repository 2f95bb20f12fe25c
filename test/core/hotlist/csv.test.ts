import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRecords, type CsvRecord } from '../../../core/hotlist/csv.js';
import { tempDir, writeFile } from './helpers.js';

const dir = tempDir('csv');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function records(text: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of csvRecords(writeFile(dir, 'f.csv', text), (e) => {
    throw e;
  }))
    out.push(...batch);
  return out;
}

describe('CSV reader', () => {
  it('splits plain, quoted, CRLF and BOM-prefixed records, numbering lines from 1', async () => {
    const recs = await records('\uFEFFplate,synopsis\r\nABC123,plain\r\n\r\n"XYZ 9","says ""hi"", twice"\r\n');
    expect(recs).toEqual([
      { line: 1, values: ['plate', 'synopsis'] },
      { line: 2, values: ['ABC123', 'plain'] },
      { line: 4, values: ['XYZ 9', 'says "hi", twice'] },
    ]);
  });

  it('keeps a quoted line break inside its field and reports the line the record starts on', async () => {
    const recs = await records('a,b\n1,"two\nlines"\n3,x\n4,"never closed\n');
    expect(recs).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['1', 'two\nlines'] },
      { line: 4, values: ['3', 'x'] },
      { line: 5, error: 'unterminated quoted field' },
    ]);
  });

  it('reads a last line without a newline', async () => {
    expect(await records('a\nb')).toEqual([
      { line: 1, values: ['a'] },
      { line: 2, values: ['b'] },
    ]);
  });
});
