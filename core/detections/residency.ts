/**
 * Which partitions keep their search index in memory. Every partition of the retention
 * window used to: about 44 bytes of RAM a detection, so a year's retention (Santa Monica,
 * Modesto, Roseville) would hold a year of indexes. Now at most a budget of them stay, the
 * least recently used let go first (`Partition.hibernate`); a search or a late read wakes a
 * partition from its sealed snapshot when it needs it. The partition being written, and any
 * whose snapshot is behind, never hibernate.
 */

/** Partitions whose index stays in memory unless configured otherwise: two months of days. */
export const RESIDENT_PARTITIONS = 62;

export interface Hibernating {
  readonly resident: boolean;
  hibernate(): boolean;
}

export class Residency<P extends Hibernating> {
  /** Partitions by last use, least recent first (a Map keeps insertion order). */
  private readonly used = new Map<P, true>();

  constructor(private readonly budget: number) {}

  /** Marks `p` used now. */
  touch(p: P): void {
    this.used.delete(p);
    this.used.set(p, true);
  }

  forget(p: P): void {
    this.used.delete(p);
  }

  /** Hibernates the least recently used partitions over the budget that can; how many did. */
  trim(): number {
    let over = -this.budget;
    for (const p of this.used.keys()) if (p.resident) over++;
    let n = 0;
    for (const p of this.used.keys()) {
      if (over <= 0) break;
      if (p.resident && p.hibernate()) {
        over--;
        n++;
      }
    }
    return n;
  }
}
