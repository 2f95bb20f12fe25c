/**
 * The report count interfaces of `core/reports` (POLICY R9) over the server's stores:
 * cameras from the registry, detections from the partitions' capture-time columns (no record
 * is decoded, nothing personal is read), hits from the hit store, purges from the audit log
 * (`detections.purge` records written by compaction).
 */
import type { CameraRegistry } from '../../core/cameras/registry.js';
import type { DetectionStore } from '../../core/detections/store.js';
import type { Hit } from '../../core/hits/hit.js';
import { isMisread } from '../../core/hits/lifecycle.js';
import type { HitStore } from '../../core/hits/store.js';
import type { AuditLog } from '../../core/audit/log.js';
import type { Period, ReportSources } from '../../core/reports/sources.js';
import type { Rooms } from '../rooms.js';

const PAGE = 1000;
const within = (p: Period, ts: number | undefined): boolean => ts !== undefined && ts >= p.from && ts < p.to;

function cameraCount(registry: CameraRegistry, at: number): number {
  return registry.list().filter((c) => !c.disabled && c.created <= at).length;
}

function detectionCount(store: DetectionStore, p: Period): number {
  let n = 0;
  for (const part of store.partitionList()) {
    if (part.end <= p.from || part.start >= p.to) continue;
    if (part.start >= p.from && part.end <= p.to) {
      n += part.count;
      continue;
    }
    const offsets = part.tsOffsets();
    for (let i = 0; i < part.count; i++) if (within(p, part.start + offsets[i]!)) n++;
  }
  return n;
}

function* allHits(hits: HitStore): Generator<Hit> {
  for (let seq = 0; ; ) {
    const page = hits.since(seq, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    seq = page[page.length - 1]!.seq;
  }
}

function purged(audit: AuditLog, p: Period): { partitions: number; detections: number } {
  let partitions = 0;
  let detections = 0;
  for (const r of audit.scan({ from: p.from, to: p.to, actions: ['detections.purge'] })) {
    const s = r.subject as { partitions?: number; detections?: number } | undefined;
    partitions += s?.partitions ?? 0;
    detections += s?.detections ?? 0;
  }
  return { partitions, detections };
}

/** The stores a report counts from: a running server's, or those a command opens. */
export type ReportRooms = Pick<Rooms, 'audit' | 'cameras' | 'detections' | 'hits'>;

export function reportSources(rooms: ReportRooms): ReportSources {
  return {
    audit: rooms.audit,
    cameras: { cameraCount: (at) => cameraCount(rooms.cameras, at) },
    detections: { detectionCount: (p) => detectionCount(rooms.detections, p) },
    hits: {
      hitsByList(p) {
        const out: Record<string, number> = {};
        for (const h of allHits(rooms.hits)) if (within(p, h.ts)) out[h.entry.list] = (out[h.entry.list] ?? 0) + 1;
        return out;
      },
      verifiedHits(p) {
        let n = 0;
        for (const h of allHits(rooms.hits)) if (h.life.state !== 'rejected' && h.life.verification?.listConfirmed && h.life.verification.visualMatch && within(p, h.life.verification.at)) n++;
        return n;
      },
      misreads(p) {
        let n = 0;
        for (const h of allHits(rooms.hits)) if (isMisread(h.life) && within(p, h.life.disposition?.at ?? h.ts)) n++;
        return n;
      },
    },
    purges: { purged: (p) => purged(rooms.audit, p) },
  };
}
