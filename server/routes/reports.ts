/**
 * Reports (POLICY R9; docs/api.md): the quarterly report as JSON or one HTML page
 * (`reports.read`), and the public transparency page at `GET /transparency`, without login.
 * Both carry counts and agency names only: nothing personal, no plates (MP 462.8).
 */
import type uWS from 'uWebSockets.js';
import { ErrBadInput } from '../../core/errors.js';
import { quarterlyHtml, quarterlyReport } from '../../core/reports/quarterly.js';
import { transparencyData, transparencyHtml } from '../../core/reports/transparency.js';
import { send, sendError, trackAbort } from '../http.js';
import { reportSources } from '../reports/sources.js';
import { RawResponse, route } from './api.js';
import { queryInt, recordChange, type RouteDeps } from './deps.js';

const HTML = 'text/html; charset=utf-8';

export function reportRoutes(app: uWS.TemplatedApp, deps: RouteDeps): void {
  const sources = reportSources(deps.rooms);
  route(app, deps, {
    method: 'get',
    path: '/v1/reports/quarterly',
    action: 'reports.read',
    handle: async (ctx) => {
      const now = new Date();
      const year = queryInt(ctx, 'year', now.getUTCFullYear(), 2000, 9999);
      const quarter = queryInt(ctx, 'quarter', Math.floor(now.getUTCMonth() / 3) + 1, 1, 4);
      const format = ctx.query.get('format') ?? 'json';
      if (format !== 'json' && format !== 'html') throw new ErrBadInput('format is json or html', { field: 'format' });
      const report = await quarterlyReport(deps.profile, sources, year, quarter, now.getTime());
      await recordChange(deps, ctx, 'reports.read', { year, quarter, format });
      return format === 'html' ? new RawResponse(HTML, quarterlyHtml(report)) : report;
    },
  });
  app.get('/transparency', (res) => {
    trackAbort(res);
    if (!deps.profile.transparency.publicPage) {
      send(res, 404, HTML, '<!doctype html><title>Not published</title><p>This department does not publish a transparency page here.</p>');
      return;
    }
    transparencyData(deps.profile, sources, Date.now()).then(
      (d) => send(res, 200, HTML, transparencyHtml(d)),
      (e: unknown) => sendError(res, e),
    );
  });
}
