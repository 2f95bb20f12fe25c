/**
 * An append-only audit sink writing one JSON line per event to a file, fsynced before the
 * event counts as recorded (POLICY R2: the access is documented before the data is shown).
 * It is the plain sink commands use when no hash-chained audit log is wired in; it never
 * rewrites or truncates the file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEvent, AuditSink } from './sink.js';

export class FileAuditSink implements AuditSink {
  private readonly fd: number;
  private seq: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.seq = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).length;
  }

  async record(event: AuditEvent): Promise<number> {
    const seq = ++this.seq;
    writeSync(this.fd, `${JSON.stringify({ seq, at: new Date().toISOString(), ...event })}\n`);
    fsyncSync(this.fd);
    return seq;
  }

  /** Every event recorded so far, oldest first. */
  events(): (AuditEvent & { seq: number; at: string })[] {
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as AuditEvent & { seq: number; at: string });
  }

  close(): void {
    closeSync(this.fd);
  }
}
