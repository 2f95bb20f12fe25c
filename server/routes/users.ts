/**
 * Accounts over HTTP (POLICY R1; docs/api.md): an administrator lists, creates, disables,
 * reviews accounts and records training. The accounts room checks the role again and
 * records every change in the audit log.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import type { NewUser } from '../../core/accounts/users.js';
import { parseInput } from '../../core/util/parse.js';
import { route } from './api.js';
import { bodyObject, type RouteDeps } from './deps.js';

const Disable = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const Train = z.object({ completed: z.number().int(), expires: z.number().int().optional() }).strict();
const Review = z.object({ reviewBy: z.number().int().optional(), enable: z.boolean().optional() }).strict();

export function userRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  const accounts = deps.rooms.accounts;
  route(app, deps, { method: 'get', path: '/v1/users', action: 'users.manage', handle: () => accounts.list() });
  route(app, deps, {
    method: 'post',
    path: '/v1/users',
    action: 'users.manage',
    status: 201,
    // The room validates the body against its schema and names the first bad field.
    handle: (ctx) => accounts.create(ctx.principal, bodyObject(ctx) as NewUser),
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/users/:user/disable',
    action: 'users.manage',
    handle: async (ctx) => accounts.disable(ctx.principal, ctx.params[0]!, parseInput(Disable, ctx.body, 'disable').reason),
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/users/:user/train',
    action: 'users.manage',
    handle: async (ctx) => {
      const t = parseInput(Train, ctx.body, 'training');
      return accounts.recordTraining(ctx.principal, ctx.params[0]!, t.completed, t.expires);
    },
  });
  route(app, deps, {
    method: 'post',
    path: '/v1/users/:user/review',
    action: 'users.manage',
    handle: async (ctx) => accounts.review(ctx.principal, ctx.params[0]!, parseInput(Review, ctx.body, 'review')),
  });
}
