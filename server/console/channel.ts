/**
 * `/v1/console` (PROTOCOL.md): session-token authentication at upgrade (only roles that may
 * receive hits), `sub` with filters and `since` replay, and the operator's actions on a hit:
 * `ack`, `verify`, `dispose`. Each action is checked against the authorization table,
 * stored, and broadcast as `hit-update` (POLICY R5: who and when at each step).
 */
import type { Logger } from 'pino';
import type uWS from 'uWebSockets.js';
import { z } from 'zod';
import { ErrBadInput, ErrInternal, ErrNotFound, ErrUnauthenticated, ErrUnknownType, isPlateSafeError } from '../../core/errors.js';
import { isMisread, transition, type HitAction } from '../../core/hits/lifecycle.js';
import type { Principal } from '../../core/policy/authz.js';
import type { HitStore } from '../../core/hits/store.js';
import { decodeFrame, type Frame } from '../codec.js';
import { sendError } from '../http.js';
import type { Metrics } from '../metrics.js';
import { hitFrame, passes, type ConsoleHub, type ConsoleSession, type ConsoleSocket } from './hub.js';

export interface ConsoleChannelDeps {
  /** The person behind a session token; throws `PS_ERR_UNAUTHENTICATED`. */
  readonly authenticate: (token: string) => Principal;
  /** Role and training check for an action; throws `PS_ERR_FORBIDDEN` or the training code. */
  readonly checkAccess: (p: Principal, action: string) => void;
  readonly may: (role: string, action: string) => boolean;
  readonly hits: HitStore;
  readonly hub: ConsoleHub;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly maxFrameBytes: number;
  readonly replayLimit: number;
  /** How far back `sub { open: true }` looks for hits still open. */
  readonly openReplayMs: number;
}

const SubSchema = z.object({
  lists: z.array(z.string().min(1)).max(200).optional(),
  cams: z.array(z.string().min(1)).max(5000).optional(),
  minPri: z.number().min(0).max(100).default(0),
  since: z.number().int().nonnegative().optional(),
  /** A console starting fresh asks for the hits still open (not disposed) of recent hours. */
  open: z.boolean().optional(),
});

const HitRef = z.object({ hit: z.string().min(1).max(64) });
const VerifySchema = HitRef.extend({ listConfirmed: z.boolean(), visualMatch: z.boolean(), note: z.string().max(2000).optional() });
const DisposeSchema = HitRef.extend({
  disp: z.enum(['arrest', 'recovered', 'cfs_created', 'not_located', 'no_longer_wanted', 'misread', 'other']),
  cfs: z.string().min(1).max(64).optional(),
  note: z.string().max(2000).optional(),
});

const ACTION_RIGHTS: Record<HitAction['t'], string> = { ack: 'hits.ack', verify: 'hits.verify', dispose: 'hits.dispose' };

