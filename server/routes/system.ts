/**
 * Unauthenticated system endpoints: `/healthz` (liveness and readiness, list freshness and
 * camera counts; no plates), `/metrics` (Prometheus text), `/v1/openapi.json`.
 */
import type uWS from 'uWebSockets.js';
import type { Profile } from '../../core/policy/profile.js';
import type { CameraHealth } from '../camera/health.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { Metrics } from '../metrics.js';
import type { MatchPool } from '../../workers/match-pool.js';
import type { Rooms } from '../rooms.js';
import { send, sendJson } from '../http.js';
import { openApiDocument } from '../openapi.js';

export interface SystemDeps {
  readonly profile: Profile;
  readonly rooms: Rooms;
  readonly health: CameraHealth;
  readonly metrics: Metrics;
  readonly pipeline: IngestPipeline;
  readonly pool: MatchPool;
}

export function systemRoutes(app: uWS.TemplatedApp, deps: SystemDeps): void {
  const started = Date.now();
  app.get('/healthz', (res) => {
    const lists = deps.rooms.listFreshness();
    const cameras = deps.health.counts();
    const stale = lists.filter((l) => l.state === 'stale').map((l) => l.list);
    const ready = deps.pipeline.hasRoom();
    sendJson(res, ready ? 200 : 503, {
      status: ready ? (stale.length > 0 ? 'degraded' : 'ok') : 'shedding',
      profile: deps.profile.name,
      uptime_s: Math.round((Date.now() - started) / 1000),
      cameras,
      faults: deps.health.status().filter((s) => s.state === 'fault' || s.state === 'stale').map((s) => ({ cam: s.cam, state: s.state, reason: s.reason })),
      lists,
      stale_lists: stale,
      ingest: { in_flight: deps.pipeline.depth, match_queue: deps.pool.queueSize, generation: deps.pool.generation },
    });
  });
  app.get('/metrics', (res) => {
    res.onAborted(() => ((res as { aborted?: boolean }).aborted = true));
    for (const [state, n] of Object.entries(deps.health.counts())) deps.metrics.cameras.set({ state }, n);
    deps.metrics.matchQueue.set(deps.pool.queueSize);
    void deps.metrics.registry.metrics().then((text) => send(res, 200, deps.metrics.registry.contentType, text));
  });
  const doc = JSON.stringify(openApiDocument());
  app.get('/v1/openapi.json', (res) => send(res, 200, 'application/json', doc));
}
