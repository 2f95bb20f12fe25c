/**
 * Opening the detection store for a command: the data folder from the global `--data`, the
 * profile from `--profile`, the master key from `PLATESAFE_MASTER_KEY` (or the generated
 * key file), and the append-only audit file every command access is recorded in.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { FileAuditSink } from '../../core/audit/file-sink.js';
import { DetectionStore } from '../../core/detections/store.js';
import { loadProfile } from '../../core/policy/profiles.js';

export interface StoreCommandOptions {
  profile: string;
  json?: boolean;
}

export function withStoreOptions(cmd: Command): Command {
  return cmd.option('--profile <name|file>', 'policy profile', 'menlo-park').option('--json', 'print JSON');
}

export async function withStore<T>(program: Command, opts: StoreCommandOptions, run: (store: DetectionStore, audit: FileAuditSink) => Promise<T>): Promise<T> {
  const dir = program.opts<{ data: string }>().data;
  const store = DetectionStore.open({
    dir,
    profile: loadProfile(opts.profile),
    ...(process.env.PLATESAFE_MASTER_KEY ? { masterKey: process.env.PLATESAFE_MASTER_KEY } : {}),
    onWarning: (m) => process.stderr.write(`platesafe: ${m}\n`),
  });
  const audit = new FileAuditSink(join(dir, 'audit', 'access.jsonl'));
  try {
    return await run(store, audit);
  } finally {
    await store.close();
    audit.close();
  }
}
