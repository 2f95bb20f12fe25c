/**
 * The accounts room (POLICY R1), stored in `<dataDir>/accounts/`: individual users with
 * scrypt password hashes, lockout after repeated failures, sessions with random tokens stored
 * only as their SHA-256 (idle and absolute expiry), training and review-by dates. An
 * administrator creates, disables, reviews accounts and records training; the very first
 * administrator is created on an empty store without credentials. Every login, failed login,
 * logout and account change is recorded through the audit sink (POLICY R2).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { AuditEvent, AuditSink } from '../audit/sink.js';
import type { Config } from '../config/config.js';
import { ErrAccountDisabled, ErrAccountLocked, ErrBadInput, ErrConflict, ErrNotFound, ErrPasswordWeak, ErrReviewDue, ErrUnauthenticated } from '../errors.js';
import { authorize, type Principal } from '../policy/authz.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../util/time.js';
import { hashPassword, needsRehash, verifyPassword, type PasswordHash } from './password.js';
import { parseInput } from '../util/parse.js';
import { NewUserSchema, principalOf, trainingFor, viewOf, type NewUser, type UserRecord, type UserView } from './users.js';

export type AccountSettings = Config['accounts'];

export interface AccountsOptions {
  /** Folder of the LMDB environment, usually `<dataDir>/accounts`. */
  readonly dir: string;
  readonly settings: AccountSettings;
  readonly audit: AuditSink;
  readonly now?: () => number;
}

interface SessionRecord {
  readonly user: string;
  readonly created: number;
  readonly lastSeen: number;
  readonly from?: string;
}

export interface LoginResult {
  /** Bearer token; only its hash is stored. */
  readonly token: string;
  readonly principal: Principal;
  readonly expires: number;
  readonly trainingCurrent: boolean;
}

const MAX_NAME = 64;
/** scrypt hashes whatever it is given; a bounded password keeps a login cheap to refuse. */
const MAX_PASSWORD = 1024;
/** Names that are not accounts whose failed logins are remembered (oldest forgotten first). */
const MAX_PHANTOMS = 10_000;

/** The failed-login state of a name. */
interface Lockout {
  readonly failures: number;
  readonly lockedUntil: number;
}

/** Who set up the store when there was nobody to sign in as. */
export const BOOTSTRAP_ACTOR = 'bootstrap';

