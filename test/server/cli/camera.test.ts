import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../core/audit/log.js';
import { CameraRegistry } from '../../../core/cameras/registry.js';
import { main } from '../../../server/cli/main.js';
import { parsePolygon } from '../../../server/cli/camera.js';
import { tempDir } from '../../support/rooms.js';
import { join } from 'node:path';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('platesafe camera', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds a camera and prints its token once, lists, rotates and sets zones, all recorded', async () => {
    const data = tempDir('cli-cam');
    const added = await run(['--data', data, 'camera', 'add', 'pole-9', '--name', 'Main St', '--lat', '37.4', '--lon', '-122.1', '--why', 'collision corridor']);
    expect(added.code).toBe(0);
    const token = /token \(shown once[^:]*\): (\S+)/.exec(added.out)?.[1];
    expect(token).toMatch(/^pst_/);
    const ls = await run(['--data', data, 'camera', 'ls']);
    expect(ls.out).toContain('pole-9\tMain St\t37.4,-122.1\t0 zone(s)');
    expect(ls.out).not.toContain(token!);
    const rotated = await run(['--data', data, 'camera', 'token', 'pole-9']);
    const next = /: (pst_\S+)/.exec(rotated.out)?.[1];
    const zoned = await run(['--data', data, 'camera', 'zone', 'pole-9', '--polygon', '37.39,-122.11;37.39,-122.09;37.41,-122.09', '--polygon', '1,1;1,2;2,2']);
    expect(zoned.out).toContain('2 zone(s)');

    const registry = CameraRegistry.open(data);
    expect(registry.authenticate(token!)).toBeUndefined();
    expect(registry.authenticate(next!)?.id).toBe('pole-9');
    expect(registry.get('pole-9')?.zones[0]).toEqual([[37.39, -122.11], [37.39, -122.09], [37.41, -122.09]]);
    await registry.close();
    const audit = AuditLog.open({ dir: join(data, 'audit'), auditDays: 1000 });
    expect(audit.query().map((r) => r.action)).toEqual(['camera.add', 'camera.token', 'camera.zones']);
    expect(audit.query()[0]!.actor).toMatch(/^cli:/);
    await audit.close();
  });

  it('refuses malformed polygons and unknown cameras with stable codes', async () => {
    const data = tempDir('cli-cam-bad');
    expect(() => parsePolygon('1,1;2,2')).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
    expect(() => parsePolygon('1,1;2,x;3,3')).toThrow(expect.objectContaining({ code: 'PS_ERR_BAD_INPUT' }));
    expect(parsePolygon(' 1,1 ; 1,2 ; 2,2 ;')).toEqual([[1, 1], [1, 2], [2, 2]]);
    const unknown = await run(['--data', data, 'camera', 'zone', 'ghost', '--polygon', '1,1;1,2;2,2']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('PS_ERR_NOT_FOUND');
  });
});
