/**
 * Approval records of special lists (POLICY R4: MP 462.4 g 5, EC 427.5.1 a, RV 426.6.4 b),
 * one per list in `<dataDir>/hotlists-approvals/`: who submitted the list's current content,
 * who approved each step, and who rejected it or gave the last approval. The decision rules live in `policy/hotplate-rules.ts`;
 * this room only keeps their results, so an approval survives a restart and the enterer can
 * never approve their own list.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { ErrConflict } from '../errors.js';
import { submitForApproval, type Approval } from '../policy/hotplate-rules.js';
import type { Profile } from '../policy/profile.js';

export class ApprovalStore {
  private constructor(private readonly db: RootDatabase<Approval, string>) {}

  static open(dataDir: string): ApprovalStore {
    const path = join(dataDir, 'hotlists-approvals');
    mkdirSync(path, { recursive: true });
    return new ApprovalStore(open<Approval, string>({ path, compression: false }));
  }

  get(list: string): Approval | undefined {
    return this.db.get(list);
  }

  /** New content of a special list waits for approval again, submitted by whoever changed it. */
  async submit(profile: Profile, list: string, by: string, now: number): Promise<Approval> {
    const a = submitForApproval(profile, by, now);
    await this.db.put(list, a);
    return a;
  }

  /**
   * Stores a decision made by `decideApproval` on `before`, unless another decision (or new
   * content) got there first.
   */
  async decide(list: string, before: Approval, decided: Approval): Promise<Approval> {
    const ok = await this.db.transaction(() => {
      const now = this.db.get(list);
      if (now?.status !== 'pending' || now.submittedAt !== before.submittedAt || (now.steps?.length ?? 0) !== (before.steps?.length ?? 0)) return false;
      void this.db.put(list, decided);
      return true;
    });
    if (!ok) throw new ErrConflict(`list ${list} has no pending approval`, { list });
    return decided;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
