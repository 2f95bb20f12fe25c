/**
 * `POST /v1/reads` (PROTOCOL.md, HTTP): one read or a batch, as MessagePack or JSON, with the
 * camera's token. The answer waits for the durable write and lists acked and nacked seqs;
 * when the server sheds load it answers 503 `PS_ERR_BUSY` with `retry`, and nothing was lost.
 */
import type uWS from 'uWebSockets.js';
import { ErrBadInput, ErrBusy, ErrUnauthenticated } from '../../core/errors.js';
import type { Camera, CameraRegistry } from '../../core/cameras/registry.js';
import type { ReadAdmission } from '../camera/admission.js';
import { decodeBody } from '../codec.js';
import { readBody, sendError, sendJson, trackAbort } from '../http.js';

export interface ReadsRouteDeps {
  readonly registry: CameraRegistry;
  readonly admission: ReadAdmission;
  readonly maxBodyBytes: number;
}

export interface HttpReadsResult {
  acked: number[];
  nacked: Array<{ seq?: number; code: string; msg: string }>;
  busy?: { retry: number; from: number };
}

export function cameraFromRequest(req: uWS.HttpRequest, registry: CameraRegistry): Camera {
  const auth = req.getHeader('authorization');
  const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : new URLSearchParams(req.getQuery() ?? '').get('token');
  const camera = token ? registry.authenticate(token) : undefined;
  if (!camera) throw new ErrUnauthenticated('camera token missing or not recognised');
  return camera;
}

/** Admit a list of reads for a camera and wait until the accepted ones are durable. */
export async function admitAndWait(admission: ReadAdmission, camera: Camera, items: readonly unknown[]): Promise<HttpReadsResult> {
  const state = admission.state(camera);
  const result: HttpReadsResult = { acked: [], nacked: [] };
  const accepted: number[] = [];
  for (const item of items) {
    const v = admission.admit(state, item, 'http');
    if (v.kind === 'accepted') accepted.push(v.seq);
    else if (v.kind === 'duplicate') result.acked.push(v.seq);
    else if (v.kind === 'nack') result.nacked.push({ seq: v.seq, code: v.code, msg: v.msg });
    else if (v.kind === 'invalid') result.nacked.push({ code: v.code, msg: v.msg });
    else if (v.kind === 'busy') result.busy ??= { retry: admission.busyRetryMs, from: v.seq };
  }
  if (accepted.length > 0) await state.whenDurable(Math.max(...accepted));
  for (const seq of accepted) {
    const refusal = state.takeRefusal(seq);
    if (refusal) result.nacked.push({ seq, ...refusal });
    else result.acked.push(seq);
  }
  return result;
}

/**
 * A camera's POST: token first, then the bounded body, then `handle`; the answer carries the
 * acked and nacked seqs, or 503 `PS_ERR_BUSY` when nothing could be taken.
 */
export function cameraPost(
  app: uWS.TemplatedApp,
  path: string,
  deps: ReadsRouteDeps,
  handle: (camera: Camera, body: unknown) => Promise<HttpReadsResult>,
): void {
  app.post(path, (res, req) => {
    trackAbort(res);
    const type = req.getHeader('content-type');
    let camera: Camera;
    try {
      camera = cameraFromRequest(req, deps.registry);
    } catch (e) {
      sendError(res, e);
      return;
    }
    readBody(res, deps.maxBodyBytes)
      .then((body) => handle(camera, parseBody(body, type)))
      .then(
        (result) => {
          if (result.busy && result.acked.length === 0) {
            sendJson(res, 503, { error: { code: ErrBusy.code, message: 'shedding load; resend from `busy.from`' }, ...result });
          } else sendJson(res, 200, result);
        },
        (e: unknown) => sendError(res, e),
      );
  });
}

export function readsRoute(app: uWS.TemplatedApp, deps: ReadsRouteDeps): void {
  cameraPost(app, '/v1/reads', deps, (camera, body) => admitAndWait(deps.admission, camera, itemsOf(body)));
}

export function parseBody(body: Buffer, contentType: string): unknown {
  if (contentType.includes('msgpack')) return decodeBody(body);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ErrBadInput(`malformed JSON body: ${(e as Error).message}`);
  }
}

/** One read, `{ items: [...] }` (as on the WebSocket), or a bare array. */
function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)) return (body as { items: unknown[] }).items;
  if (body && typeof body === 'object') return [body];
  throw new ErrBadInput('body must be a read, an array of reads, or { items: [...] }');
}
