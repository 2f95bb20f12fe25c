/** `POST /v1/auth/login`, `/v1/auth/logout` (PROTOCOL.md, HTTP) and `GET /v1/auth/me`. */
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import type { Accounts } from '../../core/accounts/accounts.js';
import { ErrBadInput, ErrUnauthenticated } from '../../core/errors.js';
import { ACTIONS, AUTHZ, allows, trainingCurrent } from '../../core/policy/authz.js';
import { readBody, sendError, sendJson, trackAbort } from '../http.js';
import { bearer, clientAddress } from './api.js';

const Login = z.object({ user: z.string().min(1).max(120), password: z.string().min(1).max(1024) });

export function authRoutes(app: uWS.TemplatedApp, accounts: Accounts): void {
  app.post('/v1/auth/login', (res) => {
    trackAbort(res);
    const from = clientAddress(res);
    readBody(res, 16 << 10)
      .then((body) => {
        const parsed = Login.safeParse(safeJson(body));
        if (!parsed.success) throw new ErrBadInput('login needs `user` and `password`');
        return accounts.login(parsed.data.user, parsed.data.password, from);
      })
      .then(
        (r) => sendJson(res, 200, { token: r.token, expires: r.expires, user: r.principal.user, role: r.principal.role, trainingCurrent: r.trainingCurrent }),
        (e: unknown) => sendError(res, e),
      );
  });
  // What the signed-in person may do, so a console shows only what the role allows (POLICY R1).
  app.get('/v1/auth/me', (res, req) => {
    trackAbort(res);
    const token = bearer(req);
    try {
      if (!token) throw new ErrUnauthenticated('session token missing');
      const p = accounts.authenticate(token);
      const now = Date.now();
      const actions = ACTIONS.filter((a) => allows(p.role, a) && (!AUTHZ[a].data || trainingCurrent(p, now)));
      sendJson(res, 200, { user: p.user, role: p.role, trainingExpires: p.trainingExpires ?? null, actions });
    } catch (e) {
      sendError(res, e);
    }
  });
  app.post('/v1/auth/logout', (res, req) => {
    trackAbort(res);
    const token = bearer(req);
    const from = clientAddress(res);
    res.onData(() => undefined);
    (token ? accounts.logout(token, from) : Promise.resolve()).then(
      () => sendJson(res, 200, { ok: true }),
      (e: unknown) => sendError(res, e),
    );
  });
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
