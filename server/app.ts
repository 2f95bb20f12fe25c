/**
 * The PlateSafe server: one uWebSockets.js app on one port. Start-up validates the
 * configuration and profile (a bad one stops here, never at the first request).
 */
import uWS from 'uWebSockets.js';
import { pino, type Logger } from 'pino';
import { parseConfig, type Config, type ConfigInput } from '../core/config/config.js';
import { loadProfile } from '../core/policy/profiles.js';
import type { Profile } from '../core/policy/profile.js';
import { sendJson } from './http.js';

export interface Server {
  readonly port: number;
  readonly config: Config;
  readonly profile: Profile;
  readonly log: Logger;
  close(): Promise<void>;
}

export async function startServer(input: ConfigInput = {}): Promise<Server> {
  const config = parseConfig(input);
  const profile = loadProfile(config.profile);
  const log = pino({ name: 'platesafe', level: config.log.level });
  const started = Date.now();
  const app = uWS.App();

  app.get('/healthz', (res) => {
    sendJson(res, 200, { status: 'ok', profile: profile.name, uptime_s: Math.round((Date.now() - started) / 1000) });
  });

  const listen = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.server.host, config.server.port, (sock) => (sock ? resolve(sock) : reject(new Error(`cannot listen on ${config.server.host}:${config.server.port}`))));
  });
  const port = uWS.us_socket_local_port(listen);
  log.info({ host: config.server.host, port, profile: profile.name }, 'listening');

  return {
    port,
    config,
    profile,
    log,
    async close() {
      uWS.us_listen_socket_close(listen);
      app.close();
      log.info('closed');
    },
  };
}
