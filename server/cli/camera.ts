/**
 * `platesafe camera add|ls|token|zone`: the administrator's camera commands (POLICY R6).
 * A camera is registered with its placement justification (MP 462.10) and its token is
 * printed once, never stored; zones are polygons inside which reads are dropped at ingest.
 * Every change is recorded in the audit log with the operating-system user as actor.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AuditLog } from '../../core/audit/log.js';
import { CameraRegistry, type Camera } from '../../core/cameras/registry.js';
import { ConfigSchema } from '../../core/config/config.js';
import { ErrBadInput, ErrNotFound } from '../../core/errors.js';
import { loadProfile } from '../../core/policy/profiles.js';

/** `"lat,lon;lat,lon;lat,lon"` → polygon; at least three vertices, each in range. */
export function parsePolygon(text: string): Array<[number, number]> {
  const points = text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      const [lat, lon, extra] = p.split(',').map((x) => Number(x.trim()));
      if (extra !== undefined || lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        throw new ErrBadInput(`polygon vertex ${JSON.stringify(p)} is not "lat,lon" within range`, { field: 'polygon' });
      }
      return [lat, lon] as [number, number];
    });
  if (points.length < 3) throw new ErrBadInput('a polygon needs at least three "lat,lon" vertices separated by ";"', { field: 'polygon' });
  return points;
}

function optionalNumber(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ErrBadInput(`--${name} must be a number`, { field: name });
  return n;
}

interface Ctx {
  registry: CameraRegistry;
  record(action: string, subject: unknown): Promise<void>;
}

async function withRooms(program: Command, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const { data, profile } = program.opts<{ data: string; profile?: string }>();
  const registry = CameraRegistry.open(data);
  const audit = AuditLog.open({ dir: join(data, 'audit'), auditDays: loadProfile(profile ?? ConfigSchema.parse({}).profile).retention.auditDays });
  const actor = `cli:${userInfo().username}`;
  try {
    await fn({ registry, record: async (action, subject) => void (await audit.record({ action, actor, from: 'cli', outcome: 'ok', subject })) });
  } finally {
    await registry.close();
    await audit.close();
  }
}

function line(c: Camera): string {
  const where = c.placement.lat !== undefined ? `${c.placement.lat},${c.placement.lon}` : '-';
  return `${c.id}\t${c.name || '-'}\t${where}\t${c.zones.length} zone(s)\t${c.disabled ? 'disabled' : 'enabled'}\t${c.placement.justification || '-'}`;
}

export function registerCamera(program: Command): void {
  const cmd = program.command('camera').description('cameras, their tokens and exclusion zones (POLICY R6)');
  cmd
    .command('add <id>')
    .description('register a camera; prints its token once')
    .option('--name <name>', 'display name')
    .option('--lat <deg>', 'latitude of the placement')
    .option('--lon <deg>', 'longitude of the placement')
    .option('--why <justification>', 'why the camera stands there (MP 462.10)')
    .action((id: string, o: { name?: string; lat?: string; lon?: string; why?: string }) =>
      withRooms(program, async ({ registry, record }) => {
        const lat = optionalNumber(o.lat, 'lat');
        const lon = optionalNumber(o.lon, 'lon');
        const { camera, token } = await registry.add({ id, name: o.name ?? '', placement: { ...(lat !== undefined ? { lat } : {}), ...(lon !== undefined ? { lon } : {}), justification: o.why ?? '' } });
        await record('camera.add', { camera: camera.id, placement: camera.placement });
        process.stdout.write(`camera ${camera.id} registered\ntoken (shown once, store it on the camera): ${token}\n`);
      }),
    );
  cmd
    .command('ls')
    .description('list cameras')
    .action(() =>
      withRooms(program, async ({ registry }) => {
        for (const c of registry.list()) process.stdout.write(`${line(c)}\n`);
      }),
    );
  cmd
    .command('token <id>')
    .description('issue a new token; the old one stops working at once')
    .action((id: string) =>
      withRooms(program, async ({ registry, record }) => {
        const token = await registry.rotateToken(id);
        await record('camera.token', { camera: id });
        process.stdout.write(`new token for ${id} (shown once): ${token}\n`);
      }),
    );
  cmd
    .command('zone <id>')
    .description('set the exclusion zones: reads inside them are dropped at ingest and counted')
    .option('--polygon <points>', '"lat,lon;lat,lon;lat,lon…" (repeat for several zones)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--clear', 'remove every zone')
    .action((id: string, o: { polygon: string[]; clear?: boolean }) =>
      withRooms(program, async ({ registry, record }) => {
        if (!registry.get(id)) throw new ErrNotFound(`no camera ${id}`, { id });
        if (o.polygon.length === 0 && !o.clear) throw new ErrBadInput('give --polygon (one or more) or --clear', { field: 'polygon' });
        const zones = o.clear ? [] : o.polygon.map(parsePolygon);
        const camera = await registry.setZones(id, zones);
        await record('camera.zones', { camera: id, zones: zones.length });
        process.stdout.write(`${line(camera)}\n`);
      }),
    );
}
