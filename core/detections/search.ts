/**
 * Partial-plate search over the partitions' indexes (DESIGN.md): the pattern becomes bitmap
 * ANDs and ORs, filters on camera, state and vehicle are bitmaps too, time comes from the
 * in-memory capture-time column; only what bitmaps cannot decide (floating `*` segments,
 * confidence, place) is confirmed against the stored record. Results are newest first,
 * paginated with an opaque cursor bound to the query, with the total count.
 *
 * Runs synchronously from start to end, so compaction (which drops partitions between event
 * turns) never closes an environment under a running search.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrBadInput, ErrCursorInvalid } from '../errors.js';
import type { Bitmap } from './bitmaps.js';
import { intersect } from './bitmaps.js';
import { Partition, term } from './partition.js';
import { planIndexQuery, type IndexQuery } from './plate-index.js';
import { compilePattern, matches, type CompiledPattern } from './pattern.js';
import { decodeRecord, formatId, readFields, recordTexts, type Detection } from './record.js';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

export const SearchQuerySchema = z
  .object({
    pattern: z.string().min(1).max(40),
    fuzzy: z.boolean().default(false),
    /** Also match the camera's and the OCR's alternate readings. */
    candidates: z.boolean().default(true),
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    cams: z.array(z.string().min(1)).min(1).optional(),
    near: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), radiusM: z.number().positive() }).optional(),
    box: z
      .object({ minLat: z.number(), minLon: z.number(), maxLat: z.number(), maxLon: z.number() })
      .refine((b) => b.minLat <= b.maxLat && b.minLon <= b.maxLon, { message: 'box corners are swapped' })
      .optional(),
    state: z.string().min(2).max(6).optional(),
    make: z.string().min(1).max(40).optional(),
    color: z.string().min(1).max(20).optional(),
    body: z.string().min(1).max(20).optional(),
    minConf: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export type SearchQueryInput = z.input<typeof SearchQuerySchema>;
export type SearchQuery = z.output<typeof SearchQuerySchema>;

export interface SearchPage {
  readonly items: Detection[];
  /** Every detection matching the query, over all pages. */
  readonly total: number;
  /** Pass back for the next page; absent on the last page. */
  readonly cursor?: string;
}

