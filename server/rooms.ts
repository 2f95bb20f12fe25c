/**
 * The server's rooms, opened together from one data folder and closed together: audit log,
 * accounts, cameras, hot lists and their approvals, detections, hits, releases. On first start the demo hot list is loaded
 * so a newcomer's `npm start` has something to match against.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Accounts } from '../core/accounts/accounts.js';
import { AuditLog } from '../core/audit/log.js';
import { CameraRegistry } from '../core/cameras/registry.js';
import type { Config } from '../core/config/config.js';
import { DetectionStore } from '../core/detections/store.js';
import { HitStore } from '../core/hits/store.js';
import { HotlistStore } from '../core/hotlist/store.js';
import { ApprovalStore } from '../core/hotlist/approvals.js';
import { Releases } from '../core/releases/registry.js';
import { isPattern } from '../core/hotlist/pattern.js';
import type { Profile } from '../core/policy/profile.js';

export interface ListFreshness {
  readonly list: string;
  readonly state: 'fresh' | 'stale';
  /** Seconds since the last import. */
  readonly age: number;
}

export interface Rooms {
  readonly audit: AuditLog;
  readonly accounts: Accounts;
  readonly cameras: CameraRegistry;
  readonly hotlists: HotlistStore;
  readonly detections: DetectionStore;
  readonly hits: HitStore;
  /** Special lists' approvals (POLICY R4). */
  readonly approvals: ApprovalStore;
  /** Agencies and release requests (POLICY R8). */
  readonly releases: Releases;
  /** General lists older than the profile's download interval are stale (POLICY R4). */
  listFreshness(now?: number): ListFreshness[];
  /** Whole plates of the demo list, for the demo fleet. */
  demoPlates(): Array<{ plate: string; st?: string }>;
  close(): Promise<void>;
}

export const DEMO_LIST = 'demo-stolen';

/** The demo hot list shipped in `fixtures/` (one level up from `server/` or `dist/server/`). */
export function demoListFile(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..']) {
    const file = join(here, up, 'fixtures', 'hotlists', 'demo.csv');
    if (existsSync(file)) return file;
  }
  return undefined;
}

export async function openRooms(dataDir: string, config: Config, profile: Profile, log: Logger): Promise<Rooms> {
  const audit = AuditLog.open({ dir: join(dataDir, 'audit'), auditDays: profile.retention.auditDays });
  const accounts = Accounts.open({ dir: join(dataDir, 'accounts'), settings: config.accounts, audit });
  const cameras = CameraRegistry.open(dataDir);
  const hotlists = await HotlistStore.open(dataDir, profile);
  const detections = DetectionStore.open({
    // The store keeps its partitions, keys and evidence under `<dataDir>/detections/`.
    dir: dataDir,
    profile,
    masterKey: config.masterKey,
    onWarning: (message) => log.warn(message),
    residentPartitions: config.detections.residentPartitions,
  });
  const hits = HitStore.open(dataDir);
  const approvals = ApprovalStore.open(dataDir);
  const releases = Releases.open({ dir: join(dataDir, 'releases'), profile, audit });
  const demoFile = demoListFile();
  if (config.demo.enabled && demoFile && !hotlists.lists().some((l) => l.settings.name === DEMO_LIST)) {
    const report = await hotlists.importFile(demoFile, { list: DEMO_LIST, replace: true, settings: { kind: 'general', maxDistance: 1 } });
    log.info({ list: DEMO_LIST, imported: report.imported }, 'demo hot list loaded');
  }
  const minutesPerDownload = (24 * 60) / profile.hotlists.minDownloadsPerDay;
  return {
    audit,
    accounts,
    cameras,
    hotlists,
    detections,
    hits,
    approvals,
    releases,
    listFreshness(now = Date.now()) {
      return hotlists
        .lists()
        .filter((l) => l.settings.kind === 'general' && l.settings.status === 'live')
        .map((l) => {
          const age = Math.max(0, Math.round((now - l.settings.lastImport) / 1000));
          return { list: l.settings.name, state: age / 60 > minutesPerDownload ? 'stale' : 'fresh', age } as const;
        });
    },
    demoPlates() {
      const info = hotlists.lists().find((l) => l.settings.name === DEMO_LIST);
      if (!info) return [];
      const out: Array<{ plate: string; st?: string }> = [];
      for (let n = 0; n < info.count && out.length < 200; n++) {
        const e = hotlists.entry(`${DEMO_LIST}:${info.gen}:${n}`);
        if (e && !isPattern(e.plate)) out.push({ plate: e.plate, st: e.state });
      }
      return out;
    },
    async close() {
      await Promise.all([hits.close(), detections.close(), hotlists.close(), cameras.close(), approvals.close(), releases.close()]);
      await accounts.close();
      await audit.close();
    },
  };
}
