/**
 * The PlateSafe server: the composition root. It opens the stores, starts the worker pools,
 * wires the camera and console channels and the HTTP API onto one uWebSockets.js app, and
 * shuts down in order: stop accepting, flush the group commit, ack what is durable, close.
 * Start-up validates configuration and profile; a bad one stops here, never at a request.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import uWS from 'uWebSockets.js';
import { pino, type Logger } from 'pino';
import { parseConfig, type Config, type ConfigInput } from '../core/config/config.js';
import { loadProfile } from '../core/policy/profiles.js';
import type { Profile } from '../core/policy/profile.js';
import { allows, checkAccess } from '../core/policy/authz.js';
import { ConsoleHub } from './console/hub.js';
import { consoleBehavior } from './console/channel.js';
import { cameraBehavior } from './camera/channel.js';
import { ReadAdmission } from './camera/admission.js';
import { CameraHealth } from './camera/health.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { PoolMatchService } from './ingest/match-service.js';
import { OcrStage } from './ingest/ocr-stage.js';
import { loadModel } from '../models/loader.js';
import { createMetrics, type Metrics } from './metrics.js';
import { openRooms, type Rooms } from './rooms.js';
import { MatchPool } from '../workers/match-pool.js';
import { readsRoute } from './routes/reads.js';
import { openAlprRoute } from './routes/openalpr.js';
import { authRoutes } from './routes/auth.js';
import { systemRoutes } from './routes/system.js';
import { consoleRoutes } from './routes/console.js';
import { Escalator } from './console/escalator.js';
import { ScheduledImports } from './hotlists/scheduled-imports.js';
import type { RouteDeps } from './routes/deps.js';
import { searchRoutes } from './routes/search.js';
import { detectionRoutes } from './routes/detections.js';
import { holdRoutes } from './routes/holds.js';
import { hitRoutes } from './routes/hits.js';
import { hotlistRoutes } from './routes/hotlists.js';
import { hotplateRoutes } from './routes/hotplates.js';
import { userRoutes } from './routes/users.js';
import { cameraRoutes } from './routes/cameras.js';
import { auditRoutes } from './routes/audit.js';
import { releaseRoutes } from './routes/releases.js';
import { reportRoutes } from './routes/reports.js';
import { startDemoFleet } from './demo/fleet.js';
import { scheduleCompaction } from './compaction.js';
import type { CompactionJob } from '../core/detections/compaction.js';

export interface Server {
  readonly port: number;
  readonly url: string;
  readonly config: Config;
  readonly profile: Profile;
  readonly log: Logger;
  readonly rooms: Rooms;
  readonly metrics: Metrics;
  readonly imports: ScheduledImports;
  readonly compaction: CompactionJob;
  close(): Promise<void>;
}

export async function startServer(input: ConfigInput = {}, logger?: Logger): Promise<Server> {
  const config = parseConfig(input);
  const profile = loadProfile(config.profile);
  // A missing or altered OCR model stops start-up here, never at the first crop.
  const model = loadModel();
  const log = logger ?? pino({ name: 'platesafe', level: config.log.level });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const metrics = createMetrics();
  const rooms = await openRooms(dataDir, config, profile, log);
  const pool = new MatchPool(rooms.hotlists.snapshot(), { threads: config.match.threads, maxQueue: config.match.maxQueue });
  const unsubscribe = rooms.hotlists.onGeneration((s) => pool.setSnapshot(s));

  const hub = new ConsoleHub(config.consoles.maxBufferedBytes, metrics, log);
  const health = new CameraHealth(config.ingest.heartbeatS, (s) => hub.health(s), log);
  for (const cam of rooms.cameras.list()) health.register(cam.id);
  health.start();
  const matcher = new PoolMatchService(pool, rooms.hotlists, config.match.maxHitsPerRead);
  const ocr = new OcrStage(model, config.ocr, (code) => {
    metrics.ocrErrors.inc({ code });
    log.warn({ code }, 'crop could not be read');
  });
  const pipeline = new IngestPipeline(matcher, rooms.detections, rooms.hits, hub, ocr, metrics, log, config.ingest);
  const admission = new ReadAdmission(pipeline, ocr, rooms.detections, metrics, log, config.ingest.busyRetryMs);

  const app = uWS.App();
  app.ws('/v1/camera', cameraBehavior({ registry: rooms.cameras, admission, health, metrics, log, maxFrameBytes: config.ingest.maxFrameBytes, heartbeatS: config.ingest.heartbeatS }));
  app.ws(
    '/v1/console',
    consoleBehavior({
      authenticate: (token) => rooms.accounts.authenticate(token),
      checkAccess: (p, action) => checkAccess(p, action, Date.now()),
      may: allows,
      hits: rooms.hits,
      hub,
      metrics,
      log,
      maxFrameBytes: 64 << 10,
      replayLimit: config.consoles.replayLimit,
      openReplayMs: config.consoles.openReplayHours * 3_600_000,
    }),
  );
  const readsDeps = { registry: rooms.cameras, admission, maxBodyBytes: config.ingest.maxBodyBytes };
  readsRoute(app, readsDeps);
  openAlprRoute(app, { ...readsDeps, health });
  authRoutes(app, rooms.accounts);
  systemRoutes(app, { profile, rooms, health, metrics, pipeline, pool });
  const api: RouteDeps = { accounts: rooms.accounts, maxBodyBytes: 1 << 20, config, profile, rooms, hub, health, admission, dataDir };
  searchRoutes(app, api);
  detectionRoutes(app, api);
  holdRoutes(app, api);
  hitRoutes(app, api);
  hotlistRoutes(app, api);
  hotplateRoutes(app, api);
  userRoutes(app, api);
  cameraRoutes(app, api);
  auditRoutes(app, api);
  releaseRoutes(app, api);
  reportRoutes(app, api);
  const imports = new ScheduledImports(api, config.hotlistImports, log);
  if (config.hotlistImports.enabled) imports.start();
  consoleRoutes(app, { profile });

  const compaction = scheduleCompaction(rooms.detections, rooms.audit, config.compaction, log);
  const escalator = new Escalator(rooms.hits, hub, metrics, config.consoles.escalateAfterS * 1000, config.consoles.maxEscalations);
  escalator.start();

  const listen = await new Promise<uWS.us_listen_socket>((ok, fail) => {
    app.listen(config.server.host, config.server.port, (sock) => (sock ? ok(sock) : fail(new Error(`cannot listen on ${config.server.host}:${config.server.port}`))));
  });
  const port = uWS.us_socket_local_port(listen);
  const url = `http://${config.server.host}:${port}`;
  log.info({ host: config.server.host, port, profile: profile.name, dataDir }, 'listening');

  const stopFleet = config.demo.enabled
    ? await startDemoFleet(rooms.cameras, { url: `ws://${config.server.host}:${port}/v1/camera`, ...config.demo, hotPlates: rooms.demoPlates() }, log)
    : undefined;

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    config,
    profile,
    log,
    rooms,
    metrics,
    imports,
    compaction,
    close() {
      closing ??= (async () => {
        uWS.us_listen_socket_close(listen);
        await stopFleet?.();
        escalator.stop();
        await compaction.stop();
        await imports.stop();
        health.stop();
        await pipeline.drain();
        app.close();
        unsubscribe();
        await pool.close();
        await ocr.close();
        await rooms.close();
        log.info('closed');
      })();
      return closing;
    },
  };
}
