/**
 * What the accountability commands share: opening the audit log, accounts and release rooms
 * of a data folder under a profile, signing the operator in (`--as USER`, password from
 * `PLATESAFE_PASSWORD` or the terminal), and parsing dates. Every command signs in, so the
 * audit log names a person for every change made from the command line (POLICY R2).
 */
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Command } from 'commander';
import { Accounts } from '../../core/accounts/accounts.js';
import { AuditLog } from '../../core/audit/log.js';
import { parseConfig } from '../../core/config/config.js';
import { ErrBadInput, ErrUnauthenticated } from '../../core/errors.js';
import type { Principal } from '../../core/policy/authz.js';
import type { Profile } from '../../core/policy/profile.js';
import { loadProfile } from '../../core/policy/profiles.js';
import { Releases } from '../../core/releases/registry.js';

export interface CommonOptions {
  data: string;
  profile: string;
  as?: string;
}

export interface Rooms {
  readonly profile: Profile;
  readonly audit: AuditLog;
  readonly accounts: Accounts;
  readonly releases: Releases;
  close(): Promise<void>;
}

export function openRooms(dataDir: string, profileName: string): Rooms {
  const config = parseConfig({ dataDir, profile: profileName });
  const profile = loadProfile(config.profile);
  const audit = AuditLog.open({ dir: join(config.dataDir, 'audit'), auditDays: profile.retention.auditDays });
  const accounts = Accounts.open({ dir: join(config.dataDir, 'accounts'), settings: config.accounts, audit });
  const releases = Releases.open({ dir: join(config.dataDir, 'releases'), profile, audit });
  return {
    profile,
    audit,
    accounts,
    releases,
    async close() {
      await releases.close();
      await accounts.close();
      await audit.close();
    },
  };
}

/** Adds `--profile` and `--as` to a command. */
export function common(cmd: Command): Command {
  return cmd
    .option('--profile <name|file>', 'policy profile', 'menlo-park')
    .option('--as <user>', 'sign in as this user (password from PLATESAFE_PASSWORD or the terminal)');
}

/** Options of the leaf command merged with the program's (`--data`). */
export function optionsOf<T extends object>(cmd: Command): T & CommonOptions {
  return cmd.optsWithGlobals<T & CommonOptions>();
}

let lines: Interface | undefined;
let ended = false;
const pending: string[] = [];
const waiting: Array<(line: string | undefined) => void> = [];

/** Next line of piped standard input, for scripts that feed passwords one per line. */
function nextLine(): Promise<string | undefined> {
  if (!lines) {
    lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (l) => (waiting.length ? waiting.shift()!(l) : pending.push(l)));
    lines.on('close', () => {
      ended = true;
      while (waiting.length) waiting.shift()!(undefined);
    });
  }
  if (pending.length || ended) return Promise.resolve(pending.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

/** Reads a secret from the environment, a terminal prompt without echo, or the next piped line. */
export async function readSecret(envName: string, prompt: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) {
    process.stderr.write(prompt);
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Swallow the echo of what is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    process.stderr.write('\n');
    return answer;
  }
  const line = await nextLine();
  if (line === undefined) throw new ErrBadInput(`no ${prompt.replace(/:\s*$/, '')} given (set ${envName} or pipe it on standard input)`);
  return line;
}

/** Closes the piped-input reader so the process can exit. */
export function closeInput(): void {
  lines?.close();
  lines = undefined;
}

/** Opens the rooms, signs in, runs the command, and always signs out and closes. */
export async function withSignIn(opts: CommonOptions, fn: (rooms: Rooms, me: Principal) => Promise<void>): Promise<void> {
  const rooms = openRooms(opts.data, opts.profile);
  let token: string | undefined;
  try {
    if (!opts.as) throw new ErrUnauthenticated('sign in with --as USER');
    const password = await readSecret('PLATESAFE_PASSWORD', `password for ${opts.as}: `);
    const session = await rooms.accounts.login(opts.as, password, 'cli');
    token = session.token;
    await fn(rooms, session.principal);
  } finally {
    closeInput();
    if (token) await rooms.accounts.logout(token, 'cli');
    await rooms.close();
  }
}

/** `2026-03-01` or a full ISO timestamp → ms since the epoch (UTC). */
export function parseDate(text: string, field: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(t)) throw new ErrBadInput(`--${field}: ${JSON.stringify(text)} is not a date (YYYY-MM-DD or ISO 8601)`, { field });
  return t;
}

export function parseCount(text: string, field: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ErrBadInput(`--${field}: ${JSON.stringify(text)} is not a positive whole number`, { field });
  return n;
}

export const day = (ts: number | undefined): string => (ts === undefined ? '-' : new Date(ts).toISOString().slice(0, 10));

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
