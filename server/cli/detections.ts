/**
 * Opening the detection store for a command: the data folder from the global `--data`, the
 * profile from `--profile`, the master key from `PLATESAFE_MASTER_KEY` (or the generated
 * key file), and the hash-chained audit log every command access is recorded in (POLICY R2).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { AuditLog } from '../../core/audit/log.js';
import { DetectionStore } from '../../core/detections/store.js';
import { loadProfile } from '../../core/policy/profiles.js';

export interface StoreCommandOptions {
  profile: string;
  json?: boolean;
}

export function withStoreOptions(cmd: Command): Command {
  return cmd.option('--profile <name|file>', 'policy profile', 'menlo-park').option('--json', 'print JSON');
}

export async function withStore<T>(program: Command, opts: StoreCommandOptions, run: (store: DetectionStore, audit: AuditLog) => Promise<T>): Promise<T> {
  const dir = program.opts<{ data: string }>().data;
  const profile = loadProfile(opts.profile);
  const store = DetectionStore.open({
    dir,
    profile,
    ...(process.env.PLATESAFE_MASTER_KEY ? { masterKey: process.env.PLATESAFE_MASTER_KEY } : {}),
    onWarning: (m) => process.stderr.write(`platesafe: ${m}\n`),
  });
  const audit = AuditLog.open({ dir: join(dir, 'audit'), auditDays: profile.retention.auditDays });
  try {
    return await run(store, audit);
  } finally {
    await store.close();
    await audit.close();
  }
}
