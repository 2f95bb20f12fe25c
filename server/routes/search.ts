/**
 * `POST /v1/search` (docs/api.md): partial-plate search of stored detections, newest first,
 * under a case number and a permitted purpose (POLICY R2, MP 462.6 c). The inquiry is
 * checked before the store is touched; the store records the access with its result count.
 */
import type uWS from 'uWebSockets.js';
import { route } from './api.js';
import { bodyObject, type RouteDeps } from './deps.js';
import { openInquiry, withoutInquiry } from './inquiry.js';

export function searchRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  route(app, deps, {
    method: 'post',
    path: '/v1/search',
    action: 'detections.search',
    handle: async (ctx) => {
      const query = withoutInquiry(bodyObject(ctx));
      const { access } = await openInquiry(deps, ctx, 'detections.search', query);
      return deps.rooms.detections.search(query as Parameters<typeof deps.rooms.detections.search>[0], access, deps.rooms.audit);
    },
  });
}
