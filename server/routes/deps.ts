/** What the API route modules share: the rooms, the profile, and the live parts they notify. */
import type { Config } from '../../core/config/config.js';
import { ErrBadInput } from '../../core/errors.js';
import type { ReadAdmission } from '../camera/admission.js';
import type { CameraHealth } from '../camera/health.js';
import type { GovernanceDeps } from '../hotlists/governance.js';
import type { ApiDeps, RequestContext } from './api.js';

export interface RouteDeps extends ApiDeps, GovernanceDeps {
  readonly config: Config;
  readonly health: CameraHealth;
  readonly admission: ReadAdmission;
}

/** Records a governance change (list, account, camera, approval) in the audit log (POLICY R2). */
export async function recordChange(
  deps: RouteDeps,
  ctx: RequestContext,
  action: string,
  subject: unknown,
  extra: { case?: string; results?: number; outcome?: string } = {},
): Promise<void> {
  await deps.rooms.audit.record({ action, actor: ctx.principal.user, role: ctx.principal.role, from: ctx.from, outcome: 'ok', subject, ...extra });
}

/** The JSON body as an object, or PS_ERR_BAD_INPUT. */
export function bodyObject(ctx: RequestContext): Record<string, unknown> {
  const b = ctx.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new ErrBadInput('the body must be a JSON object');
  return b as Record<string, unknown>;
}

/** A whole number from the query string, or the default; PS_ERR_BAD_INPUT when malformed. */
export function queryInt(ctx: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ErrBadInput(`query parameter ${name} must be a whole number from ${min} to ${max}`, { field: name });
  return n;
}
