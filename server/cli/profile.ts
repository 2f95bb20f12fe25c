/** `platesafe profile ls|show NAME`: the policy profiles a department can run under. */
import type { Command } from 'commander';
import { loadProfile, SHIPPED_PROFILES } from '../../core/policy/profiles.js';

export function registerProfile(program: Command): void {
  const cmd = program.command('profile').description('policy profiles (POLICY.md)');
  cmd
    .command('ls')
    .description('list the shipped profiles')
    .action(() => {
      for (const name of SHIPPED_PROFILES) {
        const p = loadProfile(name);
        process.stdout.write(`${name}\t${p.department}\tretention ${p.retention.detectionDays} d\n`);
      }
    });
  cmd
    .command('show <nameOrFile>')
    .description('validate a profile and print it with its defaults filled in')
    .action((nameOrFile: string) => {
      process.stdout.write(`${JSON.stringify(loadProfile(nameOrFile), null, 2)}\n`);
    });
}
