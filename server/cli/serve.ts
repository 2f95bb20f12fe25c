/** `platesafe serve`: run the server with embedded defaults (PORT from the environment). */
import type { Command } from 'commander';
import { startServer } from '../app.js';
import { ensureDemoUsers } from '../demo/users.js';

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
    .option('--demo', 'load the demo hot list and run a simulated camera fleet so hits flow')
    .action(async (opts: ServeOptions) => {
      const data = program.opts<{ data: string }>().data;
      const port = Number(opts.port ?? process.env.PORT ?? 8080);
      const server = await startServer({
        dataDir: data,
        profile: opts.profile,
        server: { host: opts.host, port },
        demo: { enabled: Boolean(opts.demo) },
      });
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`PlateSafe ${server.profile.department} profile, data in ${server.config.dataDir}\n`);
      process.stdout.write(`  console: ${server.url}/console/\n  health:  ${server.url}/healthz\n  metrics: ${server.url}/metrics\n`);
      if (opts.demo) {
        const users = await ensureDemoUsers(server.rooms.accounts);
        for (const u of users) process.stdout.write(`  demo ${u.role}: ${u.user} / ${u.password}\n`);
      }
    });
}
