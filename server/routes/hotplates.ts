/**
 * `POST /v1/hotplates` (docs/api.md): a manually entered hot plate (POLICY R4; MP 462.4 g,
 * EC 427.5.1 b, RV 426.6.5). Refused without the entering member's name, contact phone, case
 * number and synopsis, or with an expiry past the profile's cap (24 hours when the plate is
 * also in NCIC, under Roseville's profile). It goes into a designated manual or special list;
 * a special list waits for approval again before it matches.
 */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { ErrBadInput, ErrHotlistRow } from '../../core/errors.js';
import { REASONS } from '../../core/hotlist/entry.js';
import { validateManualHotPlate } from '../../core/policy/hotplate-rules.js';
import { parseInput } from '../../core/util/parse.js';
import { importInto, listView } from '../hotlists/governance.js';
import { route, type RequestContext } from './api.js';
import { recordChange, type RouteDeps } from './deps.js';

const HotPlate = z
  .object({
    list: z.string().min(1).max(64),
    plate: z.string().min(1).max(40),
    state: z.string().min(2).max(6).optional(),
    reason: z.enum(REASONS),
    priority: z.number().int().min(0).max(100).optional(),
    // The four governance fields are checked by the policy rule, which names what is missing.
    entered_by: z.string().max(120).optional(),
    phone: z.string().max(40).optional(),
    case: z.string().max(64).optional(),
    synopsis: z.string().max(1000).optional(),
    expires: z.number().int().optional(),
    ncic: z.boolean().optional(),
  })
  .strict();

async function enter(deps: RouteDeps, ctx: RequestContext) {
  const body = parseInput(HotPlate, ctx.body, 'hot plate');
  const now = Date.now();
  const plate = validateManualHotPlate(
    deps.profile,
    {
      plate: body.plate,
      ...(body.state ? { st: body.state } : {}),
      memberName: body.entered_by,
      phone: body.phone,
      case: body.case,
      synopsis: body.synopsis,
      alsoInNcic: body.ncic === true,
      ...(body.expires !== undefined ? { expires: body.expires } : {}),
    },
    ctx.principal.user,
    now,
  );
  const info = deps.rooms.hotlists.list(body.list);
  if (info.settings.kind === 'general') {
    throw new ErrBadInput(`list ${body.list} is a general list, replaced whole by its feed; enter hot plates into a manual or special list`, { field: 'list' });
  }
  const fields = {
    plate: plate.plate,
    state: plate.st,
    reason: body.reason,
    priority: body.priority,
    case: plate.case,
    entered_by: plate.memberName,
    phone: plate.phone,
    synopsis: plate.synopsis,
    created: plate.entered,
    expires: plate.expires,
    source: plate.alsoInNcic ? 'MANUAL_NCIC' : 'MANUAL',
  };
  const report = await importInto(deps, [{ line: 1, fields }], { list: body.list, replace: false, by: ctx.principal.user, now });
  if (report.rejectedCount > 0) throw new ErrHotlistRow(`hot plate refused: ${report.rejected[0]?.reason ?? 'invalid entry'}`);
  await recordChange(deps, ctx, 'hotplate.enter', { list: body.list, plate: plate.plate, partial: plate.partial, expires: plate.expires, ncic: plate.alsoInNcic }, { case: plate.case });
  return { entry: plate, list: listView(deps, deps.rooms.hotlists.list(body.list), now) };
}

export function hotplateRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, { method: 'post', path: '/v1/hotplates', action: 'hotplate.enter', status: 201, handle: (ctx) => enter(deps, ctx) });
}
