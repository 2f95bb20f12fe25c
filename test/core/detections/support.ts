import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessContext, AuditEvent, AuditSink } from '../../../core/audit/sink.js';
import { DetectionStore } from '../../../core/detections/store.js';
import type { DetectionInput } from '../../../core/detections/record.js';
import { parseProfile } from '../../../core/policy/profiles.js';
import type { ProfileInput } from '../../../core/policy/profile.js';

/** Append-only audit sink kept in memory: events can be read, never changed. */
export class MemorySink implements AuditSink {
  private readonly list: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<number> {
    this.list.push(Object.freeze(structuredClone(event)));
    return this.list.length;
  }
  get events(): readonly AuditEvent[] {
    return [...this.list];
  }
}

export const INVESTIGATOR: AccessContext = { user: 'det.ortiz', role: 'investigator', case: '26-0142', purpose: 'criminal_investigation', from: '10.0.0.7' };
export const CUSTODIAN: AccessContext = { user: 'rc.lee', role: 'records_custodian', case: '26-0142', purpose: 'evidence_discovery' };

export const MASTER_KEY = 'test-master-key-0123456789abcdef-xyz';
export const DAY = 86_400_000;
/** A fixed "now" at noon UTC so partitions are predictable. */
export const NOW = Date.UTC(2026, 10, 20, 12);

export function testProfile(over: Partial<ProfileInput> = {}): ReturnType<typeof parseProfile> {
  return parseProfile(
    { name: 'test-dept', department: 'Test PD', policyRef: 'Policy 1', retention: { detectionDays: 30, auditDays: 400 }, ...over },
    'test',
  );
}

const opened: DetectionStore[] = [];
const dirs: string[] = [];

/** Closes every store and removes every temp folder a test of this file made. */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
}

export function tempDir(): { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ps-det-'));
  dirs.push(dir);
  return { dir };
}

export function openStore(dir: string, over: { clock?: () => number; profile?: ReturnType<typeof parseProfile>; residentPartitions?: number } = {}): DetectionStore {
  const store = DetectionStore.open({
    dir,
    profile: over.profile ?? testProfile(),
    masterKey: MASTER_KEY,
    clock: over.clock ?? (() => NOW),
    ...(over.residentPartitions === undefined ? {} : { residentPartitions: over.residentPartitions }),
  });
  opened.push(store);
  return store;
}

export function det(cam: string, seq: number, plate: string, ts: number, extra: Partial<DetectionInput['read']> = {}): DetectionInput {
  return { cam, read: { seq, ts, plate, ...extra } };
}

/** The stable code a call throws, or undefined when it does not throw. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
