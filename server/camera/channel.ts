/**
 * `/v1/camera` (PROTOCOL.md): token authentication at upgrade, `hello`/`welcome` with resume
 * from the last durable seq, reads and batches of reads, heartbeats. Every bad frame gets its
 * documented code (`nack` for one read, `err` for the connection), is counted and logged, and
 * the connection survives wherever the protocol allows.
 */
import type { Logger } from 'pino';
import type uWS from 'uWebSockets.js';
import {
  ErrBadInput,
  ErrCameraMismatch,
  ErrHelloFirst,
  ErrInternal,
  ErrReplaced,
  ErrUnauthenticated,
  ErrUnknownType,
  isPlateSafeError,
} from '../../core/errors.js';
import type { Camera, CameraRegistry } from '../../core/cameras/registry.js';
import { decodeFrame, encodeFrame, type Frame } from '../codec.js';
import { sendError } from '../http.js';
import type { Metrics } from '../metrics.js';
import type { CameraLink, CameraState, ReadAdmission, Verdict } from './admission.js';
import type { CameraHealth } from './health.js';

export interface CameraChannelDeps {
  readonly registry: CameraRegistry;
  readonly admission: ReadAdmission;
  readonly health: CameraHealth;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly maxFrameBytes: number;
  readonly heartbeatS: number;
}

interface CameraSocketData {
  camera: Camera;
  state?: CameraState;
  link?: SocketLink;
}

type CameraSocket = uWS.WebSocket<CameraSocketData>;

/** Frames back to one camera socket. */
class SocketLink implements CameraLink {
  closed = false;

  constructor(
    private readonly ws: CameraSocket,
    private readonly busyRetryMs: number,
  ) {}

  send(frame: object): void {
    if (!this.closed) this.ws.send(encodeFrame(frame), true);
  }

  /**
   * The store could not take a batch. A later batch may still succeed, and its cumulative
   * ack would then cover reads that are not stored; so close, and let the camera resume from
   * its `welcome` ack, which only ever reports what is durable.
   */
  failed(): void {
    if (this.closed) return;
    this.send({ t: 'busy', retry: this.busyRetryMs });
    this.end(1013, 'storage unavailable; resume from welcome');
  }

  end(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.end(code, reason);
  }
}

export function cameraBehavior(deps: CameraChannelDeps): uWS.WebSocketBehavior<CameraSocketData> {
  return {
    maxPayloadLength: deps.maxFrameBytes,
    idleTimeout: Math.max(deps.heartbeatS * 4, 16),
    sendPingsAutomatically: true,
    maxBackpressure: 1 << 20,
    upgrade(res, req, context) {
      const camera = authenticate(req, deps.registry);
      if (!camera) {
        count(deps, undefined, ErrUnauthenticated.code, 'camera token missing or not recognised');
        sendError(res, new ErrUnauthenticated('camera token missing or not recognised'));
        return;
      }
      res.upgrade<CameraSocketData>(
        { camera },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open(ws) {
      deps.log.info({ cam: ws.getUserData().camera.id }, 'camera connected');
    },
    message(ws, message, isBinary) {
      const data = ws.getUserData();
      let frame: Frame;
      try {
        frame = decodeFrame(message, isBinary);
      } catch (e) {
        return refuse(ws, deps, e);
      }
      if (frame.t === 'hello') return hello(ws, frame, deps);
      const state = data.state;
      if (!state) return refuse(ws, deps, new ErrHelloFirst());
      deps.health.seen(state.cam);
      switch (frame.t) {
        case 'read':
          return answer(data, deps.admission.admit(state, frame, 'ws'), deps);
        case 'reads':
          return admitBatch(ws, frame, deps);
        case 'hb':
          return deps.health.heartbeat(state.cam, frame);
        default:
          return refuse(ws, deps, new ErrUnknownType(`unknown frame type ${JSON.stringify(frame.t)}`));
      }
    },
    close(ws, code) {
      const { state, link, camera } = ws.getUserData();
      if (link) link.closed = true;
      if (state && link && state.link === link) {
        deps.admission.detach(state, link);
        deps.health.disconnected(camera.id);
      }
      deps.log.info({ cam: camera.id, code }, 'camera disconnected');
    },
  };
}

function authenticate(req: uWS.HttpRequest, registry: CameraRegistry): Camera | undefined {
  const auth = req.getHeader('authorization');
  const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : new URLSearchParams(req.getQuery() ?? '').get('token');
  return token ? registry.authenticate(token) : undefined;
}

function hello(ws: CameraSocket, frame: Frame, deps: CameraChannelDeps): void {
  const data = ws.getUserData();
  if (frame.cam !== data.camera.id) {
    refuse(ws, deps, new ErrCameraMismatch(`token belongs to camera ${data.camera.id}, not ${String(frame.cam)}`));
    ws.end(4003, ErrCameraMismatch.code);
    return;
  }
  const link = data.link ?? new SocketLink(ws, deps.admission.busyRetryMs);
  // One connection per camera: the newest wins and the old one is told why.
  const previous = deps.admission.state(data.camera).link;
  if (previous instanceof SocketLink && previous !== link) {
    previous.send({ t: 'err', code: ErrReplaced.code, msg: 'a newer connection for this camera took over' });
    previous.end(4009, ErrReplaced.code);
  }
  data.link = link;
  data.state = deps.admission.attach(data.camera, link);
  deps.health.connected(data.camera.id, typeof frame.fw === 'string' ? frame.fw : undefined);
  link.send({ t: 'welcome', ack: data.state.durableSeq, hb: deps.heartbeatS });
}

function admitBatch(ws: CameraSocket, frame: Frame, deps: CameraChannelDeps): void {
  const data = ws.getUserData();
  if (!Array.isArray(frame.items)) return refuse(ws, deps, new ErrBadInput('`reads` needs an `items` array'));
  for (const item of frame.items) answer(data, deps.admission.admit(data.state!, item, 'ws'), deps);
}

function answer(data: CameraSocketData, v: Verdict, deps: CameraChannelDeps): void {
  const link = data.link!;
  switch (v.kind) {
    case 'accepted':
    case 'duplicate':
      return;
    case 'busy':
      if (v.first) link.send({ t: 'busy', retry: deps.admission.busyRetryMs });
      return;
    case 'nack':
      return link.send({ t: 'nack', seq: v.seq, code: v.code, msg: v.msg });
    case 'invalid':
      return link.send({ t: 'err', code: v.code, msg: v.msg });
  }
}

/** Answer a connection-level error with `err`, count it and log it; the connection stays. */
function refuse(ws: CameraSocket, deps: CameraChannelDeps, e: unknown): void {
  const code = isPlateSafeError(e) ? e.code : ErrInternal.code;
  const msg = e instanceof Error ? e.message : String(e);
  count(deps, ws.getUserData().camera.id, code, msg);
  const link = ws.getUserData().link;
  if (link) link.send({ t: 'err', code, msg });
  else ws.send(encodeFrame({ t: 'err', code, msg }), true);
}

function count(deps: CameraChannelDeps, cam: string | undefined, code: string, msg: string): void {
  deps.metrics.frameErrors.inc({ channel: 'camera', code });
  deps.log.warn({ channel: 'camera', cam, code, msg }, 'frame refused');
}
