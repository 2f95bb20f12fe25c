/**
 * Scheduled hot-list imports (POLICY R4; MP 462.4 g 4, EC 427.5.1, RV 426.6.4 a): a folder is
 * polled for feed files named after the designated list they replace (`<list>.csv`,
 * `<list>.jsonl`), at least as often as the profile's minimum download frequency. A file
 * newer than its list's last import replaces the list whole and atomically; a file for a
 * list no administrator designated is skipped and logged, never imported. Each poll also
 * pushes list freshness changes (fresh ↔ stale) to the consoles. Feeds should be written
 * under another name and renamed into the folder, so a poll never reads half a file.
 * Feeds published over HTTP on the local network (`urls`) are downloaded into the folder the
 * same way (temp file, then rename) before each scan, only when the server says they changed.
 */
import { mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { isPlateSafeError } from '../../core/errors.js';
import { LIST_NAME } from '../../core/hotlist/list.js';
import { readRows, type RowFormat } from '../../core/hotlist/rows.js';
import type { ImportReport } from '../../core/hotlist/store.js';
import { DAY_MS } from '../../core/util/time.js';
import { importInto, type GovernanceDeps } from './governance.js';

/** The actor of scheduled imports in the audit log. */
const SCHEDULER = 'scheduler';

const FEED_FILE = /^(.+)\.(csv|jsonl|ndjson)$/i;

export interface FeedUrl {
  readonly list: string;
  readonly url: string;
  readonly format: RowFormat;
}

export interface ScheduledImportsOptions {
  readonly folder: string;
  readonly pollS: number;
  readonly urls?: readonly FeedUrl[];
}

/** Poll interval: the configured one, never longer than the profile's download interval. */
export function pollIntervalMs(deps: Pick<GovernanceDeps, 'profile'>, pollS: number): number {
  return Math.min(pollS * 1000, DAY_MS / deps.profile.hotlists.minDownloadsPerDay);
}

export class ScheduledImports {
  readonly folder: string;
  readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly states = new Map<string, 'fresh' | 'stale'>();
  private readonly undesignated = new Set<string>();
  /** Feed files refused, by path → mtime: retried only once the file changes. */
  private readonly refused = new Map<string, number>();
  /** Feed files imported, by path → mtime. */
  private readonly imported = new Map<string, number>();
  /** `Last-Modified` / `ETag` of each feed URL's last download. */
  private readonly validators = new Map<string, { modified?: string; etag?: string }>();
  private readonly urls: readonly FeedUrl[];

  constructor(
    private readonly deps: GovernanceDeps,
    opts: ScheduledImportsOptions,
    private readonly log: Logger,
  ) {
    this.folder = resolve(deps.dataDir, opts.folder);
    this.intervalMs = pollIntervalMs(deps, opts.pollS);
    this.urls = opts.urls ?? [];
    mkdirSync(this.folder, { recursive: true });
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    void this.poll();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One poll (imports, then freshness); polls never overlap. */
  poll(now?: number): Promise<ImportReport[]> {
    const run = this.running.then(async () => {
      for (const feed of this.urls) await this.download(feed);
      const reports = await this.scan(now ?? Date.now());
      this.pushFreshness(now ?? Date.now());
      return reports;
    });
    this.running = run.catch((e: unknown) => this.log.error({ err: e }, 'scheduled hot-list import failed'));
    return run;
  }

  /** Fetches a feed URL into the folder when it changed; a failure is logged, the old list stays. */
  private async download(feed: FeedUrl): Promise<void> {
    const seen = this.validators.get(feed.url) ?? {};
    const headers: Record<string, string> = {};
    if (seen.modified) headers['if-modified-since'] = seen.modified;
    if (seen.etag) headers['if-none-match'] = seen.etag;
    try {
      const res = await fetch(feed.url, { headers, signal: AbortSignal.timeout(60_000) });
      const file = join(this.folder, `${feed.list}.${feed.format}`);
      if (res.status === 304) return this.touchIfNotImported(file);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      writeFileSync(`${file}.part`, body);
      renameSync(`${file}.part`, file);
      this.validators.set(feed.url, { modified: res.headers.get('last-modified') ?? undefined, etag: res.headers.get('etag') ?? undefined });
    } catch (e) {
      this.log.error({ list: feed.list, url: feed.url, err: e }, 'hot-list feed download failed; the list stays as it is');
    }
  }

  /**
   * An unchanged feed whose copy was never imported (its list was designated after the
   * download) is marked new again, so the scan imports it.
   */
  private touchIfNotImported(file: string): void {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st && this.imported.get(file) !== st.mtimeMs) {
      const now = new Date();
      utimesSync(file, now, now);
    }
  }

  private feeds(): Array<{ list: string; path: string; format: RowFormat; mtime: number }> {
    const out = [];
    for (const name of readdirSync(this.folder)) {
      const m = FEED_FILE.exec(name);
      if (!m || !LIST_NAME.test(m[1]!)) continue;
      const path = join(this.folder, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      out.push({ list: m[1]!, path, format: (m[2]!.toLowerCase() === 'csv' ? 'csv' : 'jsonl') as RowFormat, mtime: st.mtimeMs });
    }
    return out;
  }

  private async scan(now: number): Promise<ImportReport[]> {
    const reports: ImportReport[] = [];
    const designated = new Map(this.deps.rooms.hotlists.lists().map((l) => [l.settings.name, l]));
    for (const feed of this.feeds()) {
      const info = designated.get(feed.list);
      if (!info) {
        // POLICY R4: only an administrator designates the lists the system uses.
        if (!this.undesignated.has(feed.list)) this.log.warn({ list: feed.list, file: feed.path }, 'feed for a list nobody designated; skipped');
        this.undesignated.add(feed.list);
        continue;
      }
      if (feed.mtime <= info.settings.lastImport || this.refused.get(feed.path) === feed.mtime) continue;
      try {
        const report = await importInto(this.deps, readRows(feed.path, feed.format), { list: feed.list, replace: true, by: SCHEDULER, now });
        const { rejected, ...counts } = report;
        await this.deps.rooms.audit.record({ action: 'hotlist.import', actor: SCHEDULER, outcome: 'ok', subject: { ...counts, replace: true, file: feed.path, rejectedFirst: rejected.slice(0, 10) }, results: report.imported });
        this.imported.set(feed.path, feed.mtime);
        this.states.set(feed.list, 'fresh');
        this.log.info({ list: feed.list, imported: report.imported, excluded: report.excluded, rejected: report.rejectedCount }, 'hot list imported');
        reports.push(report);
      } catch (e) {
        const code = isPlateSafeError(e) ? e.code : 'PS_ERR_INTERNAL';
        this.refused.set(feed.path, feed.mtime);
        await this.deps.rooms.audit.record({ action: 'hotlist.import', actor: SCHEDULER, outcome: code, subject: { list: feed.list, file: feed.path } });
        this.log.error({ list: feed.list, file: feed.path, code, err: e }, 'hot-list feed refused');
      }
    }
    return reports;
  }

  /** Pushes each general list's freshness to the consoles when it changes (POLICY R4). */
  private pushFreshness(now: number): void {
    for (const f of this.deps.rooms.listFreshness(now)) {
      if (this.states.get(f.list) === f.state) continue;
      this.states.set(f.list, f.state);
      this.deps.hub.list(f.list, f.state, f.age);
    }
  }
}
