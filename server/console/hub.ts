/**
 * The consoles connected now, their subscriptions, and pushing to them. A hit is encoded
 * once and sent to every console whose filter it passes. A console that does not keep up is
 * disconnected with a reason once its buffer passes the bound, so it never slows ingest or
 * the other consoles; it reconnects with `since` and misses nothing.
 */
import type { Logger } from 'pino';
import type uWS from 'uWebSockets.js';
import { ErrSlowConsumer } from '../../core/errors.js';
import type { Hit } from '../../core/hits/hit.js';
import type { Crop } from '../../core/reads/read.js';
import type { Principal } from '../../core/policy/authz.js';
import { encodeFrame } from '../codec.js';
import type { Metrics } from '../metrics.js';
import type { CameraStatus } from '../camera/health.js';

export interface Subscription {
  readonly lists?: ReadonlySet<string>;
  readonly cams?: ReadonlySet<string>;
  readonly minPri: number;
}

export interface ConsoleSession {
  readonly user: string;
  readonly role: string;
  readonly principal: Principal;
  /** Covert-list hits reach only roles allowed to see them. */
  readonly covert: boolean;
  sub?: Subscription;
  /** Reply in JSON text frames (browsers) instead of MessagePack. */
  json: boolean;
}

export type ConsoleSocket = uWS.WebSocket<ConsoleSession>;

export function hitFrame(hit: Hit, escalated = false): Record<string, unknown> {
  const { read, entry, match } = hit;
  return {
    t: 'hit',
    hit: hit.id,
    seq: hit.seq,
    ts: hit.ts,
    read: { plate: read.plate, st: read.st, conf: read.conf, cam: read.cam, seq: read.seq, ts: read.ts, lat: read.lat, lon: read.lon, veh: read.veh, cands: read.cands, ocr: read.ocr },
    entry: { list: entry.list, plate: entry.plate, st: entry.st, reason: entry.reason, pri: entry.pri, case: entry.case, info: entry.info, covert: entry.covert || undefined },
    match: { kind: match.kind, score: match.score, diff: match.diff, state: match.state, candidate: match.candidate },
    state: wireState(hit),
    // POLICY R5: unverified until a person confirmed list status and the visual match.
    verified: hit.life.verification?.listConfirmed === true && hit.life.verification.visualMatch === true,
    ...(escalated ? { escalated: true, escalations: hit.escalations } : {}),
  };
}

/** The state names of PROTOCOL.md (`acked`, not `acknowledged`). */
export function wireState(hit: Hit): string {
  return hit.life.state === 'acknowledged' ? 'acked' : hit.life.state;
}

export function passes(session: ConsoleSession, hit: Hit): boolean {
  const sub = session.sub;
  if (!sub) return false;
  if (hit.entry.covert && !session.covert) return false;
  if (hit.entry.pri < sub.minPri) return false;
  if (sub.lists && !sub.lists.has(hit.entry.list)) return false;
  if (sub.cams && !sub.cams.has(hit.read.cam)) return false;
  return true;
}

export class ConsoleHub {
  private readonly sockets = new Set<ConsoleSocket>();

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  add(ws: ConsoleSocket): void {
    this.sockets.add(ws);
    this.metrics.consoles.set(this.sockets.size);
  }

  remove(ws: ConsoleSocket): void {
    this.sockets.delete(ws);
    this.metrics.consoles.set(this.sockets.size);
  }

  get size(): number {
    return this.sockets.size;
  }

  /**
   * A new (or escalated) hit. The live push carries the plate crop the camera sent, so the
   * operator can compare it visually (POLICY R5); crops are not kept with the stored hit.
   */
  publish(hit: Hit, escalated = false, crop?: Crop): void {
    const frame = hitFrame(hit, escalated);
    if (!crop) return this.broadcast(frame, (s) => passes(s, hit));
    const read = frame.read as Record<string, unknown>;
    const bin = { ...frame, read: { ...read, crop } };
    const json = { ...frame, read: { ...read, crop: { ...crop, data: Buffer.from(crop.data).toString('base64') } } };
    this.broadcast(bin, (s) => passes(s, hit), json);
  }

  /** A state change of a hit, to every console that could see the hit. */
  update(hit: Hit): void {
    const { acknowledged, verification, disposition } = hit.life;
    const last = disposition ?? verification ?? acknowledged;
    const frame = {
      t: 'hit-update',
      hit: hit.id,
      state: wireState(hit),
      by: last?.by,
      ts: last?.at ?? Date.now(),
      ...(disposition ? { disp: disposition.disp, cfs: disposition.cfs } : {}),
      ...(verification ? { listConfirmed: verification.listConfirmed, visualMatch: verification.visualMatch } : {}),
    };
    this.broadcast(frame, (s) => passes(s, hit));
  }

  health(status: CameraStatus): void {
    this.broadcast({ t: 'health', cam: status.cam, state: status.state, since: status.since, reason: status.reason }, (s) => s.sub !== undefined);
  }

  list(list: string, state: 'fresh' | 'stale', age: number): void {
    this.broadcast({ t: 'list', list, state, age }, (s) => s.sub !== undefined);
  }

  /** Send to one console, enforcing the buffer bound. */
  send(ws: ConsoleSocket, frame: object, encoded?: { bin?: Uint8Array; json?: string }): void {
    const s = ws.getUserData();
    if (s.json) ws.send(encoded?.json ?? JSON.stringify(frame), false);
    else ws.send(encoded?.bin ?? encodeFrame(frame), true);
    if (ws.getBufferedAmount() > this.maxBufferedBytes) this.drop(ws, 'slow');
  }

  /** To every console `pick` accepts; `jsonFrame` is the text form when it differs (binary fields). */
  private broadcast(frame: object, pick: (s: ConsoleSession) => boolean, jsonFrame: object = frame): void {
    const encoded: { bin?: Uint8Array; json?: string } = {};
    for (const ws of this.sockets) {
      const s = ws.getUserData();
      if (!pick(s)) continue;
      if (s.json) encoded.json ??= JSON.stringify(jsonFrame);
      else encoded.bin ??= encodeFrame(frame);
      this.send(ws, frame, encoded);
    }
  }

  private drop(ws: ConsoleSocket, reason: string): void {
    const s = ws.getUserData();
    this.sockets.delete(ws);
    this.metrics.consolesDropped.inc({ reason });
    this.log.warn({ user: s.user, reason, code: ErrSlowConsumer.code }, 'console disconnected');
    ws.end(4008, ErrSlowConsumer.code);
  }
}
