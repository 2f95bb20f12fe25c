/**
 * The HTTP API as an OpenAPI 3.1 document, served at `/v1/openapi.json` (PROTOCOL.md).
 * Error responses carry the stable codes of `docs/errors.md`.
 */
import { errorCatalogue } from '../core/errors.js';

type Op = { summary: string; tag: string; auth: 'camera' | 'session' | 'none'; action?: string; body?: string; ok?: string };

/** Every HTTP endpoint: method and path → what it does, who may call it. */
export const ENDPOINTS: Record<string, Op> = {
  'POST /v1/reads': { summary: 'One read, an array of reads, or { items } (MessagePack or JSON); answers after the durable write', tag: 'cameras', auth: 'camera', action: 'reads.write', body: 'Read', ok: 'ReadsResult' },
  'POST /v1/compat/openalpr': { summary: 'OpenALPR agent uploads (alpr_group, alpr_results, heartbeat), unchanged; token in ?token=', tag: 'cameras', auth: 'camera', action: 'reads.write' },
  'POST /v1/auth/login': { summary: 'Sign in with user and password; returns a session token', tag: 'auth', auth: 'none' },
  'POST /v1/auth/logout': { summary: 'End the session of the bearer token', tag: 'auth', auth: 'session' },
  'GET /healthz': { summary: 'Liveness and readiness, list freshness, camera health counts', tag: 'system', auth: 'none' },
  'GET /metrics': { summary: 'Prometheus text format counters and histograms', tag: 'system', auth: 'none' },
  'GET /v1/openapi.json': { summary: 'This document', tag: 'system', auth: 'none' },
};

const ReadSchema = {
  type: 'object',
  required: ['seq', 'ts'],
  properties: {
    seq: { type: 'integer', minimum: 0, description: 'per camera, strictly increasing' },
    ts: { type: 'integer', description: 'capture time, ms since the epoch (UTC)' },
    plate: { type: 'string' },
    st: { type: 'string', description: 'jurisdiction, e.g. CA' },
    conf: { type: 'number', minimum: 0, maximum: 1 },
    cands: { type: 'array', items: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    crop: { type: 'object', properties: { fmt: { enum: ['gray8', 'png', 'jpeg'] }, w: { type: 'integer' }, h: { type: 'integer' }, data: { type: 'string', contentEncoding: 'base64' } } },
    lat: { type: 'number' },
    lon: { type: 'number' },
    hdg: { type: 'number' },
    spd: { type: 'number' },
    lane: { type: 'integer' },
    veh: { type: 'object', properties: { make: { type: 'string' }, model: { type: 'string' }, color: { type: 'string' }, body: { type: 'string' } } },
  },
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(ENDPOINTS)) {
    const [method, path] = key.split(' ') as [string, string];
    const oaPath = path.replace(/:([a-z]+)/g, '{$1}');
    paths[oaPath] ??= {};
    paths[oaPath]![method.toLowerCase()] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.action ? { 'x-platesafe-action': op.action } : {}),
      security: op.auth === 'none' ? [] : [{ [op.auth === 'camera' ? 'cameraToken' : 'sessionToken']: [] }],
      ...(op.body ? { requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } }, 'application/msgpack': {} } } } : {}),
      responses: {
        '200': { description: 'OK' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'PlateSafe', version: '1', description: 'ALPR back end: wire protocol v1 (WebSocket channels /v1/camera and /v1/console are described in PROTOCOL.md).' },
    paths,
    components: {
      securitySchemes: {
        cameraToken: { type: 'http', scheme: 'bearer', description: 'Per-camera token issued by an administrator' },
        sessionToken: { type: 'http', scheme: 'bearer', description: 'Session token from /v1/auth/login' },
      },
      schemas: {
        Read: ReadSchema,
        Error: {
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { enum: errorCatalogue().map((e) => e.code) }, message: { type: 'string' } } } },
        },
      },
    },
  };
}
