/**
 * HTTP plumbing for uWebSockets.js: reading a bounded body, answering JSON, and the error
 * shape of PROTOCOL.md (`{ error: { code, message } }` with the code's status).
 */
import type { HttpResponse } from 'uWebSockets.js';
import { ErrInternal, ErrTooLarge, isPlateSafeError, type PlateSafeError } from '../core/errors.js';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  202: '202 Accepted',
  204: '204 No Content',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Entity',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`;
}

/** Write a complete response; a no-op when the client already went away. */
export function send(res: HttpResponse, status: number, contentType: string, body: string | Uint8Array): void {
  if ((res as { aborted?: boolean }).aborted) return;
  res.cork(() => {
    res.writeStatus(statusLine(status)).writeHeader('Content-Type', contentType).end(body);
  });
}

export function sendJson(res: HttpResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

export function sendError(res: HttpResponse, e: unknown): PlateSafeError {
  const err = isPlateSafeError(e) ? e : new ErrInternal();
  sendJson(res, err.status, { error: { code: err.code, message: err.message } });
  return err;
}

/** Mark the response aborted so late writers skip it. Call before any async work. */
export function trackAbort(res: HttpResponse): void {
  res.onAborted(() => {
    (res as { aborted?: boolean }).aborted = true;
  });
}

/** Collect a request body up to `limit` bytes; larger bodies reject with 413. */
export function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new ErrTooLarge(`body over ${limit} bytes`));
        return;
      }
      // uWS reuses the chunk's memory after this callback returns: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  });
}
