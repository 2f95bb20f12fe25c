import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Accounts } from '../../../core/accounts/accounts.js';
import type { AuditLog } from '../../../core/audit/log.js';
import { checkAccess, type Principal } from '../../../core/policy/authz.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../core/util/time.js';
import { clockAt, openAccounts, openAudit, tempDir, type Clock } from '../../support/rooms.js';

const T0 = Date.UTC(2026, 2, 1);
const PW = 'a long passphrase';
let clock: Clock;
let audit: AuditLog;
let accounts: Accounts;
let admin: Principal;

beforeEach(async () => {
  clock = clockAt(T0);
  const dir = tempDir('acct');
  audit = openAudit(dir, clock);
  accounts = openAccounts(dir, audit, clock);
  await accounts.bootstrapAdministrator({ user: 'root', name: 'Ada Admin', password: PW, trainedAt: T0 });
  admin = (await accounts.login('root', PW)).principal;
});

afterEach(async () => {
  await accounts.close();
  await audit.close();
});

const actions = (): string[] => audit.query().map((r) => `${r.action}:${r.actor}:${r.outcome}`);

describe('accounts', () => {
  it('creates the first administrator only on an empty store', async () => {
    await expect(accounts.bootstrapAdministrator({ user: 'eve', name: 'Eve Intruder', password: PW })).rejects.toMatchObject({
      code: 'PS_ERR_CONFLICT',
    });
    expect(accounts.list().map((u) => u.user)).toEqual(['root']);
    expect(actions().slice(0, 2)).toEqual(['user.create:bootstrap:ok', 'auth.login:root:ok']);
  });

  it('lets only an administrator create users, each with an individual login', async () => {
    const inv = await accounts.create(admin, { user: 'ivy', name: 'Ivy Investigator', role: 'investigator', password: PW, trainedAt: T0 });
    expect(inv).toMatchObject({ user: 'ivy', role: 'investigator', trainingCurrent: true, reviewDue: false });
    expect(JSON.stringify(accounts.get('ivy'))).not.toContain('salt');
    await expect(accounts.create(admin, { user: 'ivy', name: 'Other Ivy', role: 'operator', password: PW })).rejects.toMatchObject({ code: 'PS_ERR_CONFLICT' });
    const ivy = (await accounts.login('ivy', PW)).principal;
    await expect(accounts.create(ivy, { user: 'x1', name: 'X Y', role: 'operator', password: PW })).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await expect(accounts.create(admin, { user: 'short', name: 'S P', role: 'operator', password: 'short' })).rejects.toMatchObject({ code: 'PS_ERR_PASSWORD_WEAK' });
    await expect(accounts.create(admin, { user: 'Bad Name', name: 'S P', role: 'operator', password: PW })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await expect(accounts.create(admin, { user: 'cam1', name: 'Pole 1', role: 'camera', password: PW })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    expect(actions()).toContain('user.create:root:ok');
  });

  it('locks an account after repeated failures, for the configured time, and records each attempt', async () => {
    await accounts.create(admin, { user: 'olga', name: 'Olga Operator', role: 'operator', password: PW, trainedAt: T0 });
    for (let i = 0; i < 5; i++) await expect(accounts.login('olga', 'wrong password!')).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    // Locked now: even the right password is refused until the lock passes.
    await expect(accounts.login('olga', PW)).rejects.toMatchObject({ code: 'PS_ERR_ACCOUNT_LOCKED' });
    clock.t += 14 * MINUTE_MS;
    await expect(accounts.login('olga', PW)).rejects.toMatchObject({ code: 'PS_ERR_ACCOUNT_LOCKED' });
    clock.t += 2 * MINUTE_MS;
    await expect(accounts.login('olga', PW)).resolves.toMatchObject({ principal: { user: 'olga' } });
    const failed = audit.query({ actions: ['auth.login.failed'] });
    expect(failed).toHaveLength(7);
    expect(failed[4]!.subject).toMatchObject({ locked: T0 + 15 * MINUTE_MS });
    await expect(accounts.login('nobody', PW)).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    expect(audit.query({ actor: 'nobody' })[0]).toMatchObject({ action: 'auth.login.failed', outcome: 'PS_ERR_UNAUTHENTICATED' });
  });

  it('answers a name that is no account as it answers an account: wrong password, then locked', async () => {
    await accounts.create(admin, { user: 'rita', name: 'Rita Real', role: 'operator', password: PW, trainedAt: T0 });
    const answers = async (user: string): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < 7; i++) out.push(await accounts.login(user, 'wrong password!').then(() => 'ok', (e: { code: string }) => e.code));
      return out;
    };
    const real = await answers('rita');
    expect(real).toEqual([...Array(5).fill('PS_ERR_UNAUTHENTICATED'), 'PS_ERR_ACCOUNT_LOCKED', 'PS_ERR_ACCOUNT_LOCKED']);
    expect(await answers('ghost-user')).toEqual(real);
    clock.t += 16 * MINUTE_MS;
    await expect(accounts.login('ghost-user', PW)).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    await expect(accounts.login('rita', PW)).resolves.toMatchObject({ principal: { user: 'rita' } });
  });

  it('tells a disabled account so only to the right password', async () => {
    await accounts.create(admin, { user: 'dora', name: 'Dora Disabled', role: 'operator', password: PW, trainedAt: T0 });
    await accounts.disable(admin, 'dora', 'on leave');
    await expect(accounts.login('dora', 'wrong password!')).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    await expect(accounts.login('dora', PW)).rejects.toMatchObject({ code: 'PS_ERR_ACCOUNT_DISABLED' });
  });

  it('expires sessions when idle and after the absolute limit; logout ends them', async () => {
    await accounts.create(admin, { user: 'dan', name: 'Dan Dispatcher', role: 'dispatcher', password: PW, trainedAt: T0 });
    const a = await accounts.login('dan', PW);
    expect(accounts.authenticate(a.token)).toMatchObject({ user: 'dan', role: 'dispatcher' });
    clock.t += 31 * MINUTE_MS;
    expect(() => accounts.authenticate(a.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    const b = await accounts.login('dan', PW);
    // In use every 20 minutes: alive for 12 hours, then over the absolute limit.
    for (let i = 0; i < 36; i++) {
      clock.t += 20 * MINUTE_MS;
      accounts.authenticate(b.token);
    }
    clock.t += 20 * MINUTE_MS;
    expect(() => accounts.authenticate(b.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    const c = await accounts.login('dan', PW);
    await accounts.logout(c.token);
    expect(() => accounts.authenticate(c.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    expect(actions()).toContain('auth.logout:dan:ok');
  });

  it('keeps data from a user whose training is missing or lapsed (POLICY R1)', async () => {
    await accounts.create(admin, { user: 'ian', name: 'Ian Investigator', role: 'investigator', password: PW });
    const noTraining = await accounts.login('ian', PW);
    expect(noTraining.trainingCurrent).toBe(false);
    expect(() => checkAccess(accounts.authenticate(noTraining.token), 'detections.search', clock.t)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_TRAINING_REQUIRED' }),
    );
    await accounts.recordTraining(admin, 'ian', T0, T0 + 10 * DAY_MS);
    expect(() => checkAccess(accounts.authenticate(noTraining.token), 'detections.search', clock.t)).not.toThrow();
    clock.t = T0 + 10 * DAY_MS;
    const lapsed = await accounts.login('ian', PW);
    expect(() => checkAccess(accounts.authenticate(lapsed.token), 'detections.search', clock.t)).toThrow(
      expect.objectContaining({ code: 'PS_ERR_TRAINING_REQUIRED' }),
    );
    expect(actions()).toContain('user.train:root:ok');
  });

  it('locks an account whose review date passed until an administrator reviews it', async () => {
    await accounts.create(admin, { user: 'sam', name: 'Sam Supervisor', role: 'supervisor', password: PW, trainedAt: T0, reviewBy: T0 + 10 * MINUTE_MS });
    const s = await accounts.login('sam', PW);
    clock.t = T0 + 11 * MINUTE_MS;
    admin = (await accounts.login('root', PW)).principal;
    expect(() => accounts.authenticate(s.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_REVIEW_DUE' }));
    await expect(accounts.login('sam', PW)).rejects.toMatchObject({ code: 'PS_ERR_REVIEW_DUE' });
    const reviewed = await accounts.review(admin, 'sam');
    expect(reviewed.reviewBy).toBe(clock.t + 365 * DAY_MS);
    await expect(accounts.login('sam', PW)).resolves.toBeDefined();
  });

  it('disables an account and ends its sessions at once; review can re-enable it', async () => {
    await accounts.create(admin, { user: 'ola', name: 'Ola Operator', role: 'operator', password: PW, trainedAt: T0 });
    const s = await accounts.login('ola', PW);
    await expect(accounts.disable(admin, 'ola', '')).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
    await accounts.disable(admin, 'ola', 'left the department');
    expect(() => accounts.authenticate(s.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    await expect(accounts.login('ola', PW)).rejects.toMatchObject({ code: 'PS_ERR_ACCOUNT_DISABLED' });
    await accounts.review(admin, 'ola');
    await expect(accounts.login('ola', PW)).rejects.toMatchObject({ code: 'PS_ERR_ACCOUNT_DISABLED' });
    await accounts.review(admin, 'ola', { enable: true });
    await expect(accounts.login('ola', PW)).resolves.toBeDefined();
    await expect(accounts.disable(admin, 'ghost', 'x')).rejects.toMatchObject({ code: 'PS_ERR_NOT_FOUND' });
    expect(actions()).toEqual(expect.arrayContaining(['user.disable:root:ok', 'user.review:root:ok']));
  });

  it('changes a password only with the current one, and ends old sessions', async () => {
    const s = await accounts.login('root', PW);
    await expect(accounts.changePassword('root', 'not the password', 'another long passphrase')).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    await accounts.changePassword('root', PW, 'another long passphrase');
    expect(() => accounts.authenticate(s.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    await expect(accounts.login('root', PW)).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    await expect(accounts.login('root', 'another long passphrase')).resolves.toBeDefined();
  });

  it('lets an administrator reset a forgotten password, clearing a lockout and ending sessions', async () => {
    await accounts.create(admin, { user: 'ivo', name: 'Ivo Investigator', role: 'investigator', password: PW, trainedAt: T0 });
    const s = await accounts.login('ivo', PW);
    for (let i = 0; i < 5; i++) await accounts.login('ivo', 'wrong password!').catch(() => undefined);
    await expect(accounts.resetPassword({ user: 'ivo', role: 'investigator' }, 'ivo', 'my own new pass')).rejects.toMatchObject({ code: 'PS_ERR_FORBIDDEN' });
    await accounts.resetPassword(admin, 'ivo', 'a fresh passphrase');
    expect(() => accounts.authenticate(s.token)).toThrow(expect.objectContaining({ code: 'PS_ERR_UNAUTHENTICATED' }));
    await expect(accounts.login('ivo', 'a fresh passphrase')).resolves.toBeDefined();
    expect(audit.query({ actions: ['user.password'] })[0]).toMatchObject({ actor: 'root', subject: { user: 'ivo', reset: true } });
  });

  it('refuses oversized names and passwords without hashing them, recording a bounded name', async () => {
    await expect(accounts.login('x'.repeat(5000), PW)).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    await expect(accounts.login('root', 'p'.repeat(5000))).rejects.toMatchObject({ code: 'PS_ERR_UNAUTHENTICATED' });
    const failed = audit.query({ actions: ['auth.login.failed'] });
    expect(failed.map((r) => r.actor.length)).toEqual([64, 4]);
    await expect(accounts.create(admin, { user: 'big', name: 'Big Pass', role: 'operator', password: 'p'.repeat(2000) })).rejects.toMatchObject({ code: 'PS_ERR_BAD_INPUT' });
  });

  it('prunes expired sessions and keeps the audit chain whole', async () => {
    await accounts.login('root', PW);
    clock.t += 13 * HOUR_MS;
    expect(await accounts.pruneSessions()).toBe(2);
    expect(audit.verify()).toMatchObject({ ok: true });
  });
});
