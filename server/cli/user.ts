/**
 * `platesafe user add|disable|train|review|password|ls` (POLICY R1): an administrator manages
 * accounts. On an empty data folder `user add` creates the first administrator without
 * signing in; from then on every change is made by a signed-in administrator and audited.
 */
import type { Command } from 'commander';
import type { UserView } from '../../core/accounts/users.js';
import { ErrBadInput } from '../../core/errors.js';
import { authorize } from '../../core/policy/authz.js';
import { closeInput, common, day, openRooms, optionsOf, parseDate, print, readSecret, withSignIn } from './rooms.js';

interface AddOptions {
  name: string;
  role: string;
  trained?: string;
  trainingExpires?: string;
  reviewBy?: string;
}

function line(u: UserView): string {
  const state = u.disabled ? `disabled (${u.disabled.reason})` : u.reviewDue ? 'review due' : 'active';
  return [u.user, u.role, u.name, state, `trained until ${day(u.training?.expires)}${u.trainingCurrent ? '' : ' (lapsed or missing)'}`, `review by ${day(u.reviewBy)}`].join('\t');
}

async function add(user: string, cmd: Command): Promise<void> {
  const o = optionsOf<AddOptions>(cmd);
  const input = {
    user,
    name: o.name,
    role: o.role as never,
    ...(o.trained ? { trainedAt: parseDate(o.trained, 'trained') } : {}),
    ...(o.trainingExpires ? { trainingExpires: parseDate(o.trainingExpires, 'training-expires') } : {}),
    ...(o.reviewBy ? { reviewBy: parseDate(o.reviewBy, 'review-by') } : {}),
  };
  const rooms = openRooms(o.data, o.profile);
  if (rooms.accounts.isEmpty()) {
    // The first administrator: there is nobody yet to sign in as.
    try {
      if (o.role !== 'administrator') throw new ErrBadInput('the first account of a data folder must be an administrator', { field: 'role' });
      const password = await readSecret('PLATESAFE_NEW_PASSWORD', `new password for ${user}: `);
      print(line(await rooms.accounts.bootstrapAdministrator({ ...input, password })));
    } finally {
      closeInput();
      await rooms.close();
    }
    return;
  }
  await rooms.close();
  await withSignIn(o, async (rooms, me) => {
    authorize(me.role, 'users.manage');
    const password = await readSecret('PLATESAFE_NEW_PASSWORD', `new password for ${user}: `);
    print(line(await rooms.accounts.create(me, { ...input, password })));
  });
}

export function registerUser(program: Command): void {
  const cmd = program.command('user').description('accounts of people (POLICY R1)');
  common(cmd.command('add <user>'))
    .description('create an account; on an empty data folder, the first administrator')
    .requiredOption('--name <full name>', "the person's full name")
    .requiredOption('--role <role>', 'operator, dispatcher, investigator, supervisor, administrator, auditor, records_custodian')
    .option('--trained <date>', 'date department-approved training was completed')
    .option('--training-expires <date>', 'when that training lapses (default: a year later)')
    .option('--review-by <date>', 'when the account must next be reviewed')
    .action((user: string, _o: unknown, c: Command) => add(user, c));
  common(cmd.command('disable <user>'))
    .description('disable an account and end its sessions')
    .requiredOption('--reason <text>', 'why, for the record')
    .action((user: string, _o: unknown, c: Command) => {
      const o = optionsOf<{ reason: string }>(c);
      return withSignIn(o, async (rooms, me) => print(line(await rooms.accounts.disable(me, user, o.reason))));
    });
  common(cmd.command('train <user>'))
    .description('record completed department-approved training')
    .requiredOption('--completed <date>', 'completion date')
    .option('--expires <date>', 'when it lapses (default: a year later)')
    .action((user: string, _o: unknown, c: Command) => {
      const o = optionsOf<{ completed: string; expires?: string }>(c);
      const completed = parseDate(o.completed, 'completed');
      const expires = o.expires ? parseDate(o.expires, 'expires') : undefined;
      return withSignIn(o, async (rooms, me) => print(line(await rooms.accounts.recordTraining(me, user, completed, expires))));
    });
  common(cmd.command('review <user>'))
    .description('confirm the user still needs access; sets the next review date, clears a lockout')
    .option('--until <date>', 'next review date (default: a year from now)')
    .option('--enable', 're-enable a disabled account')
    .action((user: string, _o: unknown, c: Command) => {
      const o = optionsOf<{ until?: string; enable?: boolean }>(c);
      const reviewBy = o.until ? parseDate(o.until, 'until') : undefined;
      return withSignIn(o, async (rooms, me) =>
        print(line(await rooms.accounts.review(me, user, { ...(reviewBy ? { reviewBy } : {}), enable: o.enable === true }))),
      );
    });
  common(cmd.command('password <user>'))
    .description("set a new password for a user (read from PLATESAFE_NEW_PASSWORD or the terminal)")
    .action((user: string, _o: unknown, c: Command) =>
      withSignIn(optionsOf(c), async (rooms, me) => {
        authorize(me.role, 'users.manage');
        await rooms.accounts.resetPassword(me, user, await readSecret('PLATESAFE_NEW_PASSWORD', `new password for ${user}: `));
        print(`password of ${user} set; their sessions ended`);
      }),
    );
  common(cmd.command('ls'))
    .description('list accounts')
    .action((_o: unknown, c: Command) =>
      withSignIn(optionsOf(c), async (rooms, me) => {
        authorize(me.role, 'users.manage');
        for (const u of rooms.accounts.list()) print(line(u));
      }),
    );
}
