/**
 * The server and a command-line process append to the same audit log at once: the chain
 * stays whole because sequence and head are taken inside each write transaction. The other
 * process runs the compiled log (`npm test` builds first).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../core/audit/log.js';
import { tempDir } from '../../support/rooms.js';

const compiled = fileURLToPath(new URL('../../../dist/core/audit/log.js', import.meta.url));

/** A second process that appends `n` records to the log in `dir`. */
function childScript(dir: string, n: number): string {
  return `
      const { AuditLog } = await import(${JSON.stringify(pathToFileURL(compiled).href)});
      const log = AuditLog.open({ dir: ${JSON.stringify(dir)}, auditDays: 730 });
      for (let i = 0; i < ${n}; i++) await log.record({ action: 'cli.write', actor: 'cli', outcome: 'ok', subject: { i } });
      await log.close();`;
}

describe('audit log shared by two processes', () => {
  it('interleaves appends from both into one unbroken chain', async () => {
    expect(existsSync(compiled), 'build first: npm run build').toBe(true);
    const dir = join(tempDir('audit-mp'), 'audit');
    const log = AuditLog.open({ dir, auditDays: 730 });
    const other = promisify(execFile)(process.execPath, ['--input-type=module', '-e', childScript(dir, 300)]);
    for (let i = 0; i < 300; i++) await log.record({ action: 'server.write', actor: 'server', outcome: 'ok', subject: { i } });
    await other;
    expect(log.verify()).toEqual({ ok: true, count: 600, head: 600 });
    const bySource = log.query({ actions: ['cli.write'] }).map((r) => (r.subject as { i: number }).i);
    expect(bySource).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await log.close();
  });

  it('sees what another process appended since its own last read, in the same turn', async () => {
    const dir = join(tempDir('audit-mp'), 'audit');
    const log = AuditLog.open({ dir, auditDays: 730 });
    await log.record({ action: 'server.write', actor: 'server', outcome: 'ok' });
    expect(log.lastSeq()).toBe(1);
    // The child runs while this turn of the event loop still holds its read snapshot.
    execFileSync(process.execPath, ['--input-type=module', '-e', childScript(dir, 3)]);
    expect(log.lastSeq()).toBe(4);
    expect(log.verify()).toEqual({ ok: true, count: 4, head: 4 });
    expect(log.query({ actions: ['cli.write'] })).toHaveLength(3);
    await log.close();
  });
});
