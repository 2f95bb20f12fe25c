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
import { readBody, send, sendError, sendJson, trackAbort } from '../http.js';

export interface RequestContext {
  readonly principal: Principal;
  /** Client address, for the audit record. */
  readonly from: string;
  readonly query: URLSearchParams;
  readonly params: readonly string[];
  readonly body: unknown;
  readonly contentType: string;
}

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'del';
  readonly path: string;
  /** Action of the authorization table (`core/policy/authz.ts`); with several, any one suffices. */
  readonly action: string | readonly string[];
  readonly handle: (ctx: RequestContext) => Promise<unknown> | unknown;
  readonly status?: number;
  /** `json` (default) parses the body; `raw` hands the bytes over (CSV and JSON Lines imports). */
  readonly body?: 'json' | 'raw';
  /** Body limit of this route when it differs from the API's. */
  readonly maxBodyBytes?: number;
}

/** A handler's answer that is not JSON: image bytes, an HTML page. */
export class RawResponse {
  constructor(
    readonly contentType: string,
    readonly body: string | Uint8Array,
  ) {}
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
    const contentType = req.getHeader('content-type');
    let principal: Principal;
    try {
      if (!token) throw new ErrUnauthenticated('session token missing');
      principal = deps.accounts.authenticate(token);
      checkAnyAccess(principal, spec.action, Date.now());
    } catch (e) {
      sendError(res, e);
      return;
    }
    const limit = spec.maxBodyBytes ?? deps.maxBodyBytes;
    const body =
      spec.method === 'get' || spec.method === 'del'
        ? Promise.resolve(undefined)
        : readBody(res, limit).then((b) => (spec.body === 'raw' ? b : parseJson(b)));
    body
      .then((b) => spec.handle({ principal, from, query, params, body: b, contentType }))
      .then(
        (out) => (out instanceof RawResponse ? send(res, spec.status ?? 200, out.contentType, out.body) : sendJson(res, spec.status ?? 200, out ?? { ok: true })),
        (e: unknown) => sendError(res, e),
      );
  });
}

/** Passes when the principal may perform at least one of the actions; else the first refusal. */
function checkAnyAccess(p: Principal, action: string | readonly string[], now: number): void {
  const actions = typeof action === 'string' ? [action] : action;
  let refusal: unknown;
  for (const a of actions) {
    try {
      checkAccess(p, a, now);
      return;
    } catch (e) {
      refusal ??= e;
    }
  }
  throw refusal;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ErrBadInput(`malformed JSON body: ${(e as Error).message}`);
  }
}
