/**
 * The baseline a department would otherwise run: PostgreSQL with a `pg_trgm` GIN index on
 * the plate column. Starts its own throw-away instance in a temp folder (as the `postgres`
 * or `nobody` user when run as root, since PostgreSQL refuses root), loads the same rows with
 * COPY, and answers the same queries (first page newest first, plus the total count).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgInstance {
  readonly client: pg.Client;
  readonly dir: string;
  stop(): Promise<void>;
}

function pgUser(): { name: string; uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout);
      return { name, uid: Number(r.stdout), gid };
    }
  }
  throw new Error('running as root and no postgres or nobody user to run PostgreSQL as');
}

function asUser(user: { name: string } | null, cmd: string, args: string[]): void {
  if (user) execFileSync('runuser', ['-u', user.name, '--', cmd, ...args], { stdio: 'pipe' });
  else execFileSync(cmd, args, { stdio: 'pipe' });
}

export function postgresAvailable(): boolean {
  return spawnSync('initdb', ['--version']).status === 0 && spawnSync('pg_ctl', ['--version']).status === 0;
}

/** A folder the PostgreSQL user can read (for COPY) and write. */
export function sharedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const user = pgUser();
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

export async function startPostgres(): Promise<PgInstance> {
  const user = pgUser();
  const dir = sharedTempDir('ps-bench-pg-');
  const data = join(dir, 'data');
  asUser(user, 'initdb', ['-D', data, '-U', 'bench', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const opts = [
    `-k ${dir}`, "-c listen_addresses=''", '-c shared_buffers=2GB', '-c work_mem=64MB', '-c maintenance_work_mem=1GB',
    '-c max_parallel_workers_per_gather=2', '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c jit=off',
  ].join(' ');
  asUser(user, 'pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  const client = new pg.Client({ host: dir, user: 'bench', database: 'postgres' });
  await client.connect();
  return {
    client,
    dir,
    async stop() {
      await client.end();
      asUser(user, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Loads a CSV (id, cam, ts, plate, st, conf) and builds the trigram and time indexes. */
export async function loadDetections(c: pg.Client, csvPath: string): Promise<void> {
  await c.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await c.query('CREATE TABLE det (id bigint PRIMARY KEY, cam int NOT NULL, ts bigint NOT NULL, plate text NOT NULL, st text, conf real)');
  await c.query(`COPY det FROM '${csvPath}' WITH (FORMAT csv)`);
  await c.query('CREATE INDEX det_plate_trgm ON det USING gin (plate gin_trgm_ops)');
  await c.query('CREATE INDEX det_ts ON det (ts)');
  await c.query('VACUUM ANALYZE det');
}

/** The store's pattern language as an anchored POSIX regex (pg_trgm indexes `~`). */
export function patternToRegex(pattern: string): string {
  return `^${pattern.replace(/\?/g, '.').replace(/\*/g, '.*')}$`;
}

/** First page newest first plus the total, as the store answers it; returns the total. */
export async function pgSearch(c: pg.Client, pattern: string, from: number, to: number): Promise<number> {
  const re = patternToRegex(pattern);
  await c.query('SELECT id, cam, ts, plate, st, conf FROM det WHERE plate ~ $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC LIMIT 100', [re, from, to]);
  const n = await c.query<{ n: string }>('SELECT count(*) AS n FROM det WHERE plate ~ $1 AND ts >= $2 AND ts < $3', [re, from, to]);
  return Number(n.rows[0]!.n);
}