function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  private readonly root: RootDatabase;
  private readonly users: Database<UserRecord, string>;
  private readonly sessions: Database<SessionRecord, string>;
  private readonly settings: AccountSettings;
  private readonly audit: AuditSink;
  private readonly now: () => number;
  /** Verified against when the user does not exist, so the answer takes as long. */
  private decoy: Promise<PasswordHash> | undefined;
  /** Failed logins under names that are not accounts, so they lock like accounts do. */
  private readonly phantoms = new Map<string, Lockout>();

  private constructor(opts: AccountsOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.root = open({ path: opts.dir, compression: false });
    this.users = this.root.openDB<UserRecord, string>({ name: 'users' });
    this.sessions = this.root.openDB<SessionRecord, string>({ name: 'sessions' });
    this.settings = opts.settings;
    this.audit = opts.audit;
    this.now = opts.now ?? Date.now;
  }

  static open(opts: AccountsOptions): Accounts {
    return new Accounts(opts);
  }

  isEmpty(): boolean {
    return this.users.getKeysCount() === 0;
  }

  get(user: string): UserView | undefined {
    const u = this.users.get(user);
    return u && viewOf(u, this.now());
  }

  list(): UserView[] {
    const now = this.now();
    return [...this.users.getRange({})].map(({ value }) => viewOf(value, now));
  }

  private async log(e: Omit<AuditEvent, 'outcome'> & { outcome?: string }): Promise<void> {
    await this.audit.record({ outcome: 'ok', ...e });
  }

  private checkPassword(password: string): void {
    if (password.length < this.settings.passwordMinLength) {
      throw new ErrPasswordWeak(`passwords need at least ${this.settings.passwordMinLength} characters`, { field: 'password' });
    }
    if (password.length > MAX_PASSWORD) throw new ErrBadInput(`passwords have at most ${MAX_PASSWORD} characters`, { field: 'password' });
  }

  private async build(input: NewUser, by: string): Promise<UserRecord> {
    const u = parseInput(NewUserSchema, input, 'new user');
    this.checkPassword(u.password);
    if (this.users.get(u.user)) throw new ErrConflict(`user ${u.user} already exists`, { user: u.user });
    const now = this.now();
    const training = u.trainedAt === undefined ? undefined : trainingFor(u.trainedAt, u.trainingExpires, this.settings.trainingValidDays, by);
    return {
      user: u.user,
      name: u.name,
      role: u.role,
      password: await hashPassword(u.password, this.settings.scrypt),
      createdAt: now,
      createdBy: by,
      ...(training ? { training } : {}),
      reviewBy: u.reviewBy ?? now + this.settings.reviewDays * DAY_MS,
      failures: 0,
      lockedUntil: 0,
    };
  }

  private async insert(rec: UserRecord): Promise<void> {
    const written = await this.users.ifNoExists(rec.user, () => void this.users.put(rec.user, rec));
    if (!written) throw new ErrConflict(`user ${rec.user} already exists`, { user: rec.user });
  }

  /** The first administrator, created without credentials, and only while there are no users. */
  async bootstrapAdministrator(input: Omit<NewUser, 'role'>, from = 'cli'): Promise<UserView> {
    if (!this.isEmpty()) throw new ErrConflict('accounts already exist; sign in as an administrator to add users');
    const rec = await this.build({ ...input, role: 'administrator' }, BOOTSTRAP_ACTOR);
    await this.insert(rec);
    await this.log({ action: 'user.create', actor: BOOTSTRAP_ACTOR, from, subject: { user: rec.user, role: rec.role, bootstrap: true } });
    return viewOf(rec, this.now());
  }

  async create(actor: Principal, input: NewUser): Promise<UserView> {
    authorize(actor.role, 'users.manage');
    const rec = await this.build(input, actor.user);
    await this.insert(rec);
    await this.log({ action: 'user.create', actor: actor.user, role: actor.role, subject: { user: rec.user, role: rec.role, name: rec.name } });
    return viewOf(rec, this.now());
  }

  private async update(user: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    return this.users.transaction(() => {
      const u = this.users.get(user);
      if (!u) throw new ErrNotFound(`no user ${user}`, { user });
      const next = change(u);
      void this.users.put(user, next);
      return next;
    });
  }

  /** Disables the account and ends its sessions at once (POLICY R1, RV 426.3 8). */
  async disable(actor: Principal, user: string, reason: string): Promise<UserView> {
    authorize(actor.role, 'users.manage');
    if (!reason.trim()) throw new ErrBadInput('disabling an account needs a reason', { field: 'reason' });
    if (user === actor.user) throw new ErrBadInput('administrators do not disable their own account', { field: 'user' });
    const at = this.now();
    const rec = await this.update(user, (u) => ({ ...u, disabled: { at, by: actor.user, reason: reason.trim() } }));
    await this.endSessions(user);
    await this.log({ action: 'user.disable', actor: actor.user, role: actor.role, subject: { user, reason: reason.trim() } });
    return viewOf(rec, at);
  }

  /**
   * Records that the user still needs access (RV 426.4.1 d): sets the next review-by date,
   * clears a lockout, and re-enables a disabled account when `enable` is set.
   */
  async review(actor: Principal, user: string, opts: { reviewBy?: number; enable?: boolean } = {}): Promise<UserView> {
    authorize(actor.role, 'users.manage');
    const at = this.now();
    const reviewBy = opts.reviewBy ?? at + this.settings.reviewDays * DAY_MS;
    if (reviewBy <= at) throw new ErrBadInput('the next review date must be in the future', { field: 'reviewBy' });
    const rec = await this.update(user, (u) => {
      const { disabled, ...rest } = u;
      return { ...rest, ...(disabled && !opts.enable ? { disabled } : {}), reviewBy, reviewedAt: at, reviewedBy: actor.user, failures: 0, lockedUntil: 0 };
    });
    await this.log({ action: 'user.review', actor: actor.user, role: actor.role, subject: { user, reviewBy, enable: opts.enable === true } });
    return viewOf(rec, at);
  }

  /** Records department-approved training (MP 462.11); expiry defaults to `trainingValidDays`. */
  async recordTraining(actor: Principal, user: string, completed: number, expires?: number): Promise<UserView> {
    authorize(actor.role, 'users.manage');
    const training = trainingFor(completed, expires, this.settings.trainingValidDays, actor.user);
    const rec = await this.update(user, (u) => ({ ...u, training }));
    await this.log({ action: 'user.train', actor: actor.user, role: actor.role, subject: { user, completed, expires: training.expires } });
    return viewOf(rec, this.now());
  }

  /** An administrator sets a new password (a forgotten one); the user's sessions end. */
  async resetPassword(actor: Principal, user: string, next: string): Promise<void> {
    authorize(actor.role, 'users.manage');
    this.checkPassword(next);
    const password = await hashPassword(next, this.settings.scrypt);
    await this.update(user, (r) => ({ ...r, password, failures: 0, lockedUntil: 0 }));
    await this.endSessions(user);
    await this.log({ action: 'user.password', actor: actor.user, role: actor.role, subject: { user, reset: true } });
  }

  async changePassword(user: string, current: string, next: string): Promise<void> {
    this.checkPassword(next);
    const u = this.users.get(user);
    if (!u || !(await verifyPassword(current, u.password))) {
      await this.log({ action: 'user.password', actor: user, outcome: ErrUnauthenticated.code });
      throw new ErrUnauthenticated('current password is wrong');
    }
    const password = await hashPassword(next, this.settings.scrypt);
    await this.update(user, (r) => ({ ...r, password }));
    await this.endSessions(user);
    await this.log({ action: 'user.password', actor: user, subject: { user } });
  }

  private async failLogin(user: string, from: string | undefined, code: string, extra?: Record<string, unknown>): Promise<void> {
    await this.log({ action: 'auth.login.failed', actor: user, from, outcome: code, ...(extra ? { subject: extra } : {}) });
  }

  /** One more failed login; locks after `maxFailures`. */
  private failure<T extends Lockout>(r: T, now: number): T {
    const failures = r.failures + 1;
    return failures >= this.settings.maxFailures ? { ...r, failures: 0, lockedUntil: now + this.settings.lockMinutes * MINUTE_MS } : { ...r, failures };
  }

  /** A failed login under a name that is no account, counted as for a real one (bounded, in memory). */
  private phantomFailure(user: string, now: number): Lockout {
    const after = this.failure(this.phantoms.get(user) ?? { failures: 0, lockedUntil: 0 }, now);
    this.phantoms.delete(user);
    this.phantoms.set(user, after);
    if (this.phantoms.size > MAX_PHANTOMS) this.phantoms.delete(this.phantoms.keys().next().value!);
    return after;
  }

  /**
   * Signs a person in. Every attempt costs one password hash, whether the name exists, is
   * disabled or locked, and names that do not exist lock like real ones: neither the timing
   * nor the answer tells a guesser which names are accounts. A locked account refuses even
   * the right password, so the lock is no oracle for guesses; a wrong password counts a
   * failure and locks after `maxFailures` (POLICY R1). A disabled account says so only to
   * the right password. Training is not needed to sign in, only to touch data (`checkAccess`).
   */
  async login(user: string, password: string, from?: string): Promise<LoginResult> {
    const now = this.now();
    // Whatever a client sends as a name lands in the audit log: keep it to a name's length.
    if (user.length > MAX_NAME || password.length > MAX_PASSWORD) {
      await this.failLogin(user.slice(0, MAX_NAME), from, ErrUnauthenticated.code, { oversized: true });
      throw new ErrUnauthenticated('wrong user name or password');
    }
    const u = this.users.get(user);
    this.decoy ??= hashPassword('decoy password, never matches', this.settings.scrypt);
    const right = (await verifyPassword(password, u?.password ?? (await this.decoy))) && u !== undefined;
    const lockedUntil = u ? u.lockedUntil : (this.phantoms.get(user)?.lockedUntil ?? 0);
    if (lockedUntil > now) {
      await this.failLogin(user, from, ErrAccountLocked.code, { lockedUntil });
      throw new ErrAccountLocked(`account ${user} is locked until ${new Date(lockedUntil).toISOString()}`, { lockedUntil });
    }
    if (!right) {
      const after = u ? await this.update(user, (r) => this.failure(r, now)) : this.phantomFailure(user, now);
      await this.failLogin(user, from, ErrUnauthenticated.code, after.lockedUntil > now ? { locked: after.lockedUntil } : { failures: after.failures });
      throw new ErrUnauthenticated('wrong user name or password');
    }
    if (u.disabled) {
      await this.failLogin(user, from, ErrAccountDisabled.code);
      throw new ErrAccountDisabled(`account ${user} is disabled`);
    }
    if (u.reviewBy <= now) {
      await this.failLogin(user, from, ErrReviewDue.code);
      throw new ErrReviewDue(`account ${user} passed its review date; an administrator must review it`);
    }
    const rehash = needsRehash(u.password, this.settings.scrypt) ? await hashPassword(password, this.settings.scrypt) : undefined;
    const signedIn = await this.update(user, (r) => ({ ...r, failures: 0, lastLogin: now, ...(rehash ? { password: rehash } : {}) }));
    const token = randomBytes(32).toString('base64url');
    await this.sessions.put(tokenKey(token), { user, created: now, lastSeen: now, ...(from ? { from } : {}) });
    await this.log({ action: 'auth.login', actor: user, role: u.role, from });
    const principal = principalOf(signedIn);
    return {
      token,
      principal,
      expires: now + this.settings.sessionMaxHours * HOUR_MS,
      trainingCurrent: principal.trainingExpires !== undefined && principal.trainingExpires > now,
    };
  }

  /**
   * The person behind a session token, re-read from the account each time so a disabled or
   * unreviewed account loses access at once. Throws PS_ERR_UNAUTHENTICATED when the token is
   * unknown or its session expired (idle or absolute).
   */
  authenticate(token: string): Principal {
    const key = tokenKey(token);
    const s = this.sessions.get(key);
    if (!s) throw new ErrUnauthenticated('no such session');
    const now = this.now();
    const idle = now - s.lastSeen > this.settings.sessionIdleMinutes * MINUTE_MS;
    if (idle || now - s.created > this.settings.sessionMaxHours * HOUR_MS) {
      void this.sessions.remove(key);
      throw new ErrUnauthenticated(idle ? 'session expired (idle)' : 'session expired');
    }
    const u = this.users.get(s.user);
    if (!u || u.disabled) throw new ErrAccountDisabled(`account ${s.user} is disabled`);
    if (u.reviewBy <= now) throw new ErrReviewDue(`account ${s.user} passed its review date`);
    // Touch at most once a minute: a session in use stays alive without a write per request.
    if (now - s.lastSeen > MINUTE_MS) this.sessions.putSync(key, { ...s, lastSeen: now });
    return principalOf(u);
  }

  async logout(token: string, from?: string): Promise<void> {
    const key = tokenKey(token);
    const s = this.sessions.get(key);
    if (!s) return;
    await this.sessions.remove(key);
    await this.log({ action: 'auth.logout', actor: s.user, from });
  }

  private async endSessions(user: string): Promise<void> {
    await this.sessions.transaction(() => {
      const doomed = [...this.sessions.getRange({})].filter(({ value }) => value.user === user);
      for (const { key } of doomed) void this.sessions.remove(key);
    });
  }

  /** Drops expired sessions; returns how many. */
  async pruneSessions(): Promise<number> {
    const now = this.now();
    const idle = this.settings.sessionIdleMinutes * MINUTE_MS;
    const max = this.settings.sessionMaxHours * HOUR_MS;
    return this.sessions.transaction(() => {
      const doomed = [...this.sessions.getRange({})].filter(({ value }) => now - value.lastSeen > idle || now - value.created > max);
      for (const { key } of doomed) void this.sessions.remove(key);
      return doomed.length;
    });
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
