/** In-memory implementations of the report count interfaces, over plain arrays of events. */
import type { CameraCounts, DetectionCounts, HitCounts, Period, PurgeCounts } from '../../core/reports/sources.js';

export interface FakeDetection { ts: number; plate: string }
export interface FakeHit { ts: number; list: string; verified: boolean; misread: boolean }
export interface FakePurge { ts: number; partitions: number; detections: number }

const within = (p: Period, ts: number): boolean => ts >= p.from && ts < p.to;

export class InMemoryActivity implements CameraCounts, DetectionCounts, HitCounts, PurgeCounts {
  readonly cams: Array<{ id: string; since: number }> = [];
  readonly detections: FakeDetection[] = [];
  readonly hits: FakeHit[] = [];
  readonly purges: FakePurge[] = [];

  cameraCount(at: number): number {
    return this.cams.filter((c) => c.since <= at).length;
  }
  detectionCount(p: Period): number {
    return this.detections.filter((d) => within(p, d.ts)).length;
  }
  hitsByList(p: Period): Record<string, number> {
    const out: Record<string, number> = {};
    for (const h of this.hits) if (within(p, h.ts)) out[h.list] = (out[h.list] ?? 0) + 1;
    return out;
  }
  async verifiedHits(p: Period): Promise<number> {
    return this.hits.filter((h) => within(p, h.ts) && h.verified).length;
  }
  misreads(p: Period): number {
    return this.hits.filter((h) => within(p, h.ts) && h.misread).length;
  }
  purged(p: Period): { partitions: number; detections: number } {
    const ps = this.purges.filter((x) => within(p, x.ts));
    return { partitions: ps.reduce((n, x) => n + x.partitions, 0), detections: ps.reduce((n, x) => n + x.detections, 0) };
  }
}
