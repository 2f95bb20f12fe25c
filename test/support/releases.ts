/** A release room on a real LMDB in a temp folder, and an exporter that records what it was asked. */
import { join } from 'node:path';
import type { AuditLog } from '../../core/audit/log.js';
import type { Profile } from '../../core/policy/profile.js';
import { Releases, type ReleaseExporter } from '../../core/releases/registry.js';
import type { ReleaseScope } from '../../core/releases/rules.js';
import type { Clock } from './rooms.js';

export function openReleases(dir: string, profile: Profile, audit: AuditLog, clock: Clock): Releases {
  return Releases.open({ dir: join(dir, 'releases'), profile, audit, now: clock.now });
}

export class RecordingExporter implements ReleaseExporter {
  readonly calls: ReleaseScope[] = [];
  async export(scope: ReleaseScope): Promise<{ count: number; sha256: string }> {
    this.calls.push(scope);
    return { count: 42, sha256: 'ab'.repeat(32) };
  }
}
