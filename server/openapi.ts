/**
 * The HTTP API as an OpenAPI 3.1 document, served at `/v1/openapi.json` (PROTOCOL.md).
 * Error responses carry the stable codes of `docs/errors.md`.
 */
import { errorCatalogue } from '../core/errors.js';

type Op = {
  summary: string;
  tag: string;
  auth: 'camera' | 'session' | 'none';
  /** Action of the authorization table; with several, any one suffices. */
  action?: string | readonly string[];
  /** Needs a case number and permitted purpose (POLICY R2): body fields of a POST, query of a GET. */
  inquiry?: boolean;
  body?: string;
  ok?: string;
};

/** Every HTTP endpoint: method and path → what it does, who may call it. */
export const ENDPOINTS: Record<string, Op> = {
  'POST /v1/reads': { summary: 'One read, an array of reads, or { items } (MessagePack or JSON); answers after the durable write', tag: 'cameras', auth: 'camera', action: 'reads.write', body: 'Read', ok: 'ReadsResult' },
  'POST /v1/compat/openalpr': { summary: 'OpenALPR agent uploads (alpr_group, alpr_results, heartbeat), unchanged; token in ?token=', tag: 'cameras', auth: 'camera', action: 'reads.write' },
  'POST /v1/auth/login': { summary: 'Sign in with user and password; returns a session token', tag: 'auth', auth: 'none' },
  'POST /v1/auth/logout': { summary: 'End the session of the bearer token', tag: 'auth', auth: 'session' },
  'GET /v1/auth/me': { summary: 'The signed-in person: role, training expiry, and the actions the role and training allow now', tag: 'auth', auth: 'session' },
  'POST /v1/search': { summary: 'Partial-plate search of stored detections, newest first, with total and cursor', tag: 'detections', auth: 'session', action: 'detections.search', inquiry: true },
  'GET /v1/detections/:id': { summary: 'One stored detection', tag: 'detections', auth: 'session', action: 'detections.view', inquiry: true },
  'GET /v1/detections/:id/crop': { summary: 'The plate crop (image/png, image/jpeg, or PGM for gray8)', tag: 'detections', auth: 'session', action: 'images.view', inquiry: true },
  'GET /v1/detections/:id/image': { summary: 'The overview JPEG', tag: 'detections', auth: 'session', action: 'images.view', inquiry: true },
  'GET /v1/holds': { summary: 'Evidence holds in force', tag: 'holds', auth: 'session', action: 'holds.view' },
  'POST /v1/holds': { summary: 'Place an evidence hold on detections by ids and/or a search, under a case number', tag: 'holds', auth: 'session', action: 'holds.place', inquiry: true },
  'POST /v1/holds/:id/release': { summary: 'Release an evidence hold: its copies are erased', tag: 'holds', auth: 'session', action: 'holds.release' },
  'GET /v1/hits': { summary: 'Stored hits after ?since, with their lifecycle', tag: 'hits', auth: 'session', action: 'hits.view', inquiry: true },
  'GET /v1/hits/:id': { summary: 'One hit with its lifecycle', tag: 'hits', auth: 'session', action: 'hits.view', inquiry: true },
  'GET /v1/hotlists': { summary: 'Hot lists: settings, counts, freshness, approval state', tag: 'hotlists', auth: 'session', action: ['hotlist.designate', 'cameras.view'] },
  'GET /v1/hotlists/:list/entries': { summary: 'Entries of a hot list', tag: 'hotlists', auth: 'session', action: 'hotlist.view', inquiry: true },
  'PUT /v1/hotlists/:list': { summary: 'Designate a list or change its settings (kind, distance, confidence, covert, informational)', tag: 'hotlists', auth: 'session', action: 'hotlist.designate' },
  'POST /v1/hotlists/:list/import': { summary: 'Import a feed (text/csv or application/x-ndjson body); ?replace=1 replaces the list atomically', tag: 'hotlists', auth: 'session', action: 'hotlist.import' },
  'POST /v1/hotlists/:list/approve': { summary: 'The profile’s approver puts a pending special list live (or rejects it); never the person who changed it', tag: 'hotlists', auth: 'session', action: 'hotlist.approve' },
  'POST /v1/hotplates': { summary: 'Enter a manual hot plate: name, phone, case number and synopsis required; expiry capped by the profile', tag: 'hotlists', auth: 'session', action: 'hotplate.enter' },
  'GET /v1/users': { summary: 'Accounts', tag: 'users', auth: 'session', action: 'users.manage' },
  'POST /v1/users': { summary: 'Create an account', tag: 'users', auth: 'session', action: 'users.manage' },
  'POST /v1/users/:user/disable': { summary: 'Disable an account, with a reason; its sessions end', tag: 'users', auth: 'session', action: 'users.manage' },
  'POST /v1/users/:user/train': { summary: 'Record department-approved training', tag: 'users', auth: 'session', action: 'users.manage' },
  'POST /v1/users/:user/review': { summary: 'Review an account: next review date, clear a lockout, re-enable', tag: 'users', auth: 'session', action: 'users.manage' },
  'GET /v1/cameras': { summary: 'Cameras with their health', tag: 'cameras', auth: 'session', action: 'cameras.view' },
  'POST /v1/cameras': { summary: 'Register a camera with its placement justification; the token is shown once', tag: 'cameras', auth: 'session', action: 'cameras.manage' },
  'POST /v1/cameras/:id/token': { summary: 'Issue a new camera token; the old one stops working', tag: 'cameras', auth: 'session', action: 'cameras.manage' },
  'PUT /v1/cameras/:id/zones': { summary: 'Set the exclusion zones (polygons of [lat, lon]) inside which reads are dropped', tag: 'cameras', auth: 'session', action: 'cameras.manage' },
  'GET /v1/audit': { summary: 'Audit records by ?from, ?to, ?action, ?limit', tag: 'audit', auth: 'session', action: 'audit.read' },
  'GET /v1/audit/verify': { summary: 'Check the hash chain; names the first broken record', tag: 'audit', auth: 'session', action: 'audit.verify' },
  'POST /v1/audit/samples': { summary: 'Draw a random sample of browsing inquiries (reproducible from its seed)', tag: 'audit', auth: 'session', action: 'audit.sample' },
  'POST /v1/audit/samples/:id/reviews': { summary: 'Record a review outcome for one sampled inquiry', tag: 'audit', auth: 'session', action: 'audit.review' },
  'GET /v1/agencies': { summary: 'The agency registry', tag: 'releases', auth: 'session', action: 'agencies.manage' },
  'POST /v1/agencies': { summary: 'Add or update an agency (kind, state, federal, contract)', tag: 'releases', auth: 'session', action: 'agencies.manage' },
  'GET /v1/releases': { summary: 'Release requests (?status)', tag: 'releases', auth: 'session', action: 'releases.view' },
  'POST /v1/releases': { summary: 'Record a written release request; denied at once, naming the rule, when the profile forbids it', tag: 'releases', auth: 'session', action: 'releases.request' },
  'POST /v1/releases/:id/decision': { summary: 'The designated approver approves or denies a pending request', tag: 'releases', auth: 'session', action: 'releases.decide' },
  'POST /v1/releases/:id/fulfil': { summary: 'Export exactly the approved scope, once, and record it', tag: 'releases', auth: 'session', action: 'releases.fulfil' },
  'GET /v1/reports/quarterly': { summary: 'Quarterly report of ALPR activity (?year&quarter&format=json|html)', tag: 'reports', auth: 'session', action: 'reports.read' },
  'GET /transparency': { summary: 'Public transparency page (HTML): policy, retention, counts, agencies shared with; nothing personal', tag: 'reports', auth: 'none' },
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

/** On a GET the inquiry travels in the query; on a POST it is part of the JSON body. */
function inquiryParameters(method: string): unknown[] {
  if (method !== 'GET') return [];
  return ['case', 'purpose'].map((name) => ({ name, in: 'query', schema: { type: 'string' }, description: 'required as the profile says (POLICY R2)' }));
}

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
      ...(op.inquiry ? { 'x-platesafe-inquiry': 'case and purpose required (POLICY R2)', parameters: inquiryParameters(method) } : {}),
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
