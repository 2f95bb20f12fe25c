/**
 * Fulfilment of an approved release (POLICY R8): exactly the approved scope leaves, as a
 * JSON Lines file in `<dataDir>/exports/` (mode 0600) whose SHA-256 the release room keeps on
 * file. A `search` scope is the partial-plate search of its pattern in its window; a `range`
 * scope is every detection of the window (optionally of some cameras). Text records only:
 * images are not part of a release scope. The export is recorded as one `export` access.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AuditSink } from '../../core/audit/sink.js';
import type { Partition } from '../../core/detections/partition.js';
import { decodeRecord, formatId, type Detection } from '../../core/detections/record.js';
import { MAX_PAGE, parseQuery, runSearch } from '../../core/detections/search.js';
import type { DetectionStore } from '../../core/detections/store.js';
import type { ReleaseExporter } from '../../core/releases/registry.js';
import type { ReleaseScope } from '../../core/releases/rules.js';

function searchScope(parts: readonly Partition[], scope: Extract<ReleaseScope, { kind: 'search' }>): Detection[] {
  const out: Detection[] = [];
  let q = parseQuery({ pattern: scope.pattern, from: scope.from, to: scope.to, limit: MAX_PAGE, ...(scope.cameras?.length ? { cams: scope.cameras } : {}) });
  for (;;) {
    const page = runSearch(parts, q);
    out.push(...page.items);
    if (page.cursor === undefined) return out;
    q = { ...q, cursor: page.cursor };
  }
}

function rangeScope(parts: readonly Partition[], scope: Extract<ReleaseScope, { kind: 'range' }>): Detection[] {
  const cams = scope.cameras?.length ? new Set(scope.cameras) : undefined;
  const out: Detection[] = [];
  for (const p of parts) {
    if (p.end <= scope.from || p.start >= scope.to) continue;
    for (let num = 0; num < p.count; num++) {
      const ts = p.tsOf(num);
      if (ts < scope.from || ts >= scope.to) continue;
      const buf = p.record(num);
      if (buf === undefined) continue;
      const d = decodeRecord(formatId(p.startHour, num), buf, p.start, p.camNames);
      if (!cams || cams.has(d.cam)) out.push(d);
    }
  }
  return out.sort((a, b) => b.ts - a.ts);
}

/** Exports for one release; keeps what it exported so the answer can carry it. */
export class DetectionExporter implements ReleaseExporter {
  exported: readonly Detection[] = [];

  constructor(
    private readonly store: DetectionStore,
    private readonly audit: AuditSink,
    private readonly dataDir: string,
    private readonly from: string,
  ) {}

  async export(scope: ReleaseScope, ctx: { request: string; agency: string; case: string; by: string }): Promise<{ count: number; sha256: string; location: string }> {
    const parts = this.store.partitionList();
    const items = scope.kind === 'search' ? searchScope(parts, scope) : rangeScope(parts, scope);
    const text = items.map((d) => JSON.stringify(d)).join('\n') + (items.length ? '\n' : '');
    const dir = resolve(this.dataDir, 'exports');
    mkdirSync(dir, { recursive: true });
    const location = join(dir, `${ctx.request}.jsonl`);
    writeFileSync(location, text, { mode: 0o600 });
    const sha256 = createHash('sha256').update(text).digest('hex');
    await this.audit.record({ action: 'export', actor: ctx.by, case: ctx.case, from: this.from, outcome: 'ok', subject: { request: ctx.request, agency: ctx.agency, scope, sha256 }, results: items.length });
    this.exported = items;
    return { count: items.length, sha256, location };
  }
}
