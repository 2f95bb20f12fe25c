/**
 * Matching for ingest: batches go to the match worker pool, and each match comes back as
 * the hit a console shows, with the entry's details read from the hot-list store (only hits
 * pay for that look-up).
 */
import type { HotlistStore } from '../../core/hotlist/store.js';
import type { Match } from '../../core/hotlist/matcher.js';
import type { HitEntry } from '../../core/hits/hit.js';
import type { MatchPool } from '../../workers/match-pool.js';
import type { MatchedHit, MatchRequest, MatchService } from './ports.js';

/** A read with nothing to match (a crop OCR could not read). */
const EMPTY: MatchRequest = { plate: undefined };

export class PoolMatchService implements MatchService {
  constructor(
    private readonly pool: MatchPool,
    private readonly hotlists: HotlistStore,
    private readonly maxHitsPerRead: number,
  ) {}

  hasRoom(): boolean {
    return this.pool.hasRoom();
  }

  async match(batch: readonly MatchRequest[]): Promise<MatchedHit[][]> {
    const found = await this.pool.match(batch.map((r) => (r.plate === undefined && !r.cands ? EMPTY : r)));
    return found.map((matches) => (matches.length === 0 ? [] : matches.slice(0, this.maxHitsPerRead).map((m) => this.toHit(m))));
  }

  private toHit(m: Match): MatchedHit {
    const e = this.hotlists.entry(m.entryId);
    const entry: HitEntry = {
      id: m.entryId,
      list: m.list,
      plate: m.entryPlate,
      st: m.entryState ?? undefined,
      reason: e?.reason ?? 'unknown',
      pri: m.priority,
      case: e?.case || undefined,
      info: m.informational,
      covert: m.covert,
    };
    return { entry, match: { kind: m.kind, score: m.score, diff: m.diff, state: m.state, candidate: m.candidate } };
  }
}
