/** `platesafe serve`: run the server with embedded defaults (PORT from the environment). */
import type { Command } from 'commander';
import { startServer } from '../app.js';

interface ServeOptions {
  port?: string;
  host?: string;
  profile?: string;
  demo?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the PlateSafe server')
    .option('--port <n>', 'port to listen on (default $PORT or 8080)')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--profile <name|file>', 'policy profile', 'menlo-park')
    .option('--demo', 'also run a simulated camera fleet so hits flow')
    .action(async (opts: ServeOptions) => {
      const data = program.opts<{ data: string }>().data;
      const port = Number(opts.port ?? process.env.PORT ?? 8080);
      const server = await startServer({
        dataDir: data,
        profile: opts.profile,
        server: { host: opts.host, port },
      });
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`PlateSafe on http://${server.config.server.host}:${server.port}/healthz\n`);
    });
}
