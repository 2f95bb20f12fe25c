/**
 * Hot-list governance shared by the HTTP routes and scheduled imports (POLICY R4): imports
 * that replace a list atomically, special lists that wait for approval after every change of
 * their content, and freshness pushed to consoles when a general list is refreshed.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrHotlistFormat } from '../../core/errors.js';
import { listFreshness, type Approval, type Freshness } from '../../core/policy/hotplate-rules.js';
import type { Profile } from '../../core/policy/profile.js';
import type { ImportReport, ListInfo } from '../../core/hotlist/store.js';
import { readRows, type RawRow, type RowFormat } from '../../core/hotlist/rows.js';
import type { ConsoleHub } from '../console/hub.js';
import type { Rooms } from '../rooms.js';

export interface GovernanceDeps {
  readonly rooms: Rooms;
  readonly profile: Profile;
  readonly hub: ConsoleHub;
  readonly dataDir: string;
}

export interface ListView {
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly maxDistance: number;
  readonly minConfidence: number;
  readonly covert: boolean;
  readonly informational: boolean;
  readonly generation: number;
  readonly count: number;
  readonly partials: number;
  readonly excluded: number;
  readonly rejected: number;
  readonly lastImport: number;
  /** General lists only: stale once older than the profile's download interval. */
  readonly freshness?: Freshness;
  readonly approval?: Approval;
}

export function listView(deps: GovernanceDeps, info: ListInfo, now: number): ListView {
  const s = info.settings;
  const approval = deps.rooms.approvals.get(s.name);
  return {
    name: s.name,
    kind: s.kind,
    status: s.status,
    maxDistance: s.maxDistance,
    minConfidence: s.minConfidence,
    covert: s.covert,
    informational: s.informational,
    generation: info.gen,
    count: info.count,
    partials: info.partials,
    excluded: info.excluded,
    rejected: info.rejected,
    lastImport: s.lastImport,
    ...(s.kind === 'general' ? { freshness: listFreshness(deps.profile, s.lastImport || undefined, now) } : {}),
    ...(approval ? { approval } : {}),
  };
}

/** The format of an uploaded body from its content type (CSV or JSON Lines). */
export function formatOfContentType(contentType: string | undefined): RowFormat {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (t === 'text/csv') return 'csv';
  if (t === 'application/x-ndjson' || t === 'application/jsonl' || t === 'application/x-jsonlines') return 'jsonl';
  throw new ErrHotlistFormat(`send hot lists as text/csv or application/x-ndjson, not ${JSON.stringify(t || 'no content type')}`);
}

export interface ImportRequest {
  readonly list: string;
  readonly replace: boolean;
  /** Who changed the list: a special list waits for someone else's approval (POLICY R4). */
  readonly by: string;
  readonly now: number;
}

/**
 * Imports rows into a designated list. A special list's new content is published pending
 * (never matched) and submitted for approval; a general list's refresh is pushed to consoles.
 */
export async function importInto(deps: GovernanceDeps, rows: AsyncIterable<RawRow> | Iterable<RawRow>, req: ImportRequest): Promise<ImportReport> {
  const info = deps.rooms.hotlists.list(req.list);
  const special = info.settings.kind === 'special';
  const report = await deps.rooms.hotlists.importRows(rows, { list: req.list, replace: req.replace, now: req.now, ...(special ? { settings: { status: 'pending' } } : {}) });
  if (special) await deps.rooms.approvals.submit(deps.profile, req.list, req.by, req.now);
  else if (info.settings.kind === 'general') deps.hub.list(req.list, 'fresh', 0);
  return report;
}

/** Imports an uploaded body: spooled to a file so the store's streaming readers take it. */
export async function importBody(deps: GovernanceDeps, body: Buffer, format: RowFormat, req: ImportRequest): Promise<ImportReport> {
  deps.rooms.hotlists.list(req.list);
  const dir = resolve(deps.dataDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomUUID()}.${format}`);
  writeFileSync(file, body, { mode: 0o600 });
  try {
    return await importInto(deps, readRows(file, format), req);
  } finally {
    rmSync(file, { force: true });
  }
}
