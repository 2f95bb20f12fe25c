/**
 * Demo accounts for `serve --demo`: an administrator and a dispatcher with training recorded,
 * created once on an empty data folder with random passwords shown to the person who started
 * the demo. Outside the demo, the first administrator comes from `platesafe user add`.
 */
import { randomBytes } from 'node:crypto';
import type { Accounts } from '../../core/accounts/accounts.js';

export interface DemoUser {
  readonly user: string;
  readonly role: string;
  readonly password: string;
}

export async function ensureDemoUsers(accounts: Accounts): Promise<DemoUser[]> {
  if (!accounts.isEmpty()) return [];
  const admin: DemoUser = { user: 'demo-admin', role: 'administrator', password: randomBytes(9).toString('base64url') };
  const dispatcher: DemoUser = { user: 'demo-dispatcher', role: 'dispatcher', password: randomBytes(9).toString('base64url') };
  const trainedAt = Date.now();
  await accounts.bootstrapAdministrator({ user: admin.user, name: 'Demo Administrator', password: admin.password, trainedAt });
  const actor = { user: admin.user, role: 'administrator' as const };
  await accounts.create(actor, { user: dispatcher.user, name: 'Demo Dispatcher', role: 'dispatcher', password: dispatcher.password, trainedAt });
  return [admin, dispatcher];
}
