/**
 * Where rooms record what an auditor needs (POLICY R2): every access to stored data and
 * every change of governance. The accountability room supplies the durable, hash-chained
 * log; rooms depend only on this interface.
 */

/** Who asked, under which case and purpose, from where (POLICY R2: name, date and time). */
export interface AccessContext {
  /** User id (login name) of the person asking. */
  readonly user: string;
  readonly role?: string;
  /** Case or incident number. */
  readonly case?: string;
  /** Permitted purpose from the active profile (`PURPOSES`). */
  readonly purpose?: string;
  /** Client address or `cli`. */
  readonly from?: string;
}

export interface AuditEvent {
  /** What happened, e.g. `detection.search`, `hold.place`, `user.login.failed`. */
  readonly action: string;
  readonly actor: string;
  readonly role?: string;
  readonly case?: string;
  readonly purpose?: string;
  readonly from?: string;
  /** What was asked or changed (query, ids, settings). */
  readonly subject?: unknown;
  /** How many records the access returned, for searches and views. */
  readonly results?: number;
  /** `ok`, or the error code when the action was refused. */
  readonly outcome: string;
}

export interface AuditSink {
  /** Durably appends the event; resolves with its sequence number. */
  record(event: AuditEvent): Promise<number>;
}
