/**
 * `platesafe compact`: drops every detection partition past the profile's retention now
 * (POLICY R7) and prints what was purged, per partition (POLICY R9 quarterly report).
 */
import type { Command } from 'commander';
import { withStore, withStoreOptions, type StoreCommandOptions } from './detections.js';

export function registerCompact(program: Command): void {
  withStoreOptions(program.command('compact').description('purge detections past retention (key destroyed, files removed)')).action(
    async (o: StoreCommandOptions) => {
      const report = await withStore(program, o, async (store) => {
        const r = await store.compact(Date.now());
        await store.checkpoint(Date.now());
        return r;
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      for (const p of report.purged) process.stdout.write(`purged ${p.partition}\t${p.detections} detections\t${p.held} kept under holds\n`);
      const total = report.purged.reduce((n, p) => n + p.detections, 0);
      process.stdout.write(`${report.purged.length} partitions, ${total} detections purged (cutoff ${new Date(report.cutoff).toISOString()})\n`);
    },
  );
}