export function parseQuery(input: unknown): SearchQuery {
  const parsed = SearchQuerySchema.safeParse(input);
  if (!parsed.success) {
    throw new ErrBadInput(`search query: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** Sort key of a detection inside its partition: capture time, then arrival number. */
const NUM_BITS = 2 ** 26;

interface Cursor {
  h: number;
  k: number;
  q: string;
}

/** Where the last page ended (the query hash is added only if a next page exists). */
type Position = Omit<Cursor, 'q'>;

function queryHash(q: SearchQuery): string {
  const rest = JSON.stringify({ ...q, cursor: undefined, limit: undefined });
  return createHash('sha256').update(rest).digest('base64url').slice(0, 12);
}

function decodeCursor(text: string, hash: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.h === 'number' && typeof c.k === 'number' && c.q === hash) return c;
  } catch {
    // fall through to the refusal below
  }
  throw new ErrCursorInvalid();
}

const RAD = Math.PI / 180;
function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a = Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lon2 - lon1) * RAD) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

class Plan {
  readonly pattern: CompiledPattern;
  private readonly index: IndexQuery;
  readonly confirmRecord: boolean;
  constructor(readonly q: SearchQuery) {
    this.pattern = compilePattern(q.pattern, q.fuzzy);
    this.index = planIndexQuery(this.pattern);
    this.confirmRecord = !this.pattern.exactByIndex || q.minConf !== undefined || q.near !== undefined || q.box !== undefined;
  }

  /** Detection numbers of `p` the bitmaps admit, or null when none. */
  candidates(p: Partition): Bitmap | null {
    let hits = p.plateIndex.query(this.index);
    if (this.q.candidates) {
      const alt = p.altIndex.query(this.index);
      if (alt !== null) {
        const nums = Partition.entriesToNumbers(alt);
        if (hits === null) hits = nums;
        else hits.orInPlace(nums);
      }
    }
    if (hits === null) return null;
    const parts: Bitmap[] = [hits];
    if (this.q.cams) {
      const keys = this.q.cams.flatMap((c) => p.camNumbers.get(c) ?? []);
      if (keys.length === 0) return null;
      parts.push(p.byCam.union(keys));
    }
    for (const key of this.termKeys()) {
      const bm = p.terms.get(key);
      if (bm === undefined) return null;
      parts.push(bm);
    }
    if (parts.length === 1) return hits;
    return intersect(parts);
  }

  /** True when the partition lies wholly in the time range and no candidate needs confirming. */
  decidedByIndex(p: Partition, from: number, to: number): boolean {
    return !this.confirmRecord && p.start >= from && p.end <= to;
  }

  private termKeys(): string[] {
    const q = this.q;
    const keys: string[] = [];
    if (q.state) keys.push(term.state(q.state));
    if (q.make) keys.push(term.make(q.make));
    if (q.color) keys.push(term.color(q.color));
    if (q.body) keys.push(term.body(q.body));
    return keys;
  }

  /** Checks what the bitmaps could not decide, from the stored record. */
  confirm(buf: Uint8Array): boolean {
    const q = this.q;
    const f = readFields(buf);
    if (!this.pattern.exactByIndex) {
      const plateMatches = f.plate !== undefined && matches(this.pattern, f.plate);
      if (!plateMatches && !(q.candidates && recordTexts(f).some((t) => t !== undefined && matches(this.pattern, t)))) return false;
    }
    if (q.minConf !== undefined && (f.conf === undefined || f.conf / 1000 < q.minConf)) return false;
    if (q.near || q.box) {
      if (f.lat === undefined || f.lon === undefined) return false;
      const lat = f.lat / 1e6;
      const lon = f.lon / 1e6;
      if (q.near && distanceM(q.near.lat, q.near.lon, lat, lon) > q.near.radiusM) return false;
      if (q.box && (lat < q.box.minLat || lat > q.box.maxLat || lon < q.box.minLon || lon > q.box.maxLon)) return false;
    }
    return true;
  }
}

/** Sort keys (capture time offset × 2^26 + number) of the partition's matches. */
function matchKeys(plan: Plan, p: Partition, nums: Uint32Array, from: number, to: number): Float64Array {
  const ts = p.tsOffsets();
  const lo = from - p.start;
  const hi = to - p.start;
  const keys = new Float64Array(nums.length);
  let n = 0;
  for (let i = 0; i < nums.length; i++) {
    const num = nums[i]!;
    const off = ts[num]!;
    if (off < lo || off >= hi) continue;
    if (plan.confirmRecord && !plan.confirm(p.record(num)!)) continue;
    keys[n++] = off * NUM_BITS + num;
  }
  return keys.subarray(0, n);
}

/** The partitions a query's time range reaches, newest first: the only ones whose index it reads. */
export function partitionsFor(partitions: readonly Partition[], q: SearchQuery): Partition[] {
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  return partitions.filter((p) => p.end > from && p.start < to).sort((a, b) => b.startHour - a.startHour);
}

/** Runs a validated query over partitions (any order); newest first. */
export function runSearch(partitions: readonly Partition[], q: SearchQuery): SearchPage {
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  const ordered = partitionsFor(partitions, q);
  try {
    return searchOrdered(ordered, q, from, to);
  } finally {
    // No record read for this query stays in memory after it (POLICY R7).
    for (const p of ordered) p.forgetRead();
  }
}

function searchOrdered(ordered: readonly Partition[], q: SearchQuery, from: number, to: number): SearchPage {
  const plan = new Plan(q);
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, queryHash(q));
  const items: Detection[] = [];
  let total = 0;
  let remaining = 0;
  let last: Position | undefined;
  for (const p of ordered) {
    const cand = plan.candidates(p);
    if (cand === null) continue;
    const skipped = cursor !== undefined && p.startHour > cursor.h;
    const atCursor = cursor !== undefined && p.startHour === cursor.h;
    const paged = !skipped && (items.length < q.limit || atCursor);
    // Beyond the page, a partition the bitmaps decide alone is counted without reading a
    // single number out of them.
    if (!paged && plan.decidedByIndex(p, from, to)) {
      total += cand.size;
      if (!skipped) remaining += cand.size;
      continue;
    }
    const keys = matchKeys(plan, p, cand.toUint32Array(), from, to);
    total += keys.length;
    if (skipped) continue;
    if (!paged) {
      remaining += keys.length;
      continue;
    }
    keys.sort();
    let top = keys.length;
    if (atCursor) while (top > 0 && keys[top - 1]! >= cursor.k) top--;
    let i = top - 1;
    for (; i >= 0 && items.length < q.limit; i--) {
      const k = keys[i]!;
      const num = k % NUM_BITS;
      items.push(decodeRecord(formatId(p.startHour, num), p.record(num)!, p.start, p.camNames));
      last = { h: p.startHour, k };
    }
    remaining += i + 1;
  }
  if (remaining === 0 || last === undefined) return { items, total };
  const next: Cursor = { ...last, q: queryHash(q) };
  return { items, total, cursor: Buffer.from(JSON.stringify(next)).toString('base64url') };
}
