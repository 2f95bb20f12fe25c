#!/usr/bin/env node
/**
 * The `platesafe` command. Each subcommand lives in its own module and registers itself on
 * the program; every command takes `--data DIR` (default `./data`), the folder of all state.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isPlateSafeError } from '../../core/errors.js';
import { registerAgency } from './agency.js';
import { registerAudit } from './audit.js';
import { registerProfile } from './profile.js';
import { registerRelease } from './release.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerCamera } from './camera.js';
import { registerUser } from './user.js';

export function buildProgram(): Command {
  const program = new Command('platesafe')
    .description('Real-time ALPR back end: hot-list matching, audited search, cryptographic purge')
    .option('--data <dir>', 'folder of all persistent state', './data')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerProfile(program);
  registerCamera(program);
  registerUser(program);
  registerAudit(program);
  registerAgency(program);
  registerRelease(program);
  registerReport(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isPlateSafeError(e)) {
      process.stderr.write(`platesafe: ${e.code}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`platesafe: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
