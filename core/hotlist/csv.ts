/**
 * A streaming CSV reader (RFC 4180: comma separated, fields in double quotes may hold commas,
 * doubled quotes and line breaks) that reports each record with the line it starts on.
 * Written for the hot-list import because a 1M-row feed must load within the refresh window:
 * a line without quotes is one `split`, and no per-record bookkeeping object is made.
 */
import { createReadStream } from 'node:fs';

export interface CsvRecord {
  readonly line: number;
  readonly values?: string[];
  readonly error?: string;
}

/** Records of a file, one array of field values each; an unterminated quote is an error record. */
export async function* csvRecords(path: string, onError: (e: Error) => void): AsyncIterable<CsvRecord[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  stream.on('error', onError);
  const reader = new CsvReader();
  for await (const chunk of stream) yield reader.push(chunk as string);
  yield reader.end();
}

class CsvReader {
  private rest = '';
  private line = 0;
  /** A quoted field spanning lines: the text so far and the line it began on. */
  private open: string | undefined;
  private openLine = 0;

  push(chunk: string): CsvRecord[] {
    const text = this.rest + (this.line === 0 && this.rest === '' ? chunk.replace(/^\uFEFF/, '') : chunk);
    const out: CsvRecord[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.take(text.slice(start, nl), out);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    return out;
  }

  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.rest !== '') this.take(this.rest, out);
    this.rest = '';
    if (this.open !== undefined) out.push({ line: this.openLine, error: 'unterminated quoted field' });
    return out;
  }

  private take(raw: string, out: CsvRecord[]): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.open !== undefined) {
      const joined = `${this.open}\n${text}`;
      if (quotesBalanced(joined)) {
        this.open = undefined;
        out.push({ line: this.openLine, values: splitQuoted(joined) });
      } else this.open = joined;
      return;
    }
    if (text === '') return;
    if (!text.includes('"')) out.push({ line: this.line, values: text.split(',') });
    else if (quotesBalanced(text)) out.push({ line: this.line, values: splitQuoted(text) });
    else {
      this.open = text;
      this.openLine = this.line;
    }
  }
}

function quotesBalanced(s: string): boolean {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n % 2 === 0;
}

/** Splits a record with quoted fields; `""` inside quotes is one quote. */
function splitQuoted(s: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (s[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