export function consoleBehavior(deps: ConsoleChannelDeps): uWS.WebSocketBehavior<ConsoleSession> {
  return {
    maxPayloadLength: deps.maxFrameBytes,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    maxBackpressure: 8 << 20,
    upgrade(res, req, context) {
      const auth = req.getHeader('authorization');
      const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : new URLSearchParams(req.getQuery() ?? '').get('token');
      let who: Principal;
      try {
        if (!token) throw new ErrUnauthenticated('session token missing');
        who = deps.authenticate(token);
        deps.checkAccess(who, 'hits.receive');
      } catch (e) {
        count(deps, undefined, e);
        sendError(res, e);
        return;
      }
      const session: ConsoleSession = { user: who.user, role: who.role, principal: who, covert: deps.may(who.role, 'covert.receive'), json: false };
      res.upgrade(session, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open(ws) {
      deps.hub.add(ws);
      deps.log.info({ user: ws.getUserData().user, role: ws.getUserData().role }, 'console connected');
    },
    message(ws, message, isBinary) {
      const session = ws.getUserData();
      session.json = !isBinary;
      let frame: Frame;
      try {
        frame = decodeFrame(message, isBinary);
        handle(ws, frame, deps);
      } catch (e) {
        count(deps, session.user, e);
        const code = isPlateSafeError(e) ? e.code : ErrInternal.code;
        deps.hub.send(ws, { t: 'err', code, msg: e instanceof Error ? e.message : String(e) });
      }
    },
    close(ws, code) {
      deps.hub.remove(ws);
      deps.log.info({ user: ws.getUserData().user, code }, 'console disconnected');
    },
  };
}

function handle(ws: ConsoleSocket, frame: Frame, deps: ConsoleChannelDeps): void {
  switch (frame.t) {
    case 'sub':
      return subscribe(ws, parse(SubSchema, frame), deps);
    case 'ack':
      return act(ws, parse(HitRef, frame).hit, { t: 'ack' }, deps);
    case 'verify': {
      const v = parse(VerifySchema, frame);
      return act(ws, v.hit, { t: 'verify', listConfirmed: v.listConfirmed, visualMatch: v.visualMatch, note: v.note }, deps);
    }
    case 'dispose': {
      const d = parse(DisposeSchema, frame);
      return act(ws, d.hit, { t: 'dispose', disp: d.disp, cfs: d.cfs, note: d.note }, deps);
    }
    default:
      throw new ErrUnknownType(`unknown frame type ${JSON.stringify(frame.t)}`);
  }
}

function subscribe(ws: ConsoleSocket, sub: z.infer<typeof SubSchema>, deps: ConsoleChannelDeps): void {
  const session = ws.getUserData();
  session.sub = {
    lists: sub.lists ? new Set(sub.lists) : undefined,
    cams: sub.cams ? new Set(sub.cams) : undefined,
    minPri: sub.minPri,
  };
  if (sub.since === undefined) {
    if (sub.open) for (const hit of deps.hits.open(Date.now() - deps.openReplayMs, deps.replayLimit)) if (passes(session, hit)) deps.hub.send(ws, { ...hitFrame(hit), replay: true });
    return;
  }
  // Replay what the console missed, oldest first, then live hits follow.
  let from = sub.since;
  for (;;) {
    const page = deps.hits.since(from, deps.replayLimit);
    for (const hit of page) if (passes(session, hit)) deps.hub.send(ws, { ...hitFrame(hit), replay: true });
    if (page.length < deps.replayLimit) break;
    from = page[page.length - 1]!.seq;
  }
}

function act(ws: ConsoleSocket, id: string, action: HitAction, deps: ConsoleChannelDeps): void {
  const session = ws.getUserData();
  deps.checkAccess(session.principal, ACTION_RIGHTS[action.t]);
  const current = deps.hits.get(id);
  if (!current || (current.entry.covert && !session.covert)) throw new ErrNotFound(`no hit ${id}`);
  // Decided inside the store's transaction against the latest state, so two quick steps
  // of one operator apply in order; an illegal step comes back as `err` with its code.
  let before = current;
  deps.hits
    .update(id, (hit) => {
      before = hit;
      return { ...hit, life: transition(hit.life, action, session.user, Date.now()) };
    })
    .then(
      (hit) => {
        deps.log.info({ hit: id, user: session.user, action: action.t, state: hit.life.state }, 'hit updated');
        // POLICY R5: misreads are counted per camera and per list, once per hit.
        if (isMisread(hit.life) && !isMisread(before.life)) deps.metrics.misreads.inc({ cam: hit.read.cam, list: hit.entry.list });
        deps.hub.update(hit);
      },
      (e: unknown) => {
        count(deps, session.user, e);
        deps.hub.send(ws, { t: 'err', code: isPlateSafeError(e) ? e.code : ErrInternal.code, msg: (e as Error).message, hit: id });
      },
    );
}

function parse<T extends z.ZodType>(schema: T, frame: Frame): z.infer<T> {
  const r = schema.safeParse(frame);
  if (!r.success) throw new ErrBadInput(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

function count(deps: ConsoleChannelDeps, user: string | undefined, e: unknown): void {
  const code = isPlateSafeError(e) ? e.code : ErrInternal.code;
  deps.metrics.frameErrors.inc({ channel: 'console', code });
  deps.log.warn({ channel: 'console', user, code, msg: (e as Error).message }, 'console frame refused');
}

