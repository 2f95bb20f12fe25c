/** Real rooms in a temp folder for tests: an audit log and accounts with a controllable clock. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts } from '../../core/accounts/accounts.js';
import { AuditLog } from '../../core/audit/log.js';
import { parseConfig } from '../../core/config/config.js';

export interface Clock {
  t: number;
  now: () => number;
}

export function clockAt(t: number): Clock {
  const c: Clock = { t, now: () => c.t };
  return c;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ps-${prefix}-`));
}

export function openAudit(dir: string, clock: Clock, auditDays = 730): AuditLog {
  return AuditLog.open({ dir: join(dir, 'audit'), auditDays, now: clock.now });
}

export function openAccounts(dir: string, audit: AuditLog, clock: Clock): Accounts {
  return Accounts.open({ dir: join(dir, 'accounts'), settings: parseConfig({}).accounts, audit, now: clock.now });
}
