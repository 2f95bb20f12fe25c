/**
 * JSON API routes with one gate: every route names the action it performs, and the request's
 * session must be allowed it by the authorization table (role, then training for data
 * actions) before the handler runs (POLICY R1, R2). Errors come out in the shape of
 * PROTOCOL.md with their stable codes.
 */
import type uWS from 'uWebSockets.js';
import type { Accounts } from '../../core/accounts/accounts.js';
import { ErrBadInput, ErrUnauthenticated } from '../../core/errors.js';
import { checkAccess, type Principal } from '../../core/policy/authz.js';
import { readBody, sendError, sendJson, trackAbort } from '../http.js';

export interface RequestContext {
  readonly principal: Principal;
  /** Client address, for the audit record. */
  readonly from: string;
  readonly query: URLSearchParams;
  readonly params: readonly string[];
  readonly body: unknown;
}

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'del';
  readonly path: string;
  /** Action of the authorization table (`core/policy/authz.ts`). */
  readonly action: string;
  readonly handle: (ctx: RequestContext) => Promise<unknown> | unknown;
  readonly status?: number;
}

export interface ApiDeps {
  readonly accounts: Accounts;
  readonly maxBodyBytes: number;
}

export function bearer(req: uWS.HttpRequest): string | undefined {
  const auth = req.getHeader('authorization');
  return auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

export function clientAddress(res: uWS.HttpResponse): string {
  return Buffer.from(res.getRemoteAddressAsText()).toString();
}

export function route(app: uWS.TemplatedApp, deps: ApiDeps, spec: RouteSpec): void {
  const paramCount = (spec.path.match(/:/g) ?? []).length;
  app[spec.method](spec.path, (res, req) => {
    trackAbort(res);
    const token = bearer(req);
    const query = new URLSearchParams(req.getQuery() ?? '');
    const params = Array.from({ length: paramCount }, (_, i) => decodeURIComponent(req.getParameter(i) ?? ''));
    const from = clientAddress(res);
    let principal: Principal;
    try {
      if (!token) throw new ErrUnauthenticated('session token missing');
      principal = deps.accounts.authenticate(token);
      checkAccess(principal, spec.action, Date.now());
    } catch (e) {
      sendError(res, e);
      return;
    }
    const body = spec.method === 'get' || spec.method === 'del' ? Promise.resolve(undefined) : readBody(res, deps.maxBodyBytes).then(parseJson);
    body
      .then((b) => spec.handle({ principal, from, query, params, body: b }))
      .then(
        (out) => sendJson(res, spec.status ?? 200, out ?? { ok: true }),
        (e: unknown) => sendError(res, e),
      );
  });
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ErrBadInput(`malformed JSON body: ${(e as Error).message}`);
  }
}
